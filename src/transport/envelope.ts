import type { Clock } from '../clock.ts';
import { formatDateTime } from '../model/datetime.ts';
import { OcpiStatus } from './status-codes.ts';

/** The OCPI response envelope. `data` is omitted when there is nothing to say. */
export interface OcpiEnvelope<T = unknown> {
  data?: T;
  status_code: number;
  status_message?: string;
  timestamp: string;
}

const SUCCESS_MESSAGE = 'Success';

/**
 * The timestamp of an envelope as a handler answers it: the transport puts the time of the
 * node's clock in its place as it sends the envelope (envelopeSerializer, stamp), so that
 * handlers need no clock and a node on a manual clock answers with its time.
 */
const UNSTAMPED = '';

/** An envelope; its timestamp is the transport's to fill in. */
export function envelope<T>(
  data: T | undefined,
  statusCode: number = OcpiStatus.SUCCESS,
  message?: string,
): OcpiEnvelope<T> {
  const body: OcpiEnvelope<T> = { status_code: statusCode, timestamp: UNSTAMPED };
  if (data !== undefined) body.data = data;
  if (message !== undefined) body.status_message = message;
  else if (statusCode === OcpiStatus.SUCCESS) body.status_message = SUCCESS_MESSAGE;
  return body;
}

function timestamp(clock: Clock): string {
  return formatDateTime(new Date(clock.now()));
}

/** Stamps a new envelope with the time of `clock`, in place, and returns it. */
export function stamp<T>(body: OcpiEnvelope<T>, clock: Clock): OcpiEnvelope<T> {
  body.timestamp = timestamp(clock);
  return body;
}

function isUnstamped(payload: unknown): payload is OcpiEnvelope {
  return (
    typeof payload === 'object' &&
    payload !== null &&
    'status_code' in payload &&
    'timestamp' in payload &&
    payload.timestamp === UNSTAMPED
  );
}

/**
 * The reply serializer of the scopes that answer envelopes: JSON of what a handler returns,
 * envelopes stamped with `clock`. It replaces Fastify's serialization, response schemas
 * included (they document; the handlers render objects for their version themselves).
 */
export function envelopeSerializer(clock: Clock): (payload: unknown) => string {
  return (payload) => JSON.stringify(isUnstamped(payload) ? stamp(payload, clock) : payload);
}

/**
 * A success envelope as JSON text, around data that is already JSON text: for answers
 * that never change (versions, version details), so that only the timestamp is new.
 */
export function successJson(dataJson: string, clock: Clock): string {
  return `{"data":${dataJson},"status_code":${OcpiStatus.SUCCESS},"status_message":"${SUCCESS_MESSAGE}","timestamp":"${timestamp(clock)}"}`;
}
