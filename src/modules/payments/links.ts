import { sql } from 'kysely';
import type { JsonObject } from '../../model/json.ts';
import type { OcpiNode } from '../../node.ts';

/**
 * Our own Sessions and CDRs of an authorization_reference: what a FinancialAdviceConfirmation
 * is linked to (CPO side). Read from our store's objects table, where the toolkit keeps our
 * Sessions and CDRs (a node whose sessions/cdrs services are the application's own finds none).
 */
export async function ownObjectsOf(
  node: OcpiNode,
  module: 'sessions' | 'cdrs',
  authorizationReference: string,
): Promise<JsonObject[]> {
  const rows = await node.store.db
    .selectFrom('ocpi_objects')
    .select('data')
    .where('module', '=', module)
    .where('owner', '=', 'own')
    .where(sql<boolean>`data->>'authorization_reference' = ${authorizationReference}`)
    .orderBy('seq')
    .execute();
  return rows.map((r) => r.data);
}
