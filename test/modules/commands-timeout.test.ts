import { EventEmitter } from 'node:events';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedGateway } from '../../src/modules/commands/simulated-gateway.ts';
import { MSP_TOKEN as TOKEN } from '../support/command-fixtures.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { MATRIX, type Pair, startPair } from '../support/pair.ts';
import { RecordingGateway } from '../support/recording-gateway.ts';
import { exampleJson } from '../support/spec-fixtures.ts';
import { deliverySettled, waitFor } from '../support/wait-for.ts';

const json = (file: string) => exampleJson('2.3.0', file) as Record<string, unknown>;
/** The CPO's command timeout; the eMSP gives up only 5 s (its grace) after it. */
const TIMEOUT_SECONDS = 30;
const TIMEOUT_MS = TIMEOUT_SECONDS * 1000;
/** The slow charger answers this long after the CPO sent TIMEOUT. */
const LATE_MS = 500;

/*
 * Both nodes and the chargers live on one manual clock: a timeout is a step of the test, not
 * a wait, and nothing times out unless the test moves time.
 */
describe.each(MATRIX)('command timeouts over OCPI %s on %s', (version, _store, storeOptions) => {
  const clock = new ManualClock();
  const sim = new SimulatedGateway({
    evses: { SILENT: 'silent', SLOW: 'slow' },
    slowMs: TIMEOUT_MS + LATE_MS,
    clock,
  });
  const gateway = new RecordingGateway(sim);
  /** The CPO's log lines at warn level and above. */
  const cpoLog = new EventEmitter<{ line: [{ msg?: string; command?: string }] }>();
  /** The eMSP command ids of the CommandResults the CPO delivered, one per delivery. */
  const resultsDelivered: string[] = [];
  let pair: Pair;

  beforeAll(async () => {
    const logger = pino(
      { level: 'warn' },
      { write: (line: string) => cpoLog.emit('line', JSON.parse(line)) },
    );
    pair = await startPair(
      version,
      {
        cpo: { clock, commands: { gateway, timeoutSeconds: TIMEOUT_SECONDS }, logger },
        emsp: { clock },
      },
      storeOptions,
    );
    pair.cpo.ocpi.delivery.on('delivered', (e) => {
      if (e.entry.kind === 'command-result') resultsDelivered.push(e.entry.url.split('/').at(-1) ?? '');
    });
    const example = json('location_example.json');
    const evse = (example.evses as Array<Record<string, unknown>>)[0] ?? {};
    const capable = ['REMOTE_START_STOP_CAPABLE'];
    await pair.cpo.ocpi.locations.put(
      {
        ...example,
        country_code: 'NL',
        party_id: 'CPO',
        id: 'TIMEOUT-LOC',
        evses: ['SILENT', 'SLOW'].map((uid) => ({
          ...evse,
          uid,
          evse_id: `NL*CPO*E${uid}`,
          capabilities: capable,
        })),
      },
      '2.3.0',
    );
  });
  afterAll(async () => {
    sim.close();
    await pair?.close();
  });

  /** Sends START_SESSION for an EVSE and returns it once the charger has it: its timeout runs. */
  const start = async (evseUid: string) => {
    const sent = await pair.emsp.ocpi.commands.startSession(pair.cpoAtEmsp, {
      token: TOKEN,
      location_id: 'TIMEOUT-LOC',
      evse_uid: evseUid,
    });
    expect(sent.response.result).toBe('ACCEPTED');
    const atCharger = () => gateway.seen.find((c) => 'evseUid' in c && c.evseUid === evseUid);
    await waitFor(() => atCharger() !== undefined, { what: `START_SESSION at the charger of ${evseUid}` });
    return { sent, atCpo: atCharger()?.commandId ?? '' };
  };
  /** Resolves when the CPO logs a warning about the command that matches `pattern`. */
  const cpoWarned = (command: string, pattern: RegExp) =>
    new Promise<void>((resolve) => {
      const listen = (line: { msg?: string; command?: string }) => {
        if (line.command !== command || !pattern.test(line.msg ?? '')) return;
        cpoLog.off('line', listen);
        resolve();
      };
      cpoLog.on('line', listen);
    });
  const cpoStatus = async (id: string) =>
    await pair.cpo.ocpi.store.db
      .selectFrom('ocpi_commands')
      .select(['status', 'result'])
      .where('id', '=', id)
      .executeTakeFirst();

  it('a charger that never answers gets TIMEOUT sent once, when the timeout is up', async () => {
    const { sent, atCpo } = await start('SILENT');
    if (version !== '2.1.1') expect(sent.response.timeout).toBe(TIMEOUT_SECONDS);
    await clock.advance(TIMEOUT_MS - 1);
    expect(await cpoStatus(atCpo)).toEqual({ status: 'pending', result: null });
    expect((await pair.emsp.ocpi.commands.get(sent.id))?.status).toBe('pending');
    await clock.advance(1);
    // From the CPO, before the eMSP's own deadline (timeout + grace).
    expect(await sent.result).toEqual({ result: 'TIMEOUT', source: 'partner' });
    expect(await cpoStatus(atCpo)).toEqual({ status: 'timed_out', result: 'TIMEOUT' });
    await deliverySettled(pair.cpo.ocpi.delivery);
    expect(resultsDelivered.filter((id) => id === sent.id)).toHaveLength(1);
  });

  it("a charger's answer after TIMEOUT is recorded as late and not sent", async () => {
    const { sent, atCpo } = await start('SLOW');
    await clock.advance(TIMEOUT_MS);
    expect((await sent.result).result).toBe('TIMEOUT');
    const lateAnswer = cpoWarned(atCpo, /after the command was already answered/);
    await clock.advance(LATE_MS);
    await lateAnswer;
    await deliverySettled(pair.cpo.ocpi.delivery);
    expect(await cpoStatus(atCpo)).toEqual({ status: 'timed_out', result: 'TIMEOUT' });
    expect((await pair.emsp.ocpi.commands.get(sent.id))?.result).toBe('TIMEOUT');
    expect(resultsDelivered.filter((id) => id === sent.id)).toHaveLength(1);
    expect((await pair.cpo.ocpi.delivery.listPending()).filter((e) => e.kind === 'command-result')).toEqual(
      [],
    );
  });
});
