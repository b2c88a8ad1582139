import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FinancialAdviceConfirmation, Terminal, TerminalActivation } from '../../src/model/v230/payments.ts';
import { compileValidator } from '../../src/model/validate.ts';
import { ReceivedFac } from '../../src/modules/payments/read.ts';
import { baseUrl, call } from '../support/nodes.ts';
import { eventually, tokenOf } from '../support/pair.ts';
import { type PaymentsPair, startPaymentsPair, terminal } from '../support/payments.ts';
import { exampleFiles, exampleJson } from '../support/spec-fixtures.ts';
import { memoryStore } from '../support/stores.ts';

/*
 * Every payment_*.json example of the spec (2.3.0 and the ed2 payments package) is accepted by
 * the endpoint that takes it, read liberally (see src/modules/payments/read.ts), and what we
 * then serve is valid under our strict schema.
 */

const strict = {
  Terminal: compileValidator(Terminal),
  FinancialAdviceConfirmation: compileValidator(FinancialAdviceConfirmation),
  TerminalActivation: compileValidator(TerminalActivation),
  // A failed capture's FAC, served as received (without eft_data): see src/modules/payments/read.ts.
  ReceivedFac: compileValidator(ReceivedFac),
};

type Target = 'cpo-terminal' | 'cpo-fac' | 'ptp-activate' | 'ptp-patch' | 'ptp-put';

function targetOf(file: string): Target {
  if (file.startsWith('payment_financial_advice_confirmation')) return 'cpo-fac';
  if (file === 'payment_terminal_activate.json') return 'ptp-activate';
  if (file === 'payment_terminal_location_assignment.json') return 'ptp-patch';
  if (file === 'payment_terminal_put_update.json') return 'ptp-put';
  return 'cpo-terminal';
}

const CASES = (['2.3.0', '2.3.0-ed2-payments'] as const).flatMap((folder) =>
  exampleFiles(folder)
    .filter((f) => f.startsWith('payment_'))
    .map((file) => [folder, file, targetOf(file)] as const),
);

describe('the spec examples of Payments at our endpoints', () => {
  let pair: PaymentsPair;
  let ptpToken: string;
  let cpoToken: string;
  const receiver = (app: FastifyInstance) => `${baseUrl(app)}/ocpi/2.3.0/receiver/payments`;
  const sender = (app: FastifyInstance) => `${baseUrl(app)}/ocpi/2.3.0/sender/payments`;

  beforeAll(async () => {
    pair = await startPaymentsPair(memoryStore);
    ptpToken = await tokenOf(pair.ptp, pair.cpoAtPtp);
    cpoToken = await tokenOf(pair.cpo, pair.ptpAtCpo);
    await pair.ptp.ocpi.payments.terminals.put(terminal('EXAMPLE-T'));
  });
  afterAll(async () => {
    await pair?.close();
  });

  it('covers every payment example', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(22);
  });

  it.each(CASES)('%s %s → %s', async (_folder, file, target) => {
    const body = exampleJson(_folder, file) as Record<string, unknown>;
    const post = async (url: string, token: string, method = 'POST') => {
      const reply = await call(url, { method, token, body });
      expect([reply.body.status_code, reply.body.status_message]).toEqual([1000, 'Success']);
    };
    const served = async (url: string, token: string, name: keyof typeof strict) => {
      const reply = await call(url, { token });
      expect(reply.body.status_code).toBe(1000);
      expect(strict[name](reply.body.data).ok).toBe(true);
      return reply.body.data as Record<string, unknown>;
    };
    if (target === 'cpo-terminal') {
      await post(`${receiver(pair.cpo)}/terminals`, ptpToken);
      await served(`${receiver(pair.cpo)}/terminals/${String(body.terminal_id)}`, ptpToken, 'Terminal');
    } else if (target === 'cpo-fac') {
      await post(`${receiver(pair.cpo)}/financial-advice-confirmations`, ptpToken);
      const failed = body.eft_data === undefined;
      const fac = await served(
        `${receiver(pair.cpo)}/financial-advice-confirmations/${String(body.id)}`,
        ptpToken,
        failed ? 'ReceivedFac' : 'FinancialAdviceConfirmation',
      );
      expect(fac.authorization_reference).toBe(body.authorization_reference);
      // Nothing made up: a failed capture has no EFT data, and none is served.
      if (failed) expect(fac).not.toHaveProperty('eft_data');
    } else if (target === 'ptp-activate') {
      const seen = new Promise<unknown>((resolve) =>
        pair.ptp.ocpi.events.once('received', (event: { object: unknown }) => resolve(event.object)),
      );
      await post(`${sender(pair.ptp)}/terminals/activate`, cpoToken);
      expect(strict.TerminalActivation(await seen).ok).toBe(true);
    } else {
      await eventually(async () =>
        (await pair.cpo.ocpi.payments.terminals.list()).some((t) => t.terminal.terminal_id === 'EXAMPLE-T')
          ? true
          : undefined,
      );
      await post(
        `${sender(pair.ptp)}/terminals/EXAMPLE-T`,
        cpoToken,
        target === 'ptp-patch' ? 'PATCH' : 'PUT',
      );
      const after = await served(`${sender(pair.ptp)}/terminals/EXAMPLE-T`, cpoToken, 'Terminal');
      for (const [field, value] of Object.entries(body))
        if (field !== 'last_updated') expect(after[field]).toEqual(value);
    }
  });
});
