import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { v230 } from '../../src/index.ts';
import type { SimulatedTransaction } from '../../src/ocpp/simulator.ts';
import type { StoreOptions } from '../../src/store/store.ts';
import { startNode } from '../support/nodes.ts';
import { token } from '../support/objects.ts';
import { simulator, startOcppPair } from '../support/ocpp.ts';
import { CPO_PARTY, eventually } from '../support/pair.ts';
import { memoryStore, postgresStore, storeCases } from '../support/stores.ts';

/**
 * A store the CPO opens again after its restart (a PGlite directory, or one PostgreSQL
 * schema), and where the eMSP keeps its own.
 */
const CASES = storeCases<
  () => Promise<{ store: StoreOptions; emsp: () => StoreOptions; cleanup: () => Promise<void> }>
>(
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ocpi-ocpp-'));
    return {
      store: { kind: 'pglite', dataDir: dir },
      emsp: memoryStore,
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  },
  async () => ({ store: postgresStore(), emsp: postgresStore, cleanup: async () => {} }),
);

describe.each(CASES)('a CPO node restarted mid-transaction, on %s', (_name, kept) => {
  it('completes the Session and issues one CDR when the charger reports the stop', async () => {
    const { store, emsp, cleanup } = await kept();
    const ocpp = { enabled: true, heartbeatIntervalSeconds: 60 };
    const adminToken = 'cpo-admin-token-0123456789';
    // The eMSP has a store of its own; the CPO's is `store`, opened again after the restart.
    const pair = await startOcppPair(emsp, { store, adminToken });
    let cpo: FastifyInstance = pair.cpo;
    try {
      const sim = simulator(cpo);
      await sim.start();
      const started = once(sim, 'transaction-started');
      const sent = await pair.emsp.ocpi.commands.startSession(pair.cpoAtEmsp, {
        token: token('RESTART-1', '2020-01-01T00:00:00Z') as v230.tokens.Token,
        location_id: 'LOC1',
        evse_uid: 'E1',
      });
      expect(await sent.result).toMatchObject({ result: 'ACCEPTED' });
      const [tx] = (await started) as [SimulatedTransaction];
      await sim.meterValues(1);
      const emspSession = (status: string) =>
        eventually(async () => {
          const { items } = await pair.emsp.ocpi.sessions.listReceived(pair.cpoAtEmsp);
          return items.find((s) => s.cdr_token.uid === 'RESTART-1' && s.status === status);
        });
      const active = await emspSession('ACTIVE');
      await sim.stop(true);

      await cpo.close();
      cpo = await startNode({
        versions: ['2.2.1'],
        parties: [CPO_PARTY],
        delivery: { backoff: { initialMs: 50, maxMs: 200, jitter: 0 }, pollIntervalMs: 50 },
        store,
        ocpp,
        adminToken,
      });
      // The charger comes back to the restarted node and reports the stop of the same transaction.
      const again = simulator(cpo);
      await again.start();
      await again.call('MeterValues', {
        connectorId: 1,
        transactionId: tx.transactionId,
        meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: '3000' }] }],
      });
      const stop = {
        transactionId: tx.transactionId,
        meterStop: 3500,
        timestamp: new Date().toISOString(),
        idTag: tx.idTag,
      };
      expect(await again.call('StopTransaction', stop)).toEqual({ idTagInfo: { status: 'Accepted' } });
      expect(await again.call('StopTransaction', stop)).toEqual({ idTagInfo: { status: 'Accepted' } });
      const completed = await emspSession('COMPLETED');
      expect(completed).toMatchObject({ id: active.id, kwh: 2.5 });
      const cdr = await eventually(async () => {
        const { items } = await pair.emsp.ocpi.cdrs.listReceived(pair.cpoAtEmsp);
        return items.find((c) => c.session_id === active.id);
      });
      expect(cdr).toMatchObject({ total_energy: 2.5 });
      const own = (await cpo.ocpi.cdrs.list()).items.filter((c) => c.session_id === active.id);
      expect(own).toHaveLength(1);
      await again.stop(true);
    } finally {
      await Promise.all([cpo.close(), pair.emsp.close()]);
      await cleanup();
    }
  }, 90_000);
});
