import { sql } from 'kysely';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ChargerCommand, ChargerGateway, GatewayReporter } from '../../src/modules/commands/gateway.ts';
import { startNode } from '../support/nodes.ts';
import { CPO_PARTY, EMSP_PARTY, eventually } from '../support/pair.ts';
import { STORES } from '../support/stores.ts';

const at = (minutes: number) => new Date(Date.UTC(2024, 0, 1, 12, minutes));
const WHERE = { locationId: 'TX-LOC', evseUid: 'TX-EVSE', connectorId: '1' };

/** A charger that accepts START_SESSION, starting the session id next in line; the test reports the rest. */
class Charger implements ChargerGateway {
  report?: GatewayReporter;
  constructor(private readonly sessionIds: string[]) {}
  attach(report: GatewayReporter): void {
    this.report = report;
  }
  execute(command: ChargerCommand, report: GatewayReporter): void {
    if (command.type !== 'START_SESSION') {
      report.outcome(command.commandId, 'REJECTED');
      return;
    }
    report.outcome(command.commandId, 'ACCEPTED');
    const sessionId = this.sessionIds.shift() ?? 'NONE';
    report.sessionStarted({ ...WHERE, sessionId, commandId: command.commandId, kwh: 0, at: at(0) });
  }
}

describe.each(STORES)('the session tracker on %s', (_name, storeOptions) => {
  it('writes the live row and the Session together or not at all, and still issues one CDR', async () => {
    const fast = { backoff: { initialMs: 50, maxMs: 200, jitter: 0 }, pollIntervalMs: 50 };
    const charger = new Charger(['DOOMED', 'TX-S1']);
    const failures: string[] = [];
    const log = pino({ level: 'error' }, { write: (line: string) => failures.push(JSON.parse(line).msg) });
    const failed = (what: string, count: number) =>
      eventually(
        async () => failures.filter((m) => m === `session tracking failed: ${what}`).length === count,
      );
    const cpo = await startNode({
      logger: log,
      versions: ['2.2.1'],
      parties: [CPO_PARTY],
      delivery: fast,
      store: storeOptions(),
      commands: { gateway: charger },
    });
    const emsp = await startNode({ parties: [EMSP_PARTY], delivery: fast });
    try {
      const partner = await emsp.ocpi.registerWith(
        cpo.ocpi.versionsUrl(),
        await cpo.ocpi.createRegistrationToken(),
      );
      await cpo.ocpi.tariffs.put({
        country_code: 'NL',
        party_id: 'CPO',
        id: 'TX-T',
        currency: 'EUR',
        tax_included: 'NO',
        elements: [{ price_components: [{ type: 'TIME', price: 2, step_size: 60 }] }],
        last_updated: at(0).toISOString(),
      });
      await cpo.ocpi.locations.put({
        country_code: 'NL',
        party_id: 'CPO',
        id: 'TX-LOC',
        publish: true,
        address: 'Stationsplein 1',
        city: 'Utrecht',
        country: 'NLD',
        coordinates: { latitude: '52.089444', longitude: '5.110278' },
        time_zone: 'Europe/Amsterdam',
        evses: [
          {
            uid: 'TX-EVSE',
            evse_id: 'NL*CPO*ETX1',
            status: 'AVAILABLE',
            capabilities: ['REMOTE_START_STOP_CAPABLE'],
            connectors: [
              {
                id: '1',
                standard: 'IEC_62196_T2',
                format: 'SOCKET',
                power_type: 'AC_3_PHASE',
                max_voltage: 230,
                max_amperage: 16,
                tariff_ids: ['TX-T'],
                last_updated: at(0).toISOString(),
              },
            ],
            last_updated: at(0).toISOString(),
          },
        ],
        last_updated: at(0).toISOString(),
      });
      const token = {
        country_code: 'DE',
        party_id: 'MSP',
        uid: 'TX-TOKEN',
        type: 'RFID',
        contract_id: 'DE-MSP-C12345678-X',
        issuer: 'Drive Co',
        valid: true,
        whitelist: 'ALLOWED',
        last_updated: at(0).toISOString(),
      };
      const db = cpo.ocpi.store.db;
      const start = async () => {
        const sent = await emsp.ocpi.commands.send(partner.id, 'START_SESSION', {
          token,
          location_id: WHERE.locationId,
          evse_uid: WHERE.evseUid,
          connector_id: WHERE.connectorId,
        });
        expect((await sent.result).result).toBe('ACCEPTED');
      };
      const idle = async () => {
        // The CommandResult is queued after the start was handled: wait for the outbox to drain.
        await eventually(async () => ((await cpo.ocpi.delivery.pending()) === 0 ? true : undefined));
      };

      // The store refuses the Session DOOMED after the live row is written: nothing of it stays.
      await sql`alter table ocpi_objects add constraint doomed check (object_id <> 'DOOMED')`.execute(db);
      await start();
      await failed('start', 1);
      const rowsOf = async (sessionId: string) => ({
        live: await db
          .selectFrom('ocpi_live_sessions')
          .selectAll()
          .where('session_id', '=', sessionId)
          .execute(),
        samples: await db
          .selectFrom('ocpi_session_samples')
          .selectAll()
          .where('session_id', '=', sessionId)
          .execute(),
        session: await cpo.ocpi.sessions.get(sessionId),
      });
      expect(await rowsOf('DOOMED')).toEqual({ live: [], samples: [], session: undefined });
      await sql`alter table ocpi_objects drop constraint doomed`.execute(db);

      // A session that goes through: started, charging, stopped; the CDR fails once.
      await start();
      await eventually(async () => ((await rowsOf('TX-S1')).session?.status === 'ACTIVE' ? true : undefined));
      charger.report?.sessionProgress({ ...WHERE, sessionId: 'TX-S1', kwh: 5, at: at(30) });
      await sql`alter table ocpi_objects add constraint no_cdr check (module <> 'cdrs')`.execute(db);
      charger.report?.sessionStopped({ ...WHERE, sessionId: 'TX-S1', kwh: 10, at: at(60) });
      await failed('stop', 1);
      // The stop was undone whole: the session is still charging, and kept in progress.
      const after = await rowsOf('TX-S1');
      expect(after.session).toMatchObject({ status: 'ACTIVE', kwh: 5 });
      expect(after.live).toHaveLength(1);
      expect(after.samples).toHaveLength(2);
      await sql`alter table ocpi_objects drop constraint no_cdr`.execute(db);
      // The charger says it again.
      charger.report?.sessionStopped({ ...WHERE, sessionId: 'TX-S1', kwh: 10, at: at(60) });
      charger.report?.sessionStopped({ ...WHERE, sessionId: 'TX-S1', kwh: 10, at: at(60) });

      const cdrs = async () => (await emsp.ocpi.cdrs.listReceived(partner.id)).items;
      const [cdr] = await eventually(async () => ((await cdrs()).length > 0 ? cdrs() : undefined));
      expect(cdr).toMatchObject({ id: 'TX-S1', total_energy: 10, total_time: 1 });
      const completed = await eventually(async () => {
        const s = await emsp.ocpi.sessions.received(partner.id, {
          countryCode: 'NL',
          partyId: 'CPO',
          id: 'TX-S1',
        });
        return s?.status === 'COMPLETED' ? s : undefined;
      });
      expect(completed).toMatchObject({ kwh: 10 });
      await idle();
      expect(await cdrs()).toHaveLength(1);
      expect(await rowsOf('TX-S1')).toMatchObject({ live: [], samples: [] });
      expect(failures).toEqual(['session tracking failed: start', 'session tracking failed: stop']);
      expect(
        await emsp.ocpi.sessions.received(partner.id, { countryCode: 'NL', partyId: 'CPO', id: 'DOOMED' }),
      ).toBe(undefined);
    } finally {
      await Promise.all([cpo.close(), emsp.close()]);
    }
  });
});
