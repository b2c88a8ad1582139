export { type BackoffOptions, backoffDelay } from './backoff.ts';
export {
  type DeadLetter,
  enqueue,
  type OutboxEntry,
  type OutboxMessage,
  type OutboxMethod,
} from './outbox.ts';
export {
  createDeliveryWorker,
  type DeadLetteredEvent,
  type DeliveredEvent,
  type DeliveryEvents,
  type DeliveryLogger,
  DeliveryWorker,
  type DeliveryWorkerOptions,
  type DroppedEvent,
  type FailedEvent,
} from './worker.ts';
