import { once } from 'node:events';
import type { DeliveryWorker } from '../../src/delivery/worker.ts';

/**
 * Polls `condition` until it holds, failing after `timeoutMs`: waiting on a state the
 * system reaches, never for a fixed time.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  options: { timeoutMs?: number; what?: string } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 5000);
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${options.what ?? 'condition'} not met in time`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Waits until a delivery worker has looked for due messages once more and has nothing in
 * flight: what was due is delivered (or failed), and nothing more goes until a message is
 * enqueued or a retry falls due.
 */
export async function deliverySettled(worker: DeliveryWorker): Promise<void> {
  const idle = once(worker, 'idle');
  worker.wake();
  await idle;
}
