import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ChargersApi } from '../ocpp/bridge.ts';
import { envelope } from '../transport/envelope.ts';
import { OcpiError } from '../transport/errors.ts';
import {
  AddedChargerAnswer,
  ChargerIdParams,
  ChargersAnswer,
  NewChargerBody,
  RemovedChargerAnswer,
} from './charger-schemas.ts';

/**
 * The chargers of the OCPP bridge: `GET /chargers` lists them (online or not, OCPP
 * version, last heartbeat), `POST /chargers` binds one to a Location and answers its
 * password once, `DELETE /chargers/:id` forgets one (and closes its connection).
 */
export function adminChargerRoutes(app: FastifyInstance, chargers: ChargersApi): void {
  const config = { ocpiAuth: 'none' as const };
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();

  routes.get('/chargers', { config, schema: { response: { 200: ChargersAnswer } } }, async () =>
    envelope(await chargers.list()),
  );

  routes.post(
    '/chargers',
    { config, schema: { body: NewChargerBody, response: { 200: AddedChargerAnswer } } },
    async (request) => envelope(await chargers.add(request.body)),
  );

  routes.delete(
    '/chargers/:id',
    { config, schema: { params: ChargerIdParams, response: { 200: RemovedChargerAnswer } } },
    async (request) => {
      const { id } = request.params;
      if (!(await chargers.remove(id)))
        throw new OcpiError('OCPI_ERR_UNKNOWN_OBJECT', `no charger ${id}`, { httpStatus: 404 });
      return envelope({ id, removed: true });
    },
  );
}
