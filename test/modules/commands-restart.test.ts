import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChargerCommand, ChargerGateway, GatewayReporter } from '../../src/modules/commands/gateway.ts';
import { SimulatedGateway } from '../../src/modules/commands/simulated-gateway.ts';
import type { StoreOptions } from '../../src/store/store.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { startNode } from '../support/nodes.ts';
import { CPO_PARTY, EMSP_PARTY, eventually } from '../support/pair.ts';
import { exampleJson } from '../support/spec-fixtures.ts';
import { postgresStore, storeCases } from '../support/stores.ts';
import { deliverySettled, waitFor } from '../support/wait-for.ts';

const json = (file: string) => exampleJson('2.3.0', file) as Record<string, unknown>;

// A new PGlite directory (initdb) is made and opened twice: slow on a loaded machine, hence 90 s.
describe('a CPO stopped between CommandResponse and CommandResult', () => {
  it('sends TIMEOUT after it starts again, exactly once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ocpi-cpo-'));
    const fast = { backoff: { initialMs: 50, maxMs: 200, jitter: 0 }, pollIntervalMs: 50 };
    const silent = new SimulatedGateway({ default: 'silent' });
    // The CPO's time moves only when the test says: no TIMEOUT before the stop, one when due.
    const clock = new ManualClock();
    const options = {
      clock,
      versions: ['2.2.1' as const],
      parties: [CPO_PARTY],
      delivery: fast,
      store: { kind: 'pglite' as const, dataDir: dir },
      commands: { gateway: silent, timeoutSeconds: 2 },
    };
    let cpo = await startNode(options);
    const emsp = await startNode({ parties: [EMSP_PARTY], delivery: fast, commands: { graceSeconds: 30 } });
    try {
      const partner = await emsp.ocpi.registerWith(
        cpo.ocpi.versionsUrl(),
        await cpo.ocpi.createRegistrationToken(),
      );
      const example = json('location_example.json');
      const evses = (example.evses as Array<Record<string, unknown>>).map((e) => ({
        ...e,
        capabilities: ['REMOTE_START_STOP_CAPABLE'],
      }));
      const location = { ...example, evses, country_code: 'NL', party_id: 'CPO', id: 'R-LOC' };
      await cpo.ocpi.locations.put(location, '2.3.0');
      const token = { ...json('token_example_2_full_rfid.json'), country_code: 'DE', party_id: 'MSP' };
      const sent = await emsp.ocpi.commands.send(partner.id, 'START_SESSION', {
        token,
        location_id: 'R-LOC',
      });
      expect(sent.response.result).toBe('ACCEPTED');
      await cpo.close();

      cpo = await startNode(options);
      let delivered = 0;
      cpo.ocpi.delivery.on('delivered', (e) => {
        if (e.entry.kind === 'command-result') delivered++;
      });
      const status = async () =>
        (await cpo.ocpi.store.db.selectFrom('ocpi_commands').select('status').executeTakeFirst())?.status;
      await clock.advance(1999);
      expect(await status()).toBe('pending');
      await clock.advance(1);
      expect(await sent.result).toEqual({ result: 'TIMEOUT', source: 'partner' });
      await waitFor(() => delivered === 1);
      // The command is final and its result delivered: nothing is left that could send it again.
      expect(await status()).toBe('timed_out');
      await deliverySettled(cpo.ocpi.delivery);
      expect(delivered).toBe(1);
      expect(await cpo.ocpi.delivery.pending()).toBe(0);
    } finally {
      silent.close();
      await Promise.all([cpo.close(), emsp.close()]);
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});

/** A charger that accepts START_SESSION and otherwise reports only when the test tells it to. */
class ScriptedCharger implements ChargerGateway {
  report?: GatewayReporter;
  /** The START_SESSION it accepted. */
  commandId?: string;
  attach(report: GatewayReporter): void {
    this.report = report;
  }
  execute(command: ChargerCommand, report: GatewayReporter): void {
    if (command.type !== 'START_SESSION') {
      report.outcome(command.commandId, 'REJECTED');
      return;
    }
    this.commandId = command.commandId;
    report.outcome(command.commandId, 'ACCEPTED');
    report.sessionStarted({ ...SESSION, commandId: command.commandId, kwh: 0, at: minutesAgo(60) });
  }
}

const SESSION = { sessionId: 'RESTART-S1', locationId: 'R-LOC', evseUid: 'EVSE-R', connectorId: '1' };
/** Whole minutes before one instant fixed at load: a minute turning mid-test must not stretch the session. */
const NOW_MINUTE = Math.floor(Date.now() / 60_000) * 60_000;
const minutesAgo = (n: number) => new Date(NOW_MINUTE - n * 60_000);

