export { type BackoffOptions, backoffDelay } from './backoff.ts';
export { createDeliveryWorker } from './create.ts';
export {
  type DeadLetter,
  enqueue,
  type OutboxEntry,
  type OutboxMessage,
  type OutboxMethod,
} from './outbox.ts';
export {
  type DeadLetteredEvent,
  type DeliveredEvent,
  type DeliveryEvents,
  type DeliveryLogger,
  DeliveryWorker,
  type DeliveryWorkerOptions,
  type DroppedEvent,
  type FailedEvent,
} from './worker.ts';
