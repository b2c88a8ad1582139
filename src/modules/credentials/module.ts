import type { FastifyInstance, FastifyRequest } from 'fastify';
import { schemaOf } from '../../model/objects.ts';
import { type OcpiVersion, SUPPORTED_VERSIONS } from '../../model/versions.ts';
import type { OcpiModule } from '../../node.ts';
import { acceptRegistration, acceptUpdate } from '../../partners/handshake-server.ts';
import { ownCredentials } from '../../partners/own-credentials.ts';
import type { Caller } from '../../partners/types.ts';
import { envelope } from '../../transport/envelope.ts';
import { OcpiError } from '../../transport/errors.ts';
import { enveloped } from '../../transport/route-schemas.ts';

function registeredCaller(
  request: FastifyRequest,
  action: string,
): Exclude<Caller, { kind: 'registration' }> {
  const caller = request.ocpi.caller;
  if (caller?.kind !== 'partner')
    throw OcpiError.methodNotAllowed(`${action}: not registered; register with POST first`);
  return caller;
}

/** The schemas of the credentials routes: Credentials in and out (bodies are read by the handshake). */
function credentialsSchemas(version: OcpiVersion) {
  const credentials = schemaOf(version, 'Credentials');
  const answer = { response: { 200: enveloped(credentials) } };
  const doc = (operationId: string, summary: string) => ({ operationId, summary, tag: 'credentials' });
  const body = { schema: credentials, required: true };
  return {
    get: { ...answer, openapi: doc('getCredentials', 'Our credentials for the caller') },
    post: {
      ...answer,
      openapi: { ...doc('postCredentials', 'Register (with token A): your credentials in, ours out'), body },
    },
    put: {
      ...answer,
      openapi: { ...doc('putCredentials', 'Update a registration and rotate tokens'), body },
    },
    delete: { response: { 200: enveloped() }, openapi: doc('deleteCredentials', 'Unregister') },
  };
}

/** The credentials module: registration, token rotation and unregistration, as server. */
export const credentialsModule: OcpiModule = {
  id: 'credentials',
  versions: SUPPORTED_VERSIONS,
  // The credentials endpoint is listed once; its role has no meaning (SENDER is advised).
  endpoints: () => [{ identifier: 'credentials', role: 'SENDER', path: 'credentials' }],
  routes(app: FastifyInstance, version, node) {
    const config = { ocpiAuth: 'handshake' as const };
    const schemas = credentialsSchemas(version);

    app.get('/credentials', { config, schema: schemas.get }, async (request) => {
      // Set whenever a handshake route is reached (the transport refuses a request without one).
      const token = request.ocpi.token;
      if (token === undefined) throw OcpiError.unauthorized();
      return envelope(ownCredentials(node, version, token));
    });

    app.post('/credentials', { config, schema: schemas.post }, async (request) => {
      const caller = request.ocpi.caller;
      if (caller?.kind !== 'registration')
        throw OcpiError.methodNotAllowed('POST credentials: already registered; use PUT to update');
      return envelope(await acceptRegistration(node, version, caller.tokenHash, request.body));
    });

    app.put('/credentials', { config, schema: schemas.put }, async (request) => {
      const caller = registeredCaller(request, 'PUT credentials');
      return envelope(await acceptUpdate(node, version, caller.partner, request.body));
    });

    app.delete('/credentials', { config, schema: schemas.delete }, async (request) => {
      const caller = registeredCaller(request, 'DELETE credentials');
      await node.registry.remove(caller.partner.id);
      request.log.info({ partner: caller.partner.id }, 'partner unregistered');
      return envelope(undefined);
    });
  },
};
