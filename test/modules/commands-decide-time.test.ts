import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext, CommandDecider, CommandDecision, v230 } from '../../src/index.ts';
import { SimulatedGateway } from '../../src/modules/commands/simulated-gateway.ts';
import { captureLogs } from '../support/log-lines.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { location, token } from '../support/objects.ts';
import { type Pair, startPair } from '../support/pair.ts';
import { RecordingGateway } from '../support/recording-gateway.ts';
import { STORES } from '../support/stores.ts';
import { waitFor } from '../support/wait-for.ts';

const TOKEN = token('DECIDE-T') as v230.tokens.Token;
const BUDGET_MS = 2500;

/*
 * The decision budget and a decided timeout, on one manual clock for both nodes and the
 * charger: running out of time is a step of the test, never a wait.
 */
describe.each(STORES)('commands.decide in time, on %s', (_store, storeOptions) => {
  const clock = new ManualClock();
  const sim = new SimulatedGateway({ clock, evses: { SILENT: 'silent' } });
  const gateway = new RecordingGateway(sim);
  const logs = captureLogs('warn');
  let decideWith: CommandDecider = () => ({ result: 'ACCEPTED' });
  let pair: Pair;

  beforeAll(async () => {
    pair = await startPair(
      '2.2.1',
      {
        cpo: {
          clock,
          logger: logs.logger,
          commands: { gateway, decideBudgetMs: BUDGET_MS, decide: (c, x) => decideWith(c, x) },
        },
        emsp: { clock },
      },
      storeOptions,
    );
    const loc = location('TIME-LOC', 2);
    const [ok, silent] = loc.evses as Array<Record<string, unknown>>;
    const capabilities = ['REMOTE_START_STOP_CAPABLE'];
    loc.evses = [
      { ...ok, uid: 'OK', capabilities },
      { ...silent, uid: 'SILENT', capabilities },
    ];
    await pair.cpo.ocpi.locations.put(loc, '2.3.0');
  });
  afterAll(async () => {
    sim.close();
    await pair?.close();
  });

  const start = (evseUid: string) =>
    pair.emsp.ocpi.commands.startSession(pair.cpoAtEmsp, {
      token: TOKEN,
      location_id: 'TIME-LOC',
      evse_uid: evseUid,
    });
  const receivedCommands = async () =>
    (
      await pair.cpo.ocpi.store.db
        .selectFrom('ocpi_commands')
        .select('id')
        .where('direction', '=', 'received')
        .execute()
    ).length;

  it('a decide slower than its budget: REJECTED when the budget runs out, its late ACCEPTED ignored', async () => {
    let context: CommandContext | undefined;
    let decide: ((decision: CommandDecision) => void) | undefined;
    decideWith = (_command, handed) => {
      context = handed;
      return new Promise((resolve) => {
        decide = resolve;
      });
    };
    const [before, stored] = [gateway.seen.length, await receivedCommands()];
    let answered = false;
    const sending = start('OK').then((sent) => {
      answered = true;
      return sent;
    });
    await waitFor(() => decide !== undefined, { what: 'decide called' });
    await clock.advance(BUDGET_MS - 1);
    expect(answered).toBe(false);
    const budgetLog = logs.next(/did not answer within its budget/);
    await clock.advance(1);
    const sent = await sending;
    expect(sent.response.result).toBe('REJECTED');
    expect(await budgetLog).toMatchObject({ level: 50, budgetMs: BUDGET_MS, partner: pair.emspAtCpo });
    expect(context?.signal.aborted).toBe(true);

    const ignored = logs.next(/answered after its budget; its answer was ignored/);
    decide?.({ result: 'ACCEPTED' });
    expect(await ignored).toMatchObject({ result: 'ACCEPTED', command: 'START_SESSION' });
    expect(gateway.seen.length).toBe(before);
    expect(await receivedCommands()).toBe(stored);
    expect(await sent.result).toMatchObject({ result: 'REJECTED', source: 'response' });
  });

  it("a decided timeout is the CommandResponse's and the CPO's wait for the charger", async () => {
    decideWith = () => ({ result: 'ACCEPTED', timeout: 7 });
    const sent = await start('SILENT');
    expect(sent.response).toMatchObject({ result: 'ACCEPTED', timeout: 7 });
    await waitFor(() => gateway.seen.some((c) => c.type === 'START_SESSION' && c.evseUid === 'SILENT'), {
      what: 'START_SESSION at the silent charger',
    });
    await clock.advance(6999);
    expect((await pair.emsp.ocpi.commands.get(sent.id))?.status).toBe('pending');
    await clock.advance(1);
    // From the CPO at 7 s, long before the node's own 30 s.
    expect(await sent.result).toEqual({ result: 'TIMEOUT', source: 'partner' });
  });
});