describe.each(
  storeCases<() => Promise<StoreOptions>>(
    async () => ({ kind: 'pglite', dataDir: await mkdtemp(join(tmpdir(), 'ocpi-cpo-')) }),
    async () => postgresStore(),
  ),
)('a CPO restarted while a session is charging, on %s', (_name, storeOptions) => {
  it('completes the session and issues its CDR, priced over the whole session, once', async () => {
    const store = await storeOptions();
    const fast = { backoff: { initialMs: 50, maxMs: 200, jitter: 0 }, pollIntervalMs: 50 };
    const before = new ScriptedCharger();
    const options = (gateway: ChargerGateway) => ({
      versions: ['2.2.1' as const],
      parties: [CPO_PARTY],
      delivery: fast,
      store,
      commands: { gateway },
    });
    let cpo = await startNode(options(before));
    const emsp = await startNode({ parties: [EMSP_PARTY], delivery: fast });
    try {
      const partner = await emsp.ocpi.registerWith(
        cpo.ocpi.versionsUrl(),
        await cpo.ocpi.createRegistrationToken(),
      );
      // 2.00 EUR per hour excl. VAT, by the minute (the spec's simple tariff).
      await cpo.ocpi.tariffs.put(
        {
          ...json('tariff_1_simple_2hour.json'),
          country_code: 'NL',
          party_id: 'CPO',
          id: 'T-R',
        },
        '2.3.0',
      );
      const example = json('location_example.json');
      const evse = (example.evses as Array<Record<string, unknown>>)[0] ?? {};
      const connectors = (evse.connectors as Array<Record<string, unknown>>).map((c) => ({
        ...c,
        tariff_ids: ['T-R'],
      }));
      await cpo.ocpi.locations.put(
        {
          ...example,
          country_code: 'NL',
          party_id: 'CPO',
          id: 'R-LOC',
          evses: [{ ...evse, uid: 'EVSE-R', capabilities: ['REMOTE_START_STOP_CAPABLE'], connectors }],
        },
        '2.3.0',
      );
      const token = { ...json('token_example_2_full_rfid.json'), country_code: 'DE', party_id: 'MSP' };
      const sent = await emsp.ocpi.commands.send(partner.id, 'START_SESSION', {
        token,
        location_id: 'R-LOC',
        evse_uid: 'EVSE-R',
      });
      expect((await sent.result).result).toBe('ACCEPTED');
      before.report?.sessionProgress({ ...SESSION, kwh: 4, at: minutesAgo(40) });
      const atEmsp = () =>
        emsp.ocpi.sessions.received(partner.id, { countryCode: 'NL', partyId: 'CPO', id: 'RESTART-S1' });
      await eventually(async () => ((await atEmsp())?.kwh === 4 ? true : undefined));
      await cpo.close();

      const after = new ScriptedCharger();
      cpo = await startNode(options(after));
      after.report?.sessionProgress({ ...SESSION, kwh: 7, at: minutesAgo(20) });
      after.report?.sessionStopped({ ...SESSION, kwh: 10, at: minutesAgo(0) });
      // The charger says it again (it did not see our acknowledgement): nothing changes.
      after.report?.sessionStopped({ ...SESSION, kwh: 10, at: minutesAgo(0) });
      // Events are handled in order: once this next session shows at the eMSP, the repeat was handled.
      after.report?.sessionStarted({
        ...SESSION,
        sessionId: 'RESTART-S2',
        ...(before.commandId ? { commandId: before.commandId } : {}),
        kwh: 0,
        at: minutesAgo(0),
      });

      const cdrs = async () =>
        (await emsp.ocpi.cdrs.listReceived(partner.id, { offset: 0, limit: 10 })).items;
      const [cdr] = await eventually(async () => ((await cdrs()).length > 0 ? cdrs() : undefined));
      expect(cdr).toMatchObject({ id: 'RESTART-S1', total_energy: 10, total_time: 1 });
      expect(cdr?.total_cost).toMatchObject({ before_taxes: 2 });
      const session = await eventually(async () => {
        const s = await atEmsp();
        return s?.status === 'COMPLETED' ? s : undefined;
      });
      expect(session).toMatchObject({ kwh: 10, total_cost: { before_taxes: 2 } });
      const next = () =>
        emsp.ocpi.sessions.received(partner.id, { countryCode: 'NL', partyId: 'CPO', id: 'RESTART-S2' });
      await eventually(next);
      await deliverySettled(cpo.ocpi.delivery);
      expect(await cpo.ocpi.delivery.pending()).toBe(0);
      expect(await cdrs()).toHaveLength(1);
      expect(await cpo.ocpi.delivery.listDeadLetters()).toEqual([]);
      const live = await cpo.ocpi.store.db.selectFrom('ocpi_live_sessions').select('session_id').execute();
      expect(live).toEqual([{ session_id: 'RESTART-S2' }]);
    } finally {
      await Promise.all([cpo.close(), emsp.close()]);
      if (store.kind === 'pglite') await rm(store.dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
