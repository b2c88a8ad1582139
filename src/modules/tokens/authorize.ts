import type { FastifyInstance } from 'fastify';
import { parseObject, renderObject } from '../../model/objects.ts';
import { describeIssues } from '../../model/validate.ts';
import { hasInterfaceRoles, type OcpiVersion } from '../../model/versions.ts';
import type { OcpiNode } from '../../node.ts';
import { envelope } from '../../transport/envelope.ts';
import { OcpiError } from '../../transport/errors.ts';
import { OcpiStatus } from '../../transport/status-codes.ts';
import type { CanonicalObject } from '../objects/service.ts';

/** POST {tokens}/{uid}/authorize[?type=]: real-time authorization of one of our tokens. */
export function authorizeRoute(app: FastifyInstance, version: OcpiVersion, node: OcpiNode): void {
  app.post<{ Params: { uid: string }; Querystring: { type?: string } }>(
    '/:uid/authorize',
    async (request) => {
      const type = hasInterfaceRoles(version) ? (request.query.type ?? 'RFID').toUpperCase() : undefined;
      let location: CanonicalObject | undefined;
      if (request.body !== undefined) {
        const parsed = parseObject(version, 'LocationReferences', request.body);
        if (!parsed.ok)
          throw OcpiError.invalid(`invalid LocationReferences: ${describeIssues(parsed.errors)}`);
        location = parsed.value as CanonicalObject;
      }
      const token = await node.services.tokens.getOwn(request.params.uid, type);
      if (!token)
        throw new OcpiError(OcpiStatus.UNKNOWN_TOKEN, `unknown token ${request.params.uid}`, {
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
    },
  );
}
