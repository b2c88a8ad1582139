import { once } from 'node:events';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { v230 } from '../../src/index.ts';
import type { ChargerSimulator, SimulatedTransaction } from '../../src/ocpp/simulator.ts';
import type { StoreOptions } from '../../src/store/store.ts';
import { startNode } from '../support/nodes.ts';
import { token } from '../support/objects.ts';
import { simulator, startOcppPair } from '../support/ocpp.ts';
import { CPO_PARTY, eventually, type Pair } from '../support/pair.ts';
import { POSTGRES_ENV, postgresStore } from '../support/stores.ts';

const TOKEN = { ...token('APP-MULTI', '2020-01-01T00:00:00Z'), type: 'APP_USER' } as v230.tokens.Token;
const CPO_OPTIONS = {
  versions: ['2.2.1' as const],
  parties: [CPO_PARTY],
  ocpp: { enabled: true, heartbeatIntervalSeconds: 60 },
  adminToken: 'cpo-admin-token-0123456789',
  commands: { timeoutSeconds: 5 },
};

/** Which instance holds a charger, as instance `app` reads the shared table. */
async function holder(app: FastifyInstance, chargerId: string): Promise<string | undefined> {
  const row = await app.ocpi.store.db
    .selectFrom('ocpi_ocpp_connections')
    .select('instance_id')
    .where('charger_id', '=', chargerId)
    .executeTakeFirst();
  return row?.instance_id;
}

// Several instances share a PostgreSQL database; PGlite is one process's.
describe.skipIf(process.env[POSTGRES_ENV] === '0')('OCPP commands across instances on PostgreSQL', () => {
  let pair: Pair;
  let cpoStore: StoreOptions;
  /** A second CPO instance on the CPO's schema: the charger connects here. */
  let b: FastifyInstance;
  let sim: ChargerSimulator;
  beforeAll(async () => {
    cpoStore = postgresStore();
    let calls = 0;
    // The first store asked for is the CPO's (instance A), the second the eMSP's own.
    pair = await startOcppPair(() => (calls++ === 0 ? cpoStore : postgresStore()), CPO_OPTIONS);
    b = await startNode({ ...CPO_OPTIONS, store: cpoStore });
  });
  afterEach(async () => {
    await sim?.stop(true);
  });
  afterAll(async () => {
    await b?.close();
    await pair?.close();
  });

  it('START_SESSION accepted by A reaches the charger on B; ACCEPTED at the eMSP, and the Session appears', async () => {
    sim = simulator(b);
    await sim.start();
    await eventually(() => holder(pair.cpo, 'CP-1'));
    const started = once(sim, 'transaction-started');
    const sent = await pair.emsp.ocpi.commands.startSession(pair.cpoAtEmsp, {
      token: TOKEN,
      location_id: 'LOC1',
      evse_uid: 'E2',
    });
    expect(await sent.result).toMatchObject({ result: 'ACCEPTED' });
    expect(sim.calls.at(-1)).toMatchObject({
      action: 'RemoteStartTransaction',
      params: { idTag: 'APP-MULTI', connectorId: 2 },
    });
    const [tx] = (await started) as [SimulatedTransaction];
    expect(tx.status).toBe('Accepted');
    const session = await eventually(async () => {
      const { items } = await pair.emsp.ocpi.sessions.listReceived(pair.cpoAtEmsp);
      return items.find((s) => s.cdr_token.uid === 'APP-MULTI' && s.status === 'ACTIVE');
    });
    expect(session).toMatchObject({ location_id: 'LOC1', evse_uid: 'E2' });

    // And back: the stop goes through A to B as well.
    const stop = await pair.emsp.ocpi.commands.stopSession(pair.cpoAtEmsp, { session_id: session.id });
    expect(await stop.result).toMatchObject({ result: 'ACCEPTED' });
    expect(sim.calls.at(-1)).toMatchObject({ action: 'RemoteStopTransaction' });
  });

  it("the charger's own answer travels back: Rejected at B is REJECTED from A", async () => {
    sim = simulator(b);
    await sim.start();
    await eventually(() => holder(pair.cpo, 'CP-1'));
    sim.script('UnlockConnector', 'UnlockFailed');
    const sent = await pair.emsp.ocpi.commands.unlockConnector(pair.cpoAtEmsp, {
      location_id: 'LOC1',
      evse_uid: 'E1',
      connector_id: '1',
    });
    expect(await sent.result).toMatchObject({ result: 'FAILED' });
    expect(sim.calls.at(-1)).toMatchObject({ action: 'UnlockConnector', answer: 'UnlockFailed' });
  });

  it('a charger connected nowhere is REJECTED at once; a dead instance (lease run out) counts as nowhere', async () => {
    sim = simulator(b);
    await sim.start();
    await eventually(() => holder(pair.cpo, 'CP-1'));
    await sim.stop(true);
    await eventually(async () => (await holder(pair.cpo, 'CP-1')) === undefined);
    const unlock = () =>
      pair.emsp.ocpi.commands.unlockConnector(pair.cpoAtEmsp, {
        location_id: 'LOC1',
        evse_uid: 'E1',
        connector_id: '1',
      });
    const offline = { result: 'REJECTED', source: 'response' };
    expect(await (await unlock()).result).toMatchObject(offline);
    // A claim of an instance that crashed: its lease is in the past.
    await pair.cpo.ocpi.store.db
      .insertInto('ocpi_ocpp_connections')
      .values({ charger_id: 'CP-1', instance_id: 'crashed', lease_until: new Date(Date.now() - 1000) })
      .execute();
    const started = Date.now();
    expect(await (await unlock()).result).toMatchObject(offline);
    expect(Date.now() - started).toBeLessThan(4000);
  });
});
