import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SUPPORTED_VERSIONS } from '../../model/versions.ts';
import type { OcpiModule } from '../../node.ts';
import { acceptRegistration, acceptUpdate } from '../../partners/handshake-server.ts';
import { ownCredentials } from '../../partners/own-credentials.ts';
import type { Caller } from '../../partners/types.ts';
import { envelope } from '../../transport/envelope.ts';
import { OcpiError } from '../../transport/errors.ts';

function registeredCaller(
  request: FastifyRequest,
  action: string,
): Exclude<Caller, { kind: 'registration' }> {
  const caller = request.ocpi.caller;
  if (caller?.kind !== 'partner')
    throw OcpiError.methodNotAllowed(`${action}: not registered; register with POST first`);
  return caller;
}

/** The credentials module: registration, token rotation and unregistration, as server. */
export const credentialsModule: OcpiModule = {
  id: 'credentials',
  versions: SUPPORTED_VERSIONS,
  // The credentials endpoint is listed once; its role has no meaning (SENDER is advised).
  endpoints: () => [{ identifier: 'credentials', role: 'SENDER', path: 'credentials' }],
  routes(app: FastifyInstance, version, node) {
    const config = { ocpiAuth: 'handshake' as const };

    app.get('/credentials', { config }, async (request) =>
      envelope(ownCredentials(node, version, request.ocpi.token as string)),
    );

    app.post('/credentials', { config }, async (request) => {
      const caller = request.ocpi.caller;
      if (caller?.kind !== 'registration')
        throw OcpiError.methodNotAllowed('POST credentials: already registered; use PUT to update');
      return envelope(await acceptRegistration(node, version, caller.tokenHash, request.body));
    });

    app.put('/credentials', { config }, async (request) => {
      const caller = registeredCaller(request, 'PUT credentials');
      return envelope(await acceptUpdate(node, version, caller.partner, request.body));
    });

    app.delete('/credentials', { config }, async (request) => {
      const caller = registeredCaller(request, 'DELETE credentials');
      await node.registry.remove(caller.partner.id);
      request.log.info({ partner: caller.partner.id }, 'partner unregistered');
      return envelope(undefined);
    });
  },
};
