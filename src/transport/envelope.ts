import { systemClock } from '../clock.ts';
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

/** An envelope stamped `now` (ms since the epoch; default the system clock's time). */
export function envelope<T>(
  data: T | undefined,
  statusCode: number = OcpiStatus.SUCCESS,
  message?: string,
  now: number = systemClock.now(),
): OcpiEnvelope<T> {
  const body: OcpiEnvelope<T> = { status_code: statusCode, timestamp: formatDateTime(new Date(now)) };
  if (data !== undefined) body.data = data;
  if (message !== undefined) body.status_message = message;
  else if (statusCode === OcpiStatus.SUCCESS) body.status_message = SUCCESS_MESSAGE;
  return body;
}

/**
 * A success envelope as JSON text, around data that is already JSON text: for answers
 * that never change (versions, version details), so that only the timestamp is new.
 */
export function successJson(dataJson: string, now: number = systemClock.now()): string {
  return `{"data":${dataJson},"status_code":${OcpiStatus.SUCCESS},"status_message":"${SUCCESS_MESSAGE}","timestamp":"${formatDateTime(new Date(now))}"}`;
}
