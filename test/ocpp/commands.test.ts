import { describe, expect, it } from 'vitest';
import type { v230 } from '../../src/index.ts';
import type { ChargerSimulator } from '../../src/ocpp/simulator.ts';
import { chargerGone, ocppSuite, simulator } from '../support/ocpp.ts';
import { STORES } from '../support/stores.ts';

const TOKEN = {
  country_code: 'DE',
  party_id: 'MSP',
  uid: 'RFID-0001',
  type: 'RFID',
  contract_id: 'DE-MSP-C0001',
  issuer: 'Drive Co',
  valid: true,
  whitelist: 'ALLOWED',
  last_updated: '2020-01-01T00:00:00Z',
} as v230.tokens.Token;

describe.each(STORES)('OCPI commands to an OCPP 1.6 charger, on %s', (_name, store) => {
  let sim: ChargerSimulator;
  const pair = ocppSuite(store, { commands: { timeoutSeconds: 2 } }, () => sim);

  const start = (evseUid: string) =>
    pair.emsp.ocpi.commands.startSession(pair.cpoAtEmsp, {
      token: TOKEN,
      location_id: 'LOC1',
      evse_uid: evseUid,
    });
  const unlock = (evseUid: string) =>
    pair.emsp.ocpi.commands.unlockConnector(pair.cpoAtEmsp, {
      location_id: 'LOC1',
      evse_uid: evseUid,
      connector_id: '1',
    });

  it('START_SESSION is a RemoteStartTransaction with the token as idTag and the EVSE as connector', async () => {
    sim = simulator(pair.cpo);
    await sim.start();
    const sent = await start('E2');
    expect(sent.response.result).toBe('ACCEPTED');
    expect(await sent.result).toMatchObject({ result: 'ACCEPTED' });
    expect(sim.calls.at(-1)).toMatchObject({
      action: 'RemoteStartTransaction',
      params: { idTag: 'RFID-0001', connectorId: 2 },
      answer: 'Accepted',
    });
    sim.script('RemoteStartTransaction', 'Rejected');
    expect(await (await start('E1')).result).toMatchObject({ result: 'REJECTED' });
  });

  it('UNLOCK_CONNECTOR is an UnlockConnector: Unlocked is ACCEPTED, UnlockFailed FAILED', async () => {
    sim = simulator(pair.cpo);
    await sim.start();
    expect(await (await unlock('E1')).result).toMatchObject({ result: 'ACCEPTED' });
    expect(sim.calls.at(-1)).toMatchObject({ action: 'UnlockConnector', params: { connectorId: 1 } });
    sim.script('UnlockConnector', 'UnlockFailed');
    expect(await (await unlock('E2')).result).toMatchObject({ result: 'FAILED' });
  });

  it('a charger that does not answer gets TIMEOUT from the node; an offline one is REJECTED at once', async () => {
    sim = simulator(pair.cpo);
    await sim.start();
    sim.script('RemoteStartTransaction', () => new Promise<string>(() => {}));
    expect(await (await start('E1')).result).toMatchObject({ result: 'TIMEOUT' });
    await sim.stop(true);
    await chargerGone(pair.cpo);
    const offline = await start('E1');
    expect(offline.response).toMatchObject({
      result: 'REJECTED',
      message: [{ language: 'en', text: 'the charger CP-1 is offline' }],
    });
    expect(await offline.result).toMatchObject({ result: 'REJECTED', source: 'response' });
  });
});
