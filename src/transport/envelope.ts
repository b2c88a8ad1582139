import { formatDateTime } from './datetime.ts';
import { OcpiStatus } from './status-codes.ts';

/** The OCPI response envelope. `data` is omitted when there is nothing to say. */
export interface OcpiEnvelope<T = unknown> {
  data?: T;
  status_code: number;
  status_message?: string;
  timestamp: string;
}

export function envelope<T>(
  data: T | undefined,
  statusCode: number = OcpiStatus.SUCCESS,
  message?: string,
): OcpiEnvelope<T> {
  const body: OcpiEnvelope<T> = { status_code: statusCode, timestamp: formatDateTime(new Date()) };
  if (data !== undefined) body.data = data;
  if (message !== undefined) body.status_message = message;
  else if (statusCode === OcpiStatus.SUCCESS) body.status_message = 'Success';
  return body;
}
