import { afterAll, describe, expect, it } from 'vitest';
import type { CommandDecider, IncomingCommand } from '../../src/index.ts';
import { SimulatedGateway } from '../../src/modules/commands/simulated-gateway.ts';
import type { ChargerSimulator } from '../../src/ocpp/simulator.ts';
import { chargerGone, driverToken, ocppSuite, sessionAtEmsp, simulator } from '../support/ocpp.ts';
import type { Pair } from '../support/pair.ts';
import { STORES } from '../support/stores.ts';

const TOKEN = driverToken('RFID-OFFLINE');
const OFFLINE = { result: 'REJECTED', message: [{ language: 'en', text: 'the charger CP-1 is offline' }] };
const OCPP = { enabled: true, heartbeatIntervalSeconds: 60 };

const start = (pair: Pair, evseUid?: string) =>
  pair.emsp.ocpi.commands.startSession(pair.cpoAtEmsp, {
    token: TOKEN,
    location_id: 'LOC1',
    ...(evseUid ? { evse_uid: evseUid } : {}),
  });

describe.each(STORES)('the OCPP bridge decides on commands for offline chargers, on %s', (_name, store) => {
  let sim: ChargerSimulator | undefined;
  const asked: IncomingCommand[] = [];
  let decideWith: CommandDecider = () => ({ result: 'ACCEPTED' });
  const pair = ocppSuite(
    store,
    {
      commands: {
        timeoutSeconds: 5,
        decide: (command, context) => {
          asked.push(command);
          return decideWith(command, context);
        },
      },
    },
    () => sim,
  );

  it("a charger that never connected: REJECTED at once, naming it; the user's decide is not asked", async () => {
    const sent = await start(pair, 'E1');
    expect(sent.response).toMatchObject(OFFLINE);
    expect(await sent.result).toMatchObject({ result: 'REJECTED', source: 'response' });
    // Naming no EVSE: every charger of the Location is offline.
    expect((await start(pair)).response).toMatchObject(OFFLINE);
    expect(asked).toEqual([]);
  });

  it("a connected charger: the user's decide runs in addition, and its refusal stands", async () => {
    sim = simulator(pair.cpo);
    await sim.start();
    decideWith = () => ({ result: 'REJECTED', message: 'the contract is blocked' });
    const blocked = await start(pair, 'E2');
    expect(blocked.response).toMatchObject({
      result: 'REJECTED',
      message: [{ language: 'en', text: 'the contract is blocked' }],
    });
    expect(asked.at(-1)).toMatchObject({ command: 'START_SESSION', request: { evse_uid: 'E2' } });
    expect(sim.calls.filter((c) => c.action === 'RemoteStartTransaction')).toEqual([]);
    decideWith = () => ({ result: 'ACCEPTED' });
    // Naming no EVSE: the Location's one charger is online.
    const accepted = await start(pair);
    expect(accepted.response.result).toBe('ACCEPTED');
    expect(await accepted.result).toMatchObject({ result: 'ACCEPTED', source: 'partner' });
  });

  it('STOP_SESSION of a session whose charger went offline: REJECTED at once', async () => {
    sim = simulator(pair.cpo);
    await sim.start();
    decideWith = () => ({ result: 'ACCEPTED' });
    expect(await (await start(pair, 'E1')).result).toMatchObject({ result: 'ACCEPTED' });
    const session = await sessionAtEmsp(pair, TOKEN.uid, 'ACTIVE');
    await sim.stop(true);
    await chargerGone(pair.cpo);
    const asks = asked.length;
    const stop = await pair.emsp.ocpi.commands.stopSession(pair.cpoAtEmsp, { session_id: session.id });
    expect(stop.response).toMatchObject(OFFLINE);
    expect(asked.length).toBe(asks);
  });
});

describe.each(STORES)('commands for offline chargers without the bridge deciding, on %s', (_name, store) => {
  const refusing = ocppSuite(
    store,
    { commands: { timeoutSeconds: 5 }, ocpp: { ...OCPP, rejectCommandsWhenOffline: false } },
    () => undefined,
  );
  const gateway = new SimulatedGateway({});
  const ownGateway = ocppSuite(store, { commands: { timeoutSeconds: 5, gateway } }, () => undefined);
  afterAll(() => gateway.close());

  it('rejectCommandsWhenOffline false: ACCEPTED, then FAILED from the gateway, as before', async () => {
    const sent = await start(refusing, 'E1');
    expect(sent.response.result).toBe('ACCEPTED');
    expect(await sent.result).toMatchObject({ result: 'FAILED', source: 'partner' });
  });

  it("a gateway of the user's takes the commands: the bridge's chargers are not its business", async () => {
    const sent = await start(ownGateway, 'E1');
    expect(sent.response.result).toBe('ACCEPTED');
    expect(await sent.result).toMatchObject({ result: 'ACCEPTED', source: 'partner' });
  });
});
