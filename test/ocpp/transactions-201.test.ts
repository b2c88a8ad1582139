import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { ChargerSimulator201, SimulatedTransaction201 } from '../../src/ocpp/simulator-201.ts';
import { cdrAtEmsp, driverToken, ocppSuite, pushTokens, sessionAtEmsp } from '../support/ocpp.ts';
import { simulator201 } from '../support/ocpp-201.ts';
import { STORES } from '../support/stores.ts';

describe.each(STORES)('OCPP 2.0.1 transactions to OCPI Sessions and CDRs, on %s', (_name, store) => {
  let sim: ChargerSimulator201;
  const pair = ocppSuite(
    store,
    { commands: { timeoutSeconds: 5 } },
    () => sim,
    async (p) => {
      await pushTokens(p, [driverToken('CARD-OK'), driverToken('CARD-BLOCKED', { valid: false })]);
    },
  );

  const emspSession = (uid: string, status: string, kwh?: number) => sessionAtEmsp(pair, uid, status, kwh);
  const emspCdr = (sessionId: string) => cdrAtEmsp(pair, sessionId);
  const transactionEvent = (
    transactionId: string,
    eventType: string,
    seqNo: number,
    fields: Record<string, unknown> = {},
  ) =>
    sim.call('TransactionEvent', {
      eventType,
      timestamp: new Date().toISOString(),
      triggerReason: 'Trigger',
      seqNo,
      transactionInfo: { transactionId },
      ...fields,
    });
  const energy = (wh: number, unit = 'Wh', multiplier = 0) => ({
    meterValue: [
      {
        timestamp: new Date().toISOString(),
        sampledValue: [
          { value: wh, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit, multiplier } },
        ],
      },
    ],
  });

  it('START_SESSION → RequestStartTransaction → Started (remoteStartId) → Updated → STOP_SESSION → Ended → a priced CDR', async () => {
    sim = simulator201(pair.cpo);
    await sim.start();
    expect(await pair.cpo.ocpi.chargers.get('CP-1')).toMatchObject({ online: true, ocppVersion: '2.0.1' });
    const started = once(sim, 'transaction-started');
    const sent = await pair.emsp.ocpi.commands.startSession(pair.cpoAtEmsp, {
      token: driverToken('APP-0201', { type: 'APP_USER' }),
      location_id: 'LOC1',
      evse_uid: 'E2',
      authorization_reference: 'AUTH-201',
    });
    expect(await sent.result).toMatchObject({ result: 'ACCEPTED' });
    const request = sim.calls.at(-1);
    expect(request).toMatchObject({
      action: 'RequestStartTransaction',
      params: { idToken: { idToken: 'APP-0201', type: 'Central' }, evseId: 2 },
    });
    const [tx] = (await started) as [SimulatedTransaction201];
    expect(tx).toMatchObject({ evseId: 2, idToken: 'APP-0201', status: 'Accepted' });

    const active = await emspSession('APP-0201', 'ACTIVE');
    expect(active.id).not.toBe(tx.transactionId);
    expect(active).toMatchObject({
      location_id: 'LOC1',
      evse_uid: 'E2',
      connector_id: '1',
      authorization_reference: 'AUTH-201',
      kwh: 0,
    });
    await sim.meterValues(2);
    await emspSession('APP-0201', 'ACTIVE', 0.5);
    await sim.meterValues(2);
    await emspSession('APP-0201', 'ACTIVE', 1);

    const stopped = once(sim, 'transaction-stopped');
    const stop = await pair.emsp.ocpi.commands.stopSession(pair.cpoAtEmsp, { session_id: active.id });
    expect(await stop.result).toMatchObject({ result: 'ACCEPTED' });
    expect(sim.calls.at(-1)).toMatchObject({
      action: 'RequestStopTransaction',
      params: { transactionId: tx.transactionId },
    });
    await stopped;
    const completed = await emspSession('APP-0201', 'COMPLETED', 1);
    expect(completed.id).toBe(active.id);
    expect(await emspCdr(active.id)).toMatchObject({ total_energy: 1, total_cost: { before_taxes: 0.25 } });
    const again = await pair.emsp.ocpi.commands.stopSession(pair.cpoAtEmsp, { session_id: active.id });
    expect(await again.result).toMatchObject({ result: 'REJECTED' });
  });

  it('Authorize and a card: the same decisions as 1.6; a Started without idToken waits for the Updated that brings it', async () => {
    sim = simulator201(pair.cpo);
    await sim.start();
    const authorize = async (idToken: string) =>
      (
        (await sim.call('Authorize', { idToken: { idToken, type: 'ISO14443' } })).idTokenInfo as {
          status: string;
        }
      ).status;
    expect(await authorize('CARD-OK')).toBe('Accepted');
    expect(await authorize('CARD-BLOCKED')).toBe('Blocked');
    expect(await authorize('NOBODY')).toBe('Invalid');

    // Plugged in first (no idToken), the card later; energy in kWh with a multiplier.
    const evse = { evse: { id: 1, connectorId: 1 } };
    expect(await transactionEvent('TX-CARD', 'Started', 0, { ...evse, ...energy(2, 'kWh') })).toEqual({});
    const withCard = { idToken: { idToken: 'CARD-OK', type: 'ISO14443' } };
    expect(await transactionEvent('TX-CARD', 'Updated', 1, { ...withCard, ...energy(2.5, 'kWh') })).toEqual({
      idTokenInfo: { status: 'Accepted' },
    });
    const active = await emspSession('CARD-OK', 'ACTIVE');
    expect(active.cdr_token).toMatchObject({ uid: 'CARD-OK', contract_id: 'DE-MSP-CARD-OK' });
    // Counted from the reading at authorization (2.5 kWh).
    await transactionEvent('TX-CARD', 'Updated', 2, energy(3, 'Wh', 3));
    await emspSession('CARD-OK', 'ACTIVE', 0.5);
    // An Ended without a reading: the last one counts.
    await transactionEvent('TX-CARD', 'Ended', 3);
    await emspSession('CARD-OK', 'COMPLETED', 0.5);
    expect(await emspCdr(active.id)).toMatchObject({ total_energy: 0.5 });

    // A blocked card: answered Blocked, no Session.
    const blocked = { idToken: { idToken: 'CARD-BLOCKED', type: 'ISO14443' } };
    expect(await transactionEvent('TX-BLOCKED', 'Started', 0, { ...evse, ...blocked, ...energy(0) })).toEqual(
      {
        idTokenInfo: { status: 'Blocked' },
      },
    );
    await transactionEvent('TX-BLOCKED', 'Ended', 1);
    const { items } = await pair.emsp.ocpi.sessions.listReceived(pair.cpoAtEmsp);
    expect(items.some((s) => s.cdr_token.uid === 'CARD-BLOCKED')).toBe(false);
  });

  it('the same event twice is handled once; an Ended of a transaction we do not know is answered', async () => {
    sim = simulator201(pair.cpo);
    await sim.start();
    const card = { idToken: { idToken: 'CARD-OK', type: 'ISO14443' }, evse: { id: 2, connectorId: 1 } };
    await transactionEvent('TX-TWICE', 'Started', 0, { ...card, ...energy(10_000) });
    expect(await transactionEvent('TX-TWICE', 'Started', 0, { ...card, ...energy(10_000) })).toEqual({
      idTokenInfo: { status: 'Accepted' },
    });
    await transactionEvent('TX-TWICE', 'Updated', 1, energy(10_250));
    // Sent again with its seqNo but another reading: not handled.
    await transactionEvent('TX-TWICE', 'Updated', 1, energy(99_000));
    await transactionEvent('TX-TWICE', 'Ended', 2, energy(10_750));
    await transactionEvent('TX-TWICE', 'Ended', 2, energy(10_750));
    const completed = await emspSession('CARD-OK', 'COMPLETED', 0.75);
    const { items } = await pair.emsp.ocpi.sessions.listReceived(pair.cpoAtEmsp);
    const started = items.filter((s) => s.evse_uid === 'E2' && s.cdr_token.uid === 'CARD-OK');
    expect(started).toHaveLength(1);
    expect(completed.evse_uid).toBe('E2');
    expect(await emspCdr(completed.id)).toMatchObject({ total_energy: 0.75 });

    expect(await transactionEvent('TX-NOBODY-KNOWS', 'Ended', 7, energy(1))).toEqual({});
    expect(await transactionEvent('TX-NOBODY-KNOWS', 'Updated', 8, card)).toEqual({
      idTokenInfo: { status: 'Invalid' },
    });
    expect(Date.parse(await sim.heartbeat())).toBeGreaterThan(0);
  });
});
