import type { OcpiModule, OcpiNode } from '../../node.ts';
import { paymentsReceiverRoutes } from './receiver.ts';
import { paymentsSenderRoutes } from './sender.ts';

function plays(node: OcpiNode, role: 'CPO' | 'PTP'): boolean {
  return node.parties.some((p) => p.role === role);
}

/**
 * Payments (OCPI 2.3.0 only; no other version announces it). A node with a CPO party offers
 * the RECEIVER `receiver/payments`, one with a PTP party the SENDER `sender/payments`. Each
 * interface is one URL with two sub-resources:
 *
 *   {payments_url}/terminals[/{terminal_id}]            (sender also: /activate, /{id}/deactivate)
 *   {payments_url}/financial-advice-confirmations[/{id}]
 *
 * `financial_advice_confirmations` is answered as an alias of the latter; we call partners
 * at `financial-advice-confirmations`.
 */
export const paymentsModule: OcpiModule = {
  id: 'payments',
  versions: ['2.3.0'],
  endpoints: (_version, node) => [
    ...(plays(node, 'PTP')
      ? [{ identifier: 'payments', role: 'SENDER' as const, path: 'sender/payments' }]
      : []),
    ...(plays(node, 'CPO')
      ? [{ identifier: 'payments', role: 'RECEIVER' as const, path: 'receiver/payments' }]
      : []),
  ],
  async routes(app, _version, node) {
    if (plays(node, 'PTP'))
      await app.register(async (scope) => paymentsSenderRoutes(scope, node), { prefix: '/sender/payments' });
    if (plays(node, 'CPO'))
      await app.register(async (scope) => paymentsReceiverRoutes(scope, node), {
        prefix: '/receiver/payments',
      });
  },
};
