import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { createOcpiApp, type OcpiAppOptions } from '../src/index.ts';
import { exampleJson } from '../test/support/spec-fixtures.ts';

/** A CPO and an eMSP node registered over 2.2.1, and the tokens each uses to call the other. */
export async function benchPair(cpoOptions: OcpiAppOptions = {}) {
  const cpo = await createOcpiApp({ versions: ['2.2.1'], ...cpoOptions });
  await cpo.listen({ port: 0, host: '127.0.0.1' });
  const emsp = await createOcpiApp({
    parties: [{ countryCode: 'DE', partyId: 'MSP', role: 'EMSP', businessDetails: { name: 'bench' } }],
  });
  await emsp.listen({ port: 0, host: '127.0.0.1' });
  const partner = await emsp.ocpi.registerWith(
    cpo.ocpi.versionsUrl(),
    await cpo.ocpi.createRegistrationToken(),
  );
  const [emspAtCpo] = await cpo.ocpi.partners();
  const tokenOf = async (app: typeof cpo, id: string) =>
    (
      await app.ocpi.store.db
        .selectFrom('ocpi_partners')
        .select('outbound_token')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).outbound_token;
  const auth = (token: string) => ({ authorization: `Token ${Buffer.from(token).toString('base64')}` });
  return {
    cpo,
    emsp,
    cpoAtEmsp: partner.id,
    emspAtCpo: (emspAtCpo as { id: string }).id,
    emspCallsCpo: auth(await tokenOf(emsp, partner.id)),
    cpoCallsEmsp: auth(await tokenOf(cpo, (emspAtCpo as { id: string }).id)),
    close: () => Promise.all([cpo.close(), emsp.close()]),
  };
}

/** Runs a bench on PGlite, then on a fresh PostgreSQL schema (BENCH_DATABASE_URL), dropped after. */
export async function onBothStores<T>(
  run: (store: OcpiAppOptions['store']) => Promise<T>,
): Promise<{ pglite: T; postgres: T }> {
  const pglite = await run(undefined);
  const connectionString = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `bench_${Date.now()}`;
  const postgres = await run({ kind: 'postgres', connectionString, schema });
  const client = new pg.Client({ connectionString });
  await client.connect();
  await client.query(`drop schema if exists "${schema}" cascade`);
  await client.end();
  return { pglite, postgres };
}

/** Location BENCH of NL*ACM: the spec's example, every EVSE able to start remotely. */
export async function putBenchLocation(cpo: FastifyInstance): Promise<void> {
  const template = exampleJson('2.3.0', 'location_example.json') as Record<string, unknown>;
  const evses = (template.evses as Array<Record<string, unknown>>).map((e) => ({
    ...e,
    capabilities: ['REMOTE_START_STOP_CAPABLE'],
  }));
  await cpo.ocpi.locations.put(
    { ...template, evses, country_code: 'NL', party_id: 'ACM', id: 'BENCH' },
    '2.3.0',
  );
}
