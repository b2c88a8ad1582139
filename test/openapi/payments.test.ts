import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/index.ts';

/* Payments in the document: the CPO's receiver and the PTP's sender, 2.3.0 only. */
describe('OpenAPI document of Payments', () => {
  it('documents both interfaces in 2.3.0, the FAC alias left out', async () => {
    const doc = await openApiDocument('2.3.0');
    const ops = (path: string) => doc.paths[`/2.3.0/${path}`];
    expect(ops('receiver/payments/terminals')?.post?.operationId).toBe('receiverPostTerminal');
    expect(ops('receiver/payments/terminals/{terminal_id}')?.get?.operationId).toBe('receiverGetTerminal');
    expect(
      ops('receiver/payments/financial-advice-confirmations')?.post?.requestBody?.content['application/json']
        ?.schema,
    ).toEqual({
      $ref: '#/components/schemas/FinancialAdviceConfirmation',
    });
    expect(ops('sender/payments/terminals')?.get?.operationId).toBe('senderListTerminals');
    expect(
      ops('sender/payments/terminals/{terminal_id}')?.patch?.requestBody?.content['application/json']?.schema,
    ).toEqual({
      $ref: '#/components/schemas/TerminalPatch',
    });
    expect(ops('sender/payments/terminals/activate')?.post?.operationId).toBe('senderActivateTerminal');
    expect(ops('sender/payments/terminals/{terminal_id}/deactivate')?.post?.operationId).toBe(
      'senderDeactivateTerminal',
    );
    expect(
      ops('sender/payments/financial-advice-confirmations/{financial_advice_confirmation_id}')?.get,
    ).toBeDefined();
    expect(Object.keys(doc.paths).filter((p) => p.includes('financial_advice_confirmations'))).toEqual([]);
  });

  it('has no Payments before 2.3.0', async () => {
    for (const version of ['2.1.1', '2.2.1'] as const) {
      const doc = await openApiDocument(version);
      expect(Object.keys(doc.paths).filter((path) => path.includes('payments'))).toEqual([]);
    }
  });
});
