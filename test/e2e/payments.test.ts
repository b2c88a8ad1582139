import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CDR } from '../../src/model/v230/cdrs.ts';
import { FinancialAdviceConfirmation, Terminal } from '../../src/model/v230/payments.ts';
import { compileValidator } from '../../src/model/validate.ts';
import { eventually } from '../support/pair.ts';
import {
  adHocToken,
  fac,
  PAY_LOCATION,
  type PaymentsPair,
  startPaymentsPair,
  terminal,
} from '../support/payments.ts';
import { STORES } from '../support/stores.ts';

const strictTerminal = compileValidator(Terminal);
const strictCdr = compileValidator(CDR);
const strictFac = compileValidator(FinancialAdviceConfirmation);

describe.each(STORES)('Payments end to end on %s: a PTP and a CPO', (_name, store) => {
  let pair: PaymentsPair;
  beforeAll(async () => {
    pair = await startPaymentsPair(store);
  });
  afterAll(async () => {
    await pair?.close();
  });

  it('announces payments in 2.3.0: sender at the PTP, receiver at the CPO', async () => {
    const cpoAtPtp = await pair.ptp.ocpi.partner(pair.cpoAtPtp);
    const ptpAtCpo = await pair.cpo.ocpi.partner(pair.ptpAtCpo);
    expect(cpoAtPtp?.endpoints).toContainEqual(
      expect.objectContaining({ identifier: 'payments', role: 'RECEIVER' }),
    );
    expect(ptpAtCpo?.endpoints).toContainEqual(
      expect.objectContaining({ identifier: 'payments', role: 'SENDER' }),
    );
  });

  it('terminal, assignment, START_SESSION, Session and CDR at the PTP, FAC linked at the CPO', async () => {
    // The PTP creates its terminal at the CPO.
    await pair.ptp.ocpi.payments.terminals.put(terminal('TERM-1'));
    const atCpo = await eventually(async () =>
      (await pair.cpo.ocpi.payments.terminals.list()).find((t) => t.terminal.terminal_id === 'TERM-1'),
    );
    expect(atCpo.partnerId).toBe(pair.ptpAtCpo);

    // The CPO assigns it to its Location: the PATCH arrives at the PTP.
    await pair.cpo.ocpi.payments.terminals.assign('TERM-1', { locationIds: [PAY_LOCATION] });
    const assigned = await eventually(async () =>
      (await pair.ptp.ocpi.payments.terminals.list()).find((t) =>
        t.terminal.location_ids?.includes(PAY_LOCATION),
      ),
    );
    expect(strictTerminal(assigned.terminal).ok).toBe(true);

    // The driver pays at the terminal: the PTP starts the session with its own AD_HOC_USER token.
    const sent = await pair.ptp.ocpi.commands.startSession(pair.cpoAtPtp, {
      token: adHocToken(),
      location_id: PAY_LOCATION,
      evse_uid: 'PAY1',
      authorization_reference: 'AUTH-PAY-1',
    });
    expect(sent.response.result).toBe('ACCEPTED');
    expect((await sent.result).result).toBe('ACCEPTED');
    const sessions = async () =>
      (await pair.ptp.ocpi.sessions.listReceived(pair.cpoAtPtp, { offset: 0, limit: 100 })).items;
    const active = await eventually(async () =>
      (await sessions()).find((s) => s.authorization_reference === 'AUTH-PAY-1' && Number(s.kwh) > 0),
    );
    const stop = await pair.ptp.ocpi.commands.stopSession(pair.cpoAtPtp, { session_id: String(active.id) });
    expect((await stop.result).result).toBe('ACCEPTED');
    await eventually(async () =>
      (await sessions()).find((s) => s.id === active.id && s.status === 'COMPLETED'),
    );
    const cdr = await eventually(async () =>
      (await pair.ptp.ocpi.cdrs.listReceived(pair.cpoAtPtp, { offset: 0, limit: 100 })).items.find(
        (c) => c.session_id === active.id,
      ),
    );
    expect(cdr.authorization_reference).toBe('AUTH-PAY-1');
    // The terminal says the CPO invoices: the CDR carries the reference of the invoice.
    expect(cdr.invoice_reference_id).toBe('AUTH-PAY-1');
    expect(strictCdr(cdr).ok).toBe(true);

    // After the capture the PTP confirms; the CPO links the FAC to its Session and CDR.
    await pair.ptp.ocpi.payments.confirm(pair.cpoAtPtp, fac('FAC-1', 'AUTH-PAY-1'));
    const [confirmation] = await eventually(async () => {
      const found = await pair.cpo.ocpi.payments.confirmations('AUTH-PAY-1');
      return found.length > 0 ? found : undefined;
    });
    expect(confirmation?.partnerId).toBe(pair.ptpAtCpo);
    expect(strictFac(confirmation?.fac).ok).toBe(true);
    expect(confirmation?.sessions.map((s) => s.id)).toEqual([active.id]);
    expect(confirmation?.cdrs.map((c) => c.id)).toEqual([cdr.id]);
  });

  it('no invoice_reference_id when the terminal says the PTP invoices', async () => {
    await pair.ptp.ocpi.payments.terminals.put(terminal('TERM-2', { invoice_creator: 'PTP' }));
    await eventually(async () =>
      (await pair.cpo.ocpi.payments.terminals.list()).find((t) => t.terminal.terminal_id === 'TERM-2'),
    );
    await pair.cpo.ocpi.payments.terminals.assign('TERM-2', { evseUids: ['PAY2'] });
    // TERM-1 serves the whole Location with invoice_creator CPO: move it away first.
    await pair.cpo.ocpi.payments.terminals.assign('TERM-1', { locationIds: [] });
    const sent = await pair.ptp.ocpi.commands.startSession(pair.cpoAtPtp, {
      token: adHocToken(),
      location_id: PAY_LOCATION,
      evse_uid: 'PAY2',
      authorization_reference: 'AUTH-PAY-2',
    });
    expect((await sent.result).result).toBe('ACCEPTED');
    const active = await eventually(async () =>
      (await pair.ptp.ocpi.sessions.listReceived(pair.cpoAtPtp, { offset: 0, limit: 100 })).items.find(
        (s) => s.authorization_reference === 'AUTH-PAY-2' && Number(s.kwh) > 0,
      ),
    );
    await (await pair.ptp.ocpi.commands.stopSession(pair.cpoAtPtp, { session_id: String(active.id) })).result;
    const cdr = await eventually(async () =>
      (await pair.ptp.ocpi.cdrs.listReceived(pair.cpoAtPtp, { offset: 0, limit: 100 })).items.find(
        (c) => c.session_id === active.id,
      ),
    );
    expect(cdr.authorization_reference).toBe('AUTH-PAY-2');
    expect(cdr.invoice_reference_id).toBeUndefined();
  });
});
