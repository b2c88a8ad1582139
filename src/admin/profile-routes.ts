import { Readable } from 'node:stream';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ScspChargingProfiles } from '../modules/chargingprofiles/scsp-profiles.ts';
import type { OcpiNode } from '../node.ts';
import { OcpiError } from '../transport/errors.ts';
import { partnerNamed } from './partner-named.ts';
import { ProfileBody, ProfileParams } from './schemas.ts';

/**
 * POST /admin/profiles/{set|get|clear} { partner: 'CC*PID' | id, session, profile?, duration? }:
 * sends the request to the CPO's ChargingProfiles receiver and streams two NDJSON lines,
 * the ChargingProfileResponse and then the result (or TIMEOUT), as /admin/commands does.
 */
export function adminProfileRoutes(app: FastifyInstance, node: OcpiNode, profiles: ScspChargingProfiles) {
  const config = { ocpiAuth: 'none' as const };
  const schema = { params: ProfileParams, body: ProfileBody };
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  routes.post('/profiles/:action', { config, schema }, async (request, reply) => {
    const { action } = request.params;
    const body = request.body;
    if (action !== 'set' && action !== 'get' && action !== 'clear')
      throw OcpiError.invalid(`unknown profile action ${action}: set, get or clear`);
    const partner = await partnerNamed(node, body.partner);
    let sent: Awaited<ReturnType<ScspChargingProfiles['get']>>;
    if (action === 'set') {
      if (!body.profile) throw OcpiError.invalid('profile: is required to set a profile');
      sent = await profiles.set(partner.id, body.session, body.profile);
    } else if (action === 'get') sent = await profiles.get(partner.id, body.session, body.duration ?? 900);
    else sent = await profiles.clear(partner.id, body.session);
    const stream = new Readable({ read() {} });
    stream.push(`${JSON.stringify({ id: sent.id, response: sent.response })}\n`);
    void sent.result.then((result) => {
      stream.push(`${JSON.stringify({ result })}\n`);
      stream.push(null);
    });
    reply.type('application/x-ndjson');
    return reply.send(stream);
  });
}
