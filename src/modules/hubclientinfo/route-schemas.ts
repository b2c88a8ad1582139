import { Type } from '@sinclair/typebox';
import { schemaOf } from '../../model/objects.ts';
import { CiString } from '../../model/primitives.ts';
import type { OcpiVersion } from '../../model/versions.ts';
import { enveloped } from '../../transport/route-schemas.ts';

/*
 * The routes of the HubClientInfo receiver interface: {url}/{country_code}/{party_id}, where
 * the party is the one the ClientInfo is about (not the caller, which is the hub).
 */

const params = Type.Object({
  country_code: CiString(2, { description: 'Country code of the party the ClientInfo is about' }),
  party_id: CiString(3, { description: 'Party id of the party the ClientInfo is about' }),
});

const tag = 'hubclientinfo';

/** PUT: a hub tells us the status of a party behind it. */
export function putClientInfoSchema(version: OcpiVersion) {
  return {
    params,
    response: { 200: enveloped() },
    openapi: {
      operationId: 'receiverPutClientInfo',
      summary: 'A hub reports a party behind it and the status of its connection (hubs only)',
      tag,
      body: { schema: schemaOf(version, 'ClientInfo'), required: true },
    },
  };
}

/** GET: the ClientInfo the calling hub reported of a party, as we keep it. */
export function getClientInfoSchema(version: OcpiVersion) {
  return {
    params,
    response: { 200: enveloped(schemaOf(version, 'ClientInfo')) },
    openapi: {
      operationId: 'receiverGetClientInfo',
      summary: "Our copy of the calling hub's ClientInfo of a party",
      tag,
    },
  };
}
