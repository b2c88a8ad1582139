import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { ChargerSimulator, SimulatedTransaction } from '../../src/ocpp/simulator.ts';
import { cdrAtEmsp, driverToken, ocppSuite, pushTokens, sessionAtEmsp, simulator } from '../support/ocpp.ts';
import { STORES } from '../support/stores.ts';

const LONG_UID = 'EMSP-APP-USER-0123456789-ABCDEFGHIJ';

describe.each(STORES)('OCPP 1.6 transactions to OCPI Sessions and CDRs, on %s', (_name, store) => {
  let sim: ChargerSimulator;
  const pair = ocppSuite(
    store,
    { commands: { timeoutSeconds: 5 } },
    () => sim,
    async (p) => {
      // Tokens the eMSP pushes to the CPO: what a card at the charger is checked against.
      await pushTokens(p, [
        driverToken('CARD-OK'),
        driverToken('CARD-BLOCKED', { valid: false }),
        driverToken('CARD-NEVER', { whitelist: 'NEVER' }),
        driverToken(LONG_UID, { type: 'APP_USER' }),
      ]);
    },
  );

  const emspSession = (uid: string, status: string, kwh?: number) => sessionAtEmsp(pair, uid, status, kwh);
  const emspCdr = (sessionId: string) => cdrAtEmsp(pair, sessionId);
  const idTagStatus = async (idTag: string) => {
    const answer = await sim.call('Authorize', { idTag });
    return (answer.idTagInfo as { status: string }).status;
  };

  it('START_SESSION → StartTransaction → ACTIVE at the eMSP → MeterValues → STOP_SESSION → COMPLETED and a priced CDR', async () => {
    sim = simulator(pair.cpo);
    await sim.start();
    const started = once(sim, 'transaction-started');
    const sent = await pair.emsp.ocpi.commands.startSession(pair.cpoAtEmsp, {
      token: driverToken('APP-0001', { type: 'APP_USER' }),
      location_id: 'LOC1',
      evse_uid: 'E2',
      authorization_reference: 'AUTH-REF-1',
    });
    expect(await sent.result).toMatchObject({ result: 'ACCEPTED' });
    const [tx] = (await started) as [SimulatedTransaction];
    expect(tx).toMatchObject({ connectorId: 2, idTag: 'APP-0001', status: 'Accepted' });

    const active = await emspSession('APP-0001', 'ACTIVE');
    // The OCPI id is made for the transaction, not the charger's transactionId.
    expect(active.id).not.toBe(String(tx.transactionId));
    expect(active).toMatchObject({
      location_id: 'LOC1',
      evse_uid: 'E2',
      connector_id: '1',
      authorization_reference: 'AUTH-REF-1',
      kwh: 0,
    });

    await sim.meterValues(2);
    await emspSession('APP-0001', 'ACTIVE', 0.5);
    await sim.meterValues(2);
    await emspSession('APP-0001', 'ACTIVE', 1);

    const stopped = once(sim, 'transaction-stopped');
    const stop = await pair.emsp.ocpi.commands.stopSession(pair.cpoAtEmsp, { session_id: active.id });
    expect(await stop.result).toMatchObject({ result: 'ACCEPTED' });
    expect(sim.calls.at(-1)).toMatchObject({
      action: 'RemoteStopTransaction',
      params: { transactionId: tx.transactionId },
    });
    await stopped;
    const completed = await emspSession('APP-0001', 'COMPLETED', 1);
    expect(completed.id).toBe(active.id);
    const cdr = await emspCdr(active.id);
    expect(cdr).toMatchObject({ total_energy: 1, total_cost: { before_taxes: 0.25 } });
    // A second STOP_SESSION for it: the session has stopped.
    const again = await pair.emsp.ocpi.commands.stopSession(pair.cpoAtEmsp, { session_id: active.id });
    expect(await again.result).toMatchObject({ result: 'REJECTED' });
  });

  it('a token uid over 20 characters is a stable short idTag, mapped back to the token', async () => {
    sim = simulator(pair.cpo, { meterUnit: 'kWh' });
    await sim.start();
    const started = once(sim, 'transaction-started');
    const sent = await pair.emsp.ocpi.commands.startSession(pair.cpoAtEmsp, {
      token: driverToken(LONG_UID, { type: 'APP_USER' }),
      location_id: 'LOC1',
      evse_uid: 'E1',
    });
    expect(await sent.result).toMatchObject({ result: 'ACCEPTED' });
    const [tx] = (await started) as [SimulatedTransaction];
    expect(tx.idTag).toHaveLength(20);
    expect(LONG_UID.startsWith(tx.idTag)).toBe(false);
    const active = await emspSession(LONG_UID, 'ACTIVE');
    await sim.meterValues(1);
    await emspSession(LONG_UID, 'ACTIVE', 0.5);
    // The same idTag for the same uid, and it is the pushed token when a card shows it.
    expect(await idTagStatus(tx.idTag)).toBe('Accepted');
    await sim.stopTransaction(1);
    await emspSession(LONG_UID, 'COMPLETED', 0.5);
    await emspCdr(active.id);
  });

  it('Authorize: pushed tokens by their whitelist and valid flag, unknown ones Invalid; a card starts a Session', async () => {
    sim = simulator(pair.cpo);
    await sim.start();
    expect(await idTagStatus('CARD-OK')).toBe('Accepted');
    expect(await idTagStatus('CARD-BLOCKED')).toBe('Blocked');
    // NEVER: asked of the eMSP in real time, which allows it (test/ocpp/realtime-auth.test.ts has the rest).
    expect(await idTagStatus('CARD-NEVER')).toBe('Accepted');
    expect(await idTagStatus('NOBODY')).toBe('Invalid');

    const tx = await sim.startTransaction(1, 'CARD-OK');
    expect(tx.status).toBe('Accepted');
    const active = await emspSession('CARD-OK', 'ACTIVE');
    expect(active.cdr_token).toMatchObject({ uid: 'CARD-OK', contract_id: 'DE-MSP-CARD-OK' });
    await sim.meterValues(1);
    await sim.stopTransaction(1);
    await emspSession('CARD-OK', 'COMPLETED', 0.5);
    expect(await emspCdr(active.id)).toMatchObject({ total_cost: { before_taxes: 0.125 } });

    // An unknown card: Invalid, ended at once, no Session.
    const refused = await sim.startTransaction(1, 'NOBODY');
    expect(refused.status).toBe('Invalid');
    const { items } = await pair.cpo.ocpi.sessions.list();
    expect(items.filter((s) => s.cdr_token.uid === 'NOBODY')).toEqual([]);
  });

  it('faults: an unknown StopTransaction is answered; the same StartTransaction twice is one Session', async () => {
    sim = simulator(pair.cpo);
    await sim.start();
    const before = (await pair.cpo.ocpi.sessions.list()).items.length;
    expect(
      await sim.call('StopTransaction', {
        transactionId: 987654,
        meterStop: 10,
        timestamp: new Date().toISOString(),
      }),
    ).toEqual({});
    expect(
      await sim.call('MeterValues', {
        connectorId: 1,
        transactionId: 987654,
        meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: '5' }] }],
      }),
    ).toEqual({});

    const start = {
      connectorId: 1,
      idTag: 'CARD-OK',
      meterStart: 20_000,
      timestamp: '2024-05-01T10:00:00.000Z',
    };
    const first = await sim.call('StartTransaction', start);
    // The charger lost the answer, reconnects and sends it again.
    await sim.stop(true);
    sim = simulator(pair.cpo);
    await sim.start();
    const second = await sim.call('StartTransaction', start);
    expect(second).toEqual(first);
    expect(first).toMatchObject({ idTagInfo: { status: 'Accepted' } });
    const session = await emspSession('CARD-OK', 'ACTIVE');
    const stop = {
      transactionId: first.transactionId,
      meterStop: 22_000,
      timestamp: '2024-05-01T11:00:00.000Z',
      idTag: 'CARD-OK',
    };
    expect(await sim.call('StopTransaction', stop)).toEqual({ idTagInfo: { status: 'Accepted' } });
    // Sent again: answered, nothing more.
    expect(await sim.call('StopTransaction', stop)).toEqual({ idTagInfo: { status: 'Accepted' } });
    const completed = await emspSession('CARD-OK', 'COMPLETED', 2);
    expect(completed.id).toBe(session.id);
    expect(await emspCdr(session.id)).toMatchObject({ total_energy: 2 });
    const own = (await pair.cpo.ocpi.sessions.list()).items;
    expect(own.length).toBe(before + 1);
    const cdrs = (await pair.cpo.ocpi.cdrs.list()).items.filter((c) => c.session_id === session.id);
    expect(cdrs).toHaveLength(1);
  });
});
