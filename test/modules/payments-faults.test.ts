import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Gate, startGate } from '../support/gate.ts';
import { baseUrl, call, startNode } from '../support/nodes.ts';
import { eventually, tokenOf } from '../support/pair.ts';
import { fac, type PaymentsPair, PTP_PARTY, startPaymentsPair, terminal } from '../support/payments.ts';
import { STORES } from '../support/stores.ts';

const receiverOf = (cpo: FastifyInstance) => `${baseUrl(cpo)}/ocpi/2.3.0/receiver/payments`;
const senderOf = (ptp: FastifyInstance) => `${baseUrl(ptp)}/ocpi/2.3.0/sender/payments`;

describe.each(STORES)('Payments bad input and faults on %s', (_name, store) => {
  let pair: PaymentsPair;
  let gate: Gate;
  /** A second PTP, registered with the same CPO. */
  let otherPtp: FastifyInstance;
  let otherPtpToken: string;
  /** A second CPO, that the PTP registered with too. */
  let otherCpo: FastifyInstance;
  let otherCpoToken: string;
  let ptpToken: string;
  let cpoToken: string;

  beforeAll(async () => {
    gate = await startGate();
    pair = await startPaymentsPair(store, {
      ptp: { publicUrl: gate.url },
      ptpStarted: (ptp) => {
        const address = ptp.server.address();
        gate.forwardTo(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
      },
    });
    ptpToken = await tokenOf(pair.ptp, pair.cpoAtPtp);
    cpoToken = await tokenOf(pair.cpo, pair.ptpAtCpo);
    otherPtp = await startNode({
      versions: ['2.3.0'],
      parties: [{ ...PTP_PARTY, partyId: 'PT2' }],
      store: store(),
    });
    const cpoAtOther = await otherPtp.ocpi.registerWith(
      pair.cpo.ocpi.versionsUrl(),
      await pair.cpo.ocpi.createRegistrationToken(),
    );
    otherPtpToken = await tokenOf(otherPtp, cpoAtOther.id);
    otherCpo = await startNode({
      versions: ['2.3.0'],
      parties: [{ countryCode: 'FR', partyId: 'CP2', role: 'CPO', businessDetails: { name: 'Other CPO' } }],
      store: store(),
    });
    await pair.ptp.ocpi.registerWith(
      otherCpo.ocpi.versionsUrl(),
      await otherCpo.ocpi.createRegistrationToken(),
    );
    const [ptpAtOtherCpo] = await otherCpo.ocpi.partners();
    otherCpoToken = await tokenOf(otherCpo, (ptpAtOtherCpo as { id: string }).id);
    // Linked to the first CPO only.
    await pair.ptp.ocpi.payments.terminals.put(terminal('TERM-F'), { partnerId: pair.cpoAtPtp });
    await eventually(async () =>
      (await pair.cpo.ocpi.payments.terminals.list()).find((t) => t.terminal.terminal_id === 'TERM-F'),
    );
  });
  afterAll(async () => {
    await Promise.all([pair?.close(), otherPtp?.close(), otherCpo?.close()]);
    await gate?.close();
  });

  it('an unknown Terminal or FAC: HTTP 404, OCPI 2001', async () => {
    for (const path of ['terminals/NOPE', 'financial-advice-confirmations/NOPE']) {
      const reply = await call(`${receiverOf(pair.cpo)}/${path}`, { token: ptpToken });
      expect(reply.status).toBe(404);
      expect(reply.body.status_code).toBe(2001);
    }
    const atPtp = await call(`${senderOf(pair.ptp)}/terminals/NOPE`, { token: cpoToken });
    expect([atPtp.status, atPtp.body.status_code]).toEqual([404, 2001]);
  });

  it('a FAC with a bad capture_status_code: 2001 naming the field, nothing stored', async () => {
    const reply = await call(`${receiverOf(pair.cpo)}/financial-advice-confirmations`, {
      method: 'POST',
      token: ptpToken,
      body: { ...fac('FAC-BAD', 'AUTH-BAD'), capture_status_code: 'MAYBE' },
    });
    expect(reply.body.status_code).toBe(2001);
    expect(reply.body.status_message).toContain('capture_status_code');
    const read = await call(`${receiverOf(pair.cpo)}/financial-advice-confirmations/FAC-BAD`, {
      token: ptpToken,
    });
    expect(read.status).toBe(404);
    expect(await pair.cpo.ocpi.payments.confirmations('AUTH-BAD')).toEqual([]);
  });

  it('a Terminal without terminal_id, or with a bad invoice_creator: 2001 naming the field', async () => {
    const missing = await call(`${receiverOf(pair.cpo)}/terminals`, {
      method: 'POST',
      token: ptpToken,
      body: {},
    });
    expect(missing.body.status_code).toBe(2001);
    expect(missing.body.status_message).toContain('terminal_id');
    const bad = await call(`${receiverOf(pair.cpo)}/terminals`, {
      method: 'POST',
      token: ptpToken,
      body: terminal('TERM-BAD', { invoice_creator: 'EMSP' }),
    });
    expect(bad.body.status_message).toContain('invoice_creator');
  });

  it('another PTP can neither read nor overwrite a Terminal it did not post', async () => {
    const read = await call(`${receiverOf(pair.cpo)}/terminals/TERM-F`, { token: otherPtpToken });
    expect([read.status, read.body.status_code]).toEqual([404, 2001]);
    const posted = await call(`${receiverOf(pair.cpo)}/terminals`, {
      method: 'POST',
      token: otherPtpToken,
      body: terminal('TERM-F', { customer_reference: 'HIJACK' }),
    });
    expect(posted.body.status_code).toBe(1000);
    const own = await call(`${receiverOf(pair.cpo)}/terminals/TERM-F`, { token: ptpToken });
    expect((own.body.data as { customer_reference: string }).customer_reference).toBe('ChargeCo');
  });

  it('a CPO the Terminal was not posted to can neither read nor change it at the PTP', async () => {
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { location_ids: ['X'] }],
      ['PUT', { customer_reference: 'HIJACK' }],
    ] as const) {
      const reply = await call(`${senderOf(pair.ptp)}/terminals/TERM-F`, {
        method,
        token: otherCpoToken,
        ...(body ? { body } : {}),
      });
      expect([reply.status, reply.body.status_code]).toEqual([404, 2001]);
    }
    const [mine] = (await pair.ptp.ocpi.payments.terminals.list()).filter(
      (t) => t.terminal.terminal_id === 'TERM-F',
    );
    expect(mine?.terminal.customer_reference).toBe('ChargeCo');
    expect(mine?.terminal.location_ids ?? []).toEqual([]);
  });

  it('a PTP offline when the CPO assigns: the PATCH is retried and arrives once it is back', async () => {
    gate.block((method, path) => method === 'PATCH' && path.includes('/payments/terminals/'), 503);
    // Two PTPs posted a TERM-F (see above): the CPO names which one it means.
    await expect(pair.cpo.ocpi.payments.terminals.assign('TERM-F', { evseUids: ['PAY2'] })).rejects.toThrow(
      /2 partners/,
    );
    await pair.cpo.ocpi.payments.terminals.assign(
      'TERM-F',
      { evseUids: ['PAY2'] },
      { partnerId: pair.ptpAtCpo },
    );
    await eventually(async () => (gate.refused.some((r) => r.method === 'PATCH') ? true : undefined));
    const before = (await pair.ptp.ocpi.payments.terminals.list()).find(
      (t) => t.terminal.terminal_id === 'TERM-F',
    );
    expect(before?.terminal.evse_uids ?? []).toEqual([]);
    gate.open();
    const after = await eventually(async () =>
      (await pair.ptp.ocpi.payments.terminals.list()).find(
        (t) => t.terminal.terminal_id === 'TERM-F' && t.terminal.evse_uids?.includes('PAY2'),
      ),
    );
    expect(after.terminal.evse_uids).toEqual(['PAY2']);
  });

  it('the PTP pages its Terminals for the CPO (Link, X-Total-Count) and answers the FAC alias path', async () => {
    await pair.ptp.ocpi.payments.terminals.put(terminal('TERM-G'), { partnerId: pair.cpoAtPtp });
    const first = await call(`${senderOf(pair.ptp)}/terminals?limit=1`, { token: cpoToken });
    expect(first.headers.get('x-total-count')).toBe('2');
    expect(first.headers.get('link')).toContain('offset=1');
    expect(first.body.data).toHaveLength(1);
    const progress = await pair.cpo.ocpi.payments.terminals.sync(pair.ptpAtCpo, { limit: 1 });
    expect(progress).toMatchObject({ pages: 2, received: 2, skipped: 0 });
    const alias = await call(`${receiverOf(pair.cpo)}/financial_advice_confirmations`, {
      method: 'POST',
      token: ptpToken,
      body: fac('FAC-ALIAS', 'AUTH-ALIAS'),
    });
    expect(alias.body.status_code).toBe(1000);
    const read = await call(`${receiverOf(pair.cpo)}/financial-advice-confirmations/FAC-ALIAS`, {
      token: ptpToken,
    });
    expect((read.body.data as { id: string }).id).toBe('FAC-ALIAS');
  });
});
