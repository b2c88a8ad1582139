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

/**
 * What a handler answers: an envelope without its timestamp. The transport stamps it with
 * the node's clock as it sends it (envelopeSerializer), so that every answer tells the
 * node's time, a test's manual clock included.
 */
export type UnstampedEnvelope<T = unknown> = Omit<OcpiEnvelope<T>, 'timestamp'>;

const SUCCESS_MESSAGE = 'Success';

/** An envelope, in the spec's order of fields; the transport adds the timestamp. */
export function envelope<T>(
  data: T | undefined,
  statusCode: number = OcpiStatus.SUCCESS,
  message?: string,
): UnstampedEnvelope<T> {
  const body: UnstampedEnvelope<T> =
    data === undefined ? { status_code: statusCode } : { data, status_code: statusCode };
  if (message !== undefined) body.status_message = message;
  else if (statusCode === OcpiStatus.SUCCESS) body.status_message = SUCCESS_MESSAGE;
  return body;
}

function timestamp(clock: Clock): string {
  return formatDateTime(new Date(clock.now()));
}

/** The envelope as sent: stamped with the time of `clock`. */
export function stamped<T>(body: UnstampedEnvelope<T>, clock: Clock): OcpiEnvelope<T> {
  return { ...body, timestamp: timestamp(clock) };
}

function isUnstampedEnvelope(payload: unknown): payload is UnstampedEnvelope {
  return (
    typeof payload === 'object' && payload !== null && 'status_code' in payload && !('timestamp' in payload)
  );
}

/**
 * The reply serializer of the scopes that answer envelopes: JSON of what a handler returns,
 * each envelope stamped with `clock`. It replaces Fastify's serialization, response schemas
 * included (they document; the handlers render objects for their version themselves).
 */
export function envelopeSerializer(clock: Clock): (payload: unknown) => string {
  return (payload) => {
    const json = JSON.stringify(payload);
    // The JSON of an envelope ends with its closing brace: the timestamp goes in last, as in
    // the spec's examples, without copying the envelope.
    return isUnstampedEnvelope(payload) ? `${json.slice(0, -1)},"timestamp":"${timestamp(clock)}"}` : json;
  };
}

/**
 * A success envelope as JSON text, around data that is already JSON text: for answers
 * that never change (versions, version details), so that only the timestamp is new.
 */
export function successJson(dataJson: string, clock: Clock): string {
  return `{"data":${dataJson},"status_code":${OcpiStatus.SUCCESS},"status_message":"${SUCCESS_MESSAGE}","timestamp":"${timestamp(clock)}"}`;
}
