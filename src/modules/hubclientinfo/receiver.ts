import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { OcpiVersion } from '../../model/versions.ts';
import type { OcpiNode } from '../../node.ts';
import { isHub } from '../../partners/hubs.ts';
import type { Partner } from '../../partners/types.ts';
import { envelope } from '../../transport/envelope.ts';
import { OcpiError } from '../../transport/errors.ts';
import { type PartyKey, readPutBody, renderClientInfo } from './client-info.ts';
import { storeReport } from './report.ts';
import { getClientInfoSchema, putClientInfoSchema } from './route-schemas.ts';

function callerOf(request: FastifyRequest): Partner {
  const caller = request.ocpi.caller;
  if (caller?.kind !== 'partner') throw OcpiError.unauthorized();
  return caller.partner;
}

function partyOf(params: { country_code: string; party_id: string }): PartyKey {
  return { countryCode: params.country_code.toUpperCase(), partyId: params.party_id.toUpperCase() };
}

/**
 * The receiver interface of HubClientInfo: a hub PUTs the ClientInfo of a party behind it
 * and may GET it back. Who reports is the authenticated partner, never the body: only a
 * partner that registered as a hub (a 2.2.1 HUB role or a 2.3.0 hub_party_id) may report,
 * and each hub reads back only what it reported itself. Another partner's PUT is refused
 * with OCPI 2001 (its token is good, so not 401: what it asks is not its to ask), and
 * nothing is stored.
 */
export function hubClientInfoRoutes(app: FastifyInstance, version: OcpiVersion, node: OcpiNode): void {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();

  routes.put('/:country_code/:party_id', { schema: putClientInfoSchema(version) }, async (request) => {
    const hub = callerOf(request);
    if (!isHub(hub))
      throw OcpiError.invalid(
        `ClientInfo is reported by hubs only; partner ${hub.id} did not register as a hub (2.2.1 role HUB, 2.3.0 hub_party_id)`,
      );
    const party = partyOf(request.params);
    const { client, canonical } = readPutBody(version, request.body, party, new Date(node.clock.now()));
    // A report older than the stored one is acknowledged, not applied, and not announced.
    if (await storeReport(node, { ...client, partnerId: hub.id }))
      node.events.emit('received', { module: 'hubclientinfo', partnerId: hub.id, object: canonical });
    return envelope(undefined);
  });

  routes.get('/:country_code/:party_id', { schema: getClientInfoSchema(version) }, async (request) => {
    const hub = callerOf(request);
    const party = partyOf(request.params);
    const client = await node.hubs.get(hub.id, party.countryCode, party.partyId);
    // As the receivers of client-owned objects answer a GET of a missing one: HTTP 404, OCPI 2001.
    if (!client)
      throw new OcpiError(
        'OCPI_ERR_UNKNOWN_OBJECT',
        `unknown ClientInfo ${party.countryCode}*${party.partyId}`,
        {
          httpStatus: 404,
        },
      );
    return envelope(renderClientInfo(version, client));
  });
}
