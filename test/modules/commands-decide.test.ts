import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext, CommandDecider, IncomingCommand, v230 } from '../../src/index.ts';
import { SimulatedGateway } from '../../src/modules/commands/simulated-gateway.ts';
import { captureLogs } from '../support/log-lines.ts';
import { location, token } from '../support/objects.ts';
import { eventually, MATRIX, type Pair, startPair } from '../support/pair.ts';
import { RecordingGateway } from '../support/recording-gateway.ts';

const TOKEN = token('DECIDE-1') as v230.tokens.Token;
const CAPABLE = ['REMOTE_START_STOP_CAPABLE', 'RESERVABLE', 'UNLOCK_CAPABLE'];

/** A decider answering `value` as it is: what a JavaScript user's decide may do. */
function answering(value: unknown): CommandDecider {
  const decider: (command: IncomingCommand, context: CommandContext) => unknown = () => value;
  return decider as CommandDecider;
}

describe.each(MATRIX)('commands.decide over OCPI %s on %s', (version, _store, storeOptions) => {
  let pair: Pair;
  const sim = new SimulatedGateway({ tickMs: 100 });
  const gateway = new RecordingGateway(sim);
  const logs = captureLogs('warn');
  /** What each call of decide was handed. */
  const asked: Array<{ command: IncomingCommand; context: CommandContext }> = [];
  /** The decision of the test at hand. */
  let decideWith: CommandDecider = () => ({ result: 'ACCEPTED' });

  beforeAll(async () => {
    pair = await startPair(
      version,
      {
        cpo: {
          logger: logs.logger,
          commands: {
            gateway,
            decide: (command, context) => {
              asked.push({ command, context });
              return decideWith(command, context);
            },
          },
        },
      },
      storeOptions,
    );
    const loc = location('DECIDE-LOC', 2);
    const [ok, dumb] = loc.evses as Array<Record<string, unknown>>;
    loc.evses = [
      { ...ok, uid: 'OK', capabilities: CAPABLE },
      { ...dumb, uid: 'DUMB', capabilities: [] },
    ];
    await pair.cpo.ocpi.locations.put(loc, '2.3.0');
  });
  afterAll(async () => {
    sim.close();
    await pair?.close();
  });

  const start = (extra: Record<string, string> = {}) =>
    pair.emsp.ocpi.commands.startSession(pair.cpoAtEmsp, {
      token: TOKEN,
      location_id: 'DECIDE-LOC',
      evse_uid: 'OK',
      ...extra,
    });

  it.each(['ACCEPTED', 'NOT_SUPPORTED', 'REJECTED', 'UNKNOWN_SESSION'] as const)(
    'decide answers %s: the eMSP sees it, with the timeout and message decided',
    async (result) => {
      decideWith = () => ({ result, timeout: 42, message: `decided ${result}` });
      const before = gateway.seen.length;
      const sent = await start();
      expect(sent.response.result).toBe(result);
      // 2.1.1's CommandResponse has neither a timeout nor a message.
      if (version !== '2.1.1')
        expect(sent.response).toEqual({
          result,
          timeout: 42,
          message: [{ language: 'en', text: `decided ${result}` }],
        });
      if (result === 'ACCEPTED') {
        expect(await sent.result).toEqual({ result: 'ACCEPTED', source: 'partner' });
        expect(gateway.seen.length).toBe(before + 1);
      } else {
        expect(await sent.result).toMatchObject({ result, source: 'response' });
        expect(gateway.seen.length).toBe(before);
      }
    },
  );

  it('decide is handed the request in the canonical shape, its version, the partner and what the checks found', async () => {
    decideWith = () => ({ result: 'ACCEPTED' });
    const extra: Record<string, string> =
      version === '2.1.1' ? {} : { connector_id: '1', authorization_reference: 'AUTH-DECIDE' };
    const sent = await start(extra);
    expect((await sent.result).result).toBe('ACCEPTED');
    const { command, context } = asked.at(-1) ?? {};
    expect(command).toMatchObject({
      command: 'START_SESSION',
      version,
      // A 2.1.1 Token has no owner: the canonical one is the calling eMSP's.
      request: {
        location_id: 'DECIDE-LOC',
        evse_uid: 'OK',
        token: { uid: 'DECIDE-1', country_code: 'DE' },
        ...extra,
      },
    });
    expect(context?.partner.id).toBe(pair.emspAtCpo);
    expect(context?.location?.id).toBe('DECIDE-LOC');
    expect(context?.evse?.uid).toBe('OK');
    expect(context?.connector?.id).toBe(version === '2.1.1' ? undefined : '1');
    expect(context?.signal.aborted).toBe(false);

    const session = await eventually(async () =>
      (await pair.emsp.ocpi.sessions.listReceived(pair.cpoAtEmsp)).items.find((s) => s.status === 'ACTIVE'),
    );
    const stop = await pair.emsp.ocpi.commands.stopSession(pair.cpoAtEmsp, { session_id: session.id });
    expect((await stop.result).result).toBe('ACCEPTED');
    expect(asked.at(-1)?.command).toMatchObject({
      command: 'STOP_SESSION',
      request: { session_id: session.id },
    });
    expect(asked.at(-1)?.context.session?.id).toBe(session.id);
  });

  it('ACCEPTED with an outcome: that CommandResult follows at once and the charger is not asked', async () => {
    decideWith = () => ({
      result: 'ACCEPTED',
      outcome: 'EVSE_OCCUPIED',
      message: 'occupied, says our system',
    });
    const before = gateway.seen.length;
    const sent = await start();
    expect(sent.response.result).toBe('ACCEPTED');
    const result = await sent.result;
    if (version === '2.1.1') expect(result).toEqual({ result: 'REJECTED', source: 'partner' });
    else
      expect(result).toEqual({
        result: 'EVSE_OCCUPIED',
        source: 'partner',
        message: [{ language: 'en', text: 'occupied, says our system' }],
      });
    expect(gateway.seen.length).toBe(before);
  });

  it('a command the built-in checks refuse never reaches decide: their refusal stands', async () => {
    decideWith = () => ({ result: 'ACCEPTED' });
    const [calls, before] = [asked.length, gateway.seen.length];
    const unknown = await pair.emsp.ocpi.commands.send(pair.cpoAtEmsp, 'START_SESSION', {
      token: TOKEN,
      location_id: 'NOWHERE',
    });
    expect(unknown.response.result).toBe('REJECTED');
    expect((await start({ evse_uid: 'DUMB' })).response.result).toBe('NOT_SUPPORTED');
    const stop = await pair.emsp.ocpi.commands.stopSession(pair.cpoAtEmsp, { session_id: 'no-such-session' });
    expect(stop.response.result).toBe('UNKNOWN_SESSION');
    if (version !== '2.1.1') {
      const foreign = await pair.emsp.ocpi.commands.startSession(pair.cpoAtEmsp, {
        token: { ...TOKEN, party_id: 'OTH' },
        location_id: 'DECIDE-LOC',
        evse_uid: 'OK',
      });
      expect(foreign.response.result).toBe('REJECTED');
    }
    expect(asked.length).toBe(calls);
    expect(gateway.seen.length).toBe(before);
  });

  it.each([
    [
      'a CommandResultType as its result',
      { result: 'EVSE_OCCUPIED' },
      /\/result: must be one of NOT_SUPPORTED, REJECTED, UNKNOWN_SESSION \(got "EVSE_OCCUPIED"\)/,
    ],
    ['nothing', undefined, /\/: is required/],
    ['a timeout of 0 seconds', { result: 'ACCEPTED', timeout: 0 }, /\/timeout/],
    [
      'TIMEOUT as the outcome (the node sends that one)',
      { result: 'ACCEPTED', outcome: 'TIMEOUT' },
      /\/outcome/,
    ],
    ['an outcome with a refusal', { result: 'REJECTED', outcome: 'FAILED' }, /\/outcome/],
  ])('a decide answering %s: REJECTED, and the logged error names it', async (_what, answer, names) => {
    decideWith = answering(answer);
    const before = gateway.seen.length;
    const logged = logs.next(/commands\.decide answered no CommandDecision/);
    const sent = await start();
    expect(sent.response.result).toBe('REJECTED');
    if (version !== '2.1.1')
      expect(sent.response.message).toEqual([{ language: 'en', text: 'the command could not be decided' }]);
    const line = await logged;
    expect(line.msg).toMatch(names);
    expect(line).toMatchObject({ level: 50, command: 'START_SESSION', partner: pair.emspAtCpo });
    expect(gateway.seen.length).toBe(before);
  });

  it('a decide that throws: REJECTED (never a 5xx), the error logged', async () => {
    decideWith = () => {
      throw new Error('contract system down');
    };
    const logged = logs.next(/commands\.decide threw/);
    const sent = await start();
    expect(sent.response.result).toBe('REJECTED');
    expect((await logged).err).toMatchObject({ message: 'contract system down' });
  });
});
