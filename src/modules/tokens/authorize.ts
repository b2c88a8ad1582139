import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parseObject, renderObject, schemaOf } from '../../model/objects.ts';
import { CiString } from '../../model/primitives.ts';
import { describeIssues } from '../../model/validate.ts';
import { hasInterfaceRoles, type OcpiVersion } from '../../model/versions.ts';
import type { OcpiNode } from '../../node.ts';
import { envelope } from '../../transport/envelope.ts';
import { OcpiError } from '../../transport/errors.ts';
import { enveloped } from '../../transport/route-schemas.ts';
import { OcpiStatus } from '../../transport/status-codes.ts';
import { idParam } from '../objects/route-schemas.ts';
import type { CanonicalObject } from '../objects/service.ts';

function authorizeSchema(version: OcpiVersion) {
  return {
    params: Type.Object({ token_uid: idParam(version, { objectName: 'Token', idField: 'uid' }) }),
    querystring: Type.Object({
      type: Type.Optional(CiString(undefined, { description: 'A TokenType, RFID when absent (2.2+)' })),
    }),
    response: { 200: enveloped(schemaOf(version, 'AuthorizationInfo')) },
    openapi: {
      operationId: 'senderAuthorizeToken',
      summary: 'Real-time authorization of one of our tokens',
      tag: 'tokens',
      body: { schema: schemaOf(version, 'LocationReferences'), required: false },
    },
  };
}

/** POST {tokens}/{uid}/authorize[?type=]: real-time authorization of one of our tokens. */
export function authorizeRoute(app: FastifyInstance, version: OcpiVersion, node: OcpiNode): void {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/:token_uid/authorize', { schema: authorizeSchema(version) }, async (request) => {
      const type = hasInterfaceRoles(version) ? (request.query.type ?? 'RFID').toUpperCase() : undefined;
      let location: CanonicalObject | undefined;
      if (request.body !== undefined) {
        const parsed = parseObject(version, 'LocationReferences', request.body);
        if (!parsed.ok)
          throw OcpiError.invalid(`invalid LocationReferences: ${describeIssues(parsed.errors)}`);
        location = parsed.value;
      }
      const token = await node.services.tokens.getOwn(request.params.token_uid, type);
      if (!token)
        throw new OcpiError(OcpiStatus.UNKNOWN_TOKEN, `unknown token ${request.params.token_uid}`, {
          httpStatus: 404,
        });
      const decision = await node.authorizeToken(token, location);
      const info: CanonicalObject = {
        allowed: decision.allowed,
        token,
        ...(location ? { location } : {}),
        ...(decision.authorizationReference
          ? { authorization_reference: decision.authorizationReference }
          : {}),
        ...(decision.info ? { info: decision.info } : {}),
      };
      const context = {
        countryCode: String(token.country_code ?? ''),
        partyId: String(token.party_id ?? ''),
      };
      return envelope(renderObject(version, 'AuthorizationInfo', info, { context }));
    });
}
