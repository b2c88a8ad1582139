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

/** The content type of every OCPI answer, as Fastify writes it for JSON. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

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

/** The last timestamp written for each clock: under load, many answers share a millisecond. */
const lastStamps = new WeakMap<Clock, { at: number; text: string }>();

function timestamp(clock: Clock): string {
  const at = clock.now();
  const last = lastStamps.get(clock);
  if (last?.at === at) return last.text;
  const text = formatDateTime(new Date(at));
  lastStamps.set(clock, { at, text });
  return text;
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

/** What follows `data` in a success envelope: the status and a fresh timestamp. */
function successTail(clock: Clock): string {
  return `,"status_code":${OcpiStatus.SUCCESS},"status_message":"${SUCCESS_MESSAGE}","timestamp":"${timestamp(clock)}"}`;
}

/**
 * A success envelope as JSON text, around data that is already JSON text (versions, version
 * details): only the timestamp is new. Send it with JSON_CONTENT_TYPE; the reply serializer
 * leaves text alone.
 */
export function successJson(dataJson: string, clock: Clock): string {
  return `{"data":${dataJson}${successTail(clock)}`;
}

const DATA = Buffer.from('{"data":');
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/**
 * A success envelope as UTF-8 bytes, around `data` that is JSON bytes already (objects
 * rendered once and kept): the bytes are copied once, not encoded again.
 */
export function successBytes(data: Buffer, clock: Clock): Buffer {
  const tail = successTail(clock);
  const out = Buffer.allocUnsafe(DATA.length + data.length + tail.length);
  let at = DATA.copy(out, 0);
  at += data.copy(out, at);
  out.write(tail, at, 'latin1');
  return out;
}

/** successBytes() with `data` the JSON array of `items`, each JSON bytes already (a page). */
export function successArrayBytes(items: readonly Buffer[], clock: Clock): Buffer {
  const tail = successTail(clock);
  let size = DATA.length + 2 + Math.max(0, items.length - 1) + tail.length;
  for (const item of items) size += item.length;
  const out = Buffer.allocUnsafe(size);
  let at = DATA.copy(out, 0);
  out[at++] = OPEN_ARRAY;
  items.forEach((item, i) => {
    if (i > 0) out[at++] = COMMA;
    at += item.copy(out, at);
  });
  out[at++] = CLOSE_ARRAY;
  out.write(tail, at, 'latin1');
  return out;
}
