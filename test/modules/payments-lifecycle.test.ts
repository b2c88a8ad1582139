import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, call } from '../support/nodes.ts';
import { eventually, tokenOf } from '../support/pair.ts';
import { PAY_LOCATION, type PaymentsPair, startPaymentsPair, terminal } from '../support/payments.ts';
import { STORES } from '../support/stores.ts';

/*
 * Terminal activation, deactivation and reactivation, CiString ids, and concurrent changes of
 * one Terminal, between a real PTP and a real CPO.
 */

const ADMIN = 'payments-lifecycle-admin';
const receiverOf = (cpo: FastifyInstance) => `${baseUrl(cpo)}/ocpi/2.3.0/receiver/payments`;
const senderOf = (ptp: FastifyInstance) => `${baseUrl(ptp)}/ocpi/2.3.0/sender/payments`;

describe.each(STORES)('Payments Terminal lifecycle on %s', (_name, store) => {
  let pair: PaymentsPair;
  let ptpToken: string;
  let cpoToken: string;
  /** Received events of the PTP node. */
  const atPtp: Array<{ kind: string; partnerId: string; object: unknown; activationId?: string }> = [];

  const cpoCopy = async (id: string) =>
    (await pair.cpo.ocpi.payments.terminals.list()).find(
      (t) => t.terminal.terminal_id.toUpperCase() === id.toUpperCase(),
    );
  const ptpCopy = async (id: string) =>
    (await pair.ptp.ocpi.payments.terminals.list()).find(
      (t) => t.terminal.terminal_id.toUpperCase() === id.toUpperCase(),
    );
  /** Puts a terminal at the PTP and waits until the CPO has it. */
  const posted = async (id: string, extra: Record<string, unknown> = {}) => {
    await pair.ptp.ocpi.payments.terminals.put(terminal(id, extra), { partnerId: pair.cpoAtPtp });
    return eventually(() => cpoCopy(id));
  };

  beforeAll(async () => {
    pair = await startPaymentsPair(store, { ptp: { adminToken: ADMIN } });
    ptpToken = await tokenOf(pair.ptp, pair.cpoAtPtp);
    cpoToken = await tokenOf(pair.cpo, pair.ptpAtCpo);
    pair.ptp.ocpi.events.on('received', (event: (typeof atPtp)[number] & { module: string }) => {
      if (event.module === 'payments') atPtp.push(event);
    });
  });
  afterAll(async () => {
    await pair?.close();
  });

  it('an activation request is listed at the PTP, answered by the Terminal of its reference, then done', async () => {
    await pair.cpo.ocpi.payments.terminals.activate(pair.ptpAtCpo, {
      reference: 'Term-Serial-1',
      location_ids: [PAY_LOCATION],
    });
    const [request] = await eventually(async () => {
      const open = await pair.ptp.ocpi.payments.activations.list({ open: true });
      return open.length > 0 ? open : undefined;
    });
    expect(request).toMatchObject({
      partnerId: pair.cpoAtPtp,
      activation: { reference: 'Term-Serial-1', location_ids: [PAY_LOCATION] },
    });
    expect(atPtp).toContainEqual(expect.objectContaining({ kind: 'activation', activationId: request?.id }));
    const admin = await call(`${baseUrl(pair.ptp)}/admin/terminals/activations?open=true`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect((admin.body.data as Array<{ id: string }>).map((a) => a.id)).toEqual([request?.id]);

    // The PTP creates the Terminal with the same reference (another case: a CiString).
    const created = await pair.ptp.ocpi.payments.terminals.put({
      terminal_id: 'ACT-T1',
      reference: 'TERM-SERIAL-1',
      last_updated: '2024-02-01T00:00:00Z',
    });
    // What the activation said fills in what the PTP left out.
    expect(created.location_ids).toEqual([PAY_LOCATION]);
    const atCpo = await eventually(() => cpoCopy('ACT-T1'));
    expect(atCpo.terminal.location_ids).toEqual([PAY_LOCATION]);
    expect(await pair.ptp.ocpi.payments.activations.list({ open: true })).toEqual([]);
    const [done] = await pair.ptp.ocpi.payments.activations.list();
    expect(done?.answered?.terminalKey).toBe('ACT-T1');

    // An unknown activation id, or one answered by another Terminal: refused, nothing written.
    await expect(
      pair.ptp.ocpi.payments.terminals.put(terminal('ACT-T2'), { activationId: '999999' }),
    ).rejects.toMatchObject({ statusCode: 2001 });
    await expect(
      pair.ptp.ocpi.payments.terminals.put(terminal('ACT-T2'), { activationId: String(done?.id) }),
    ).rejects.toThrow(/answered by Terminal ACT-T1/);
    expect(await ptpCopy('ACT-T2')).toBeUndefined();
  });

  it('a deactivated Terminal is marked on both sides, left out of the list, and reactivated by a new put', async () => {
    await posted('DEACT-1');
    await pair.cpo.ocpi.payments.terminals.deactivate('deact-1');
    // The CPO's own copy at once.
    expect((await cpoCopy('DEACT-1'))?.deactivatedAt).toBeDefined();
    // The PTP: kept with its deactivation, announced.
    const mine = await eventually(async () => {
      const found = await ptpCopy('DEACT-1');
      return found?.deactivatedAt ? found : undefined;
    });
    expect(mine.terminal.terminal_id).toBe('DEACT-1');
    // Announced once the write is stored: wait for the event, not for the row.
    await eventually(async () =>
      atPtp.find((event) => event.kind === 'deactivation' && event.partnerId === pair.cpoAtPtp),
    );
    // Left out of the list the CPO pulls; its id still answers.
    const list = await call(`${senderOf(pair.ptp)}/terminals`, { token: cpoToken });
    expect((list.body.data as Array<{ terminal_id: string }>).map((t) => t.terminal_id)).not.toContain(
      'DEACT-1',
    );
    const one = await call(`${senderOf(pair.ptp)}/terminals/DEACT-1`, { token: cpoToken });
    expect(one.body.status_code).toBe(1000);

    // The PTP posts it again: active on both sides.
    await pair.ptp.ocpi.payments.terminals.put(terminal('DEACT-1', { last_updated: '2024-03-01T00:00:00Z' }));
    expect((await ptpCopy('DEACT-1'))?.deactivatedAt).toBeUndefined();
    await eventually(async () =>
      (await cpoCopy('DEACT-1'))?.deactivatedAt === undefined ? true : undefined,
    );
    const again = await call(`${senderOf(pair.ptp)}/terminals`, { token: cpoToken });
    expect((again.body.data as Array<{ terminal_id: string }>).map((t) => t.terminal_id)).toContain(
      'DEACT-1',
    );
  });

  it('terminal_id and FAC id are CiStrings: GET, PUT and PATCH in another case find the same one', async () => {
    await posted('Case-T1');
    const got = await call(`${receiverOf(pair.cpo)}/terminals/CASE-t1`, { token: ptpToken });
    expect((got.body.data as { terminal_id: string }).terminal_id).toBe('Case-T1');
    const patched = await call(`${senderOf(pair.ptp)}/terminals/case-t1`, {
      method: 'PATCH',
      token: cpoToken,
      body: { evse_uids: ['PAY1'] },
    });
    expect(patched.body.status_code).toBe(1000);
    const put = await call(`${senderOf(pair.ptp)}/terminals/CASE-T1`, {
      method: 'PUT',
      token: cpoToken,
      body: { customer_reference: 'Renamed' },
    });
    expect(put.body.status_code).toBe(1000);
    const read = await call(`${senderOf(pair.ptp)}/terminals/cAsE-t1`, { token: cpoToken });
    expect(read.body.data).toMatchObject({
      terminal_id: 'Case-T1',
      evse_uids: ['PAY1'],
      customer_reference: 'Renamed',
    });
    // One row, whatever the case: a POST in another case replaces it.
    const repost = await call(`${receiverOf(pair.cpo)}/terminals`, {
      method: 'POST',
      token: ptpToken,
      body: terminal('CASE-T1', { customer_reference: 'Again' }),
    });
    expect(repost.body.status_code).toBe(1000);
    const copies = (await pair.cpo.ocpi.payments.terminals.list()).filter(
      (t) => t.terminal.terminal_id.toUpperCase() === 'CASE-T1',
    );
    expect(copies.map((t) => t.terminal.customer_reference)).toEqual(['Again']);
    // The CPO API too.
    await pair.cpo.ocpi.payments.terminals.assign('case-T1', { locationIds: [PAY_LOCATION] });
    expect((await cpoCopy('CASE-T1'))?.terminal.location_ids).toEqual([PAY_LOCATION]);

    const fac = {
      id: 'Fac-Case',
      authorization_reference: 'AUTH-CASE',
      total_costs: { before_taxes: 1 },
      currency: 'EUR',
      eft_data: ['x'],
      capture_status_code: 'SUCCESS',
      last_updated: '2024-01-01T00:00:00Z',
    };
    await call(`${receiverOf(pair.cpo)}/financial-advice-confirmations`, {
      method: 'POST',
      token: ptpToken,
      body: fac,
    });
    const facRead = await call(`${receiverOf(pair.cpo)}/financial-advice-confirmations/FAC-CASE`, {
      token: ptpToken,
    });
    expect((facRead.body.data as { id: string }).id).toBe('Fac-Case');
    expect(await pair.cpo.ocpi.payments.confirmations('auth-case')).toHaveLength(1);
  });

  it('two assignments at once from the CPO API: both kept, at the CPO and at the PTP', async () => {
    await posted('RACE-1');
    await Promise.all([
      pair.cpo.ocpi.payments.terminals.assign('RACE-1', { locationIds: [PAY_LOCATION] }),
      pair.cpo.ocpi.payments.terminals.assign('RACE-1', { evseUids: ['PAY2'] }),
    ]);
    const cpo = await cpoCopy('RACE-1');
    expect([cpo?.terminal.location_ids, cpo?.terminal.evse_uids]).toEqual([[PAY_LOCATION], ['PAY2']]);
    const ptp = await eventually(async () => {
      const found = await ptpCopy('RACE-1');
      return found?.terminal.location_ids && found.terminal.evse_uids ? found : undefined;
    });
    expect([ptp.terminal.location_ids, ptp.terminal.evse_uids]).toEqual([[PAY_LOCATION], ['PAY2']]);
  });

  it('two PATCHes at once at the PTP: both applied, no 5xx', async () => {
    await posted('RACE-2');
    const patch = (body: unknown) =>
      call(`${senderOf(pair.ptp)}/terminals/RACE-2`, { method: 'PATCH', token: cpoToken, body });
    const replies = await Promise.all([patch({ location_ids: ['L-A'] }), patch({ evse_uids: ['E-B'] })]);
    expect(replies.map((r) => [r.status, r.body.status_code])).toEqual([
      [200, 1000],
      [200, 1000],
    ]);
    const mine = await ptpCopy('RACE-2');
    expect([mine?.terminal.location_ids, mine?.terminal.evse_uids]).toEqual([['L-A'], ['E-B']]);
  });

  it('the PTP re-POSTs a Terminal while the CPO assigns it: no 5xx, the assignment and the new fields both kept', async () => {
    await posted('RACE-3');
    for (let round = 1; round <= 4; round++) {
      const [reply] = await Promise.all([
        call(`${receiverOf(pair.cpo)}/terminals`, {
          method: 'POST',
          token: ptpToken,
          body: terminal('RACE-3', { customer_reference: `Round-${round}` }),
        }),
        pair.cpo.ocpi.payments.terminals.assign('RACE-3', { evseUids: [`E-${round}`] }),
      ]);
      expect([reply.status, reply.body.status_code]).toEqual([200, 1000]);
      const copy = await cpoCopy('RACE-3');
      expect(copy?.terminal.customer_reference).toBe(`Round-${round}`);
      expect(copy?.terminal.evse_uids).toEqual([`E-${round}`]);
    }
    // The PTP ends with the last assignment too (PATCHes of one Terminal arrive in order).
    await eventually(async () =>
      (await ptpCopy('RACE-3'))?.terminal.evse_uids?.[0] === 'E-4' ? true : undefined,
    );
  });

  it('a failed capture: its FAC travels and is served without eft_data; a successful one without it is 2001', async () => {
    const failed = {
      id: 'FAC-FAILED',
      authorization_reference: 'AUTH-FAILED',
      total_costs: { before_taxes: 0 },
      currency: 'EUR',
      capture_status_code: 'FAILED',
      capture_status_message: 'Capture unsuccessful at PSP',
      last_updated: '2024-01-01T00:00:00Z',
    };
    const sent = await pair.ptp.ocpi.payments.confirm(pair.cpoAtPtp, failed);
    expect(sent).not.toHaveProperty('eft_data');
    const [received] = await eventually(async () => {
      const found = await pair.cpo.ocpi.payments.confirmations('AUTH-FAILED');
      return found.length > 0 ? found : undefined;
    });
    expect(received?.fac).toEqual(failed);
    const served = await call(`${senderOf(pair.ptp)}/financial-advice-confirmations/FAC-FAILED`, {
      token: cpoToken,
    });
    expect(served.body.data).toEqual(failed);
    const success = await call(`${receiverOf(pair.cpo)}/financial-advice-confirmations`, {
      method: 'POST',
      token: ptpToken,
      body: { ...failed, id: 'FAC-NO-EFT', capture_status_code: 'SUCCESS' },
    });
    expect(success.body.status_code).toBe(2001);
    expect(success.body.status_message).toContain('eft_data');
  });
});
