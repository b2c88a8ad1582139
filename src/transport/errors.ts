import { codeOfStatus, OCPI_ERROR_CODES, type OcpiErrorCode } from './error-codes.ts';
import type { OcpiStatusCode } from './status-codes.ts';

export interface OcpiErrorOptions {
  /** The OCPI status code to answer with, when not the code's default. */
  statusCode?: OcpiStatusCode;
  /** The HTTP status to answer with, when not the code's default. */
  httpStatus?: number;
  /** Sent as the envelope's `data`. */
  data?: unknown;
  cause?: unknown;
}

/**
 * The one error type of the toolkit: everything it throws is an OcpiError, turned into an
 * OCPI envelope in one place (see error-handler.ts). `code` is stable (see OCPI_ERROR_CODES);
 * `statusCode` is the OCPI status and `httpStatus` the HTTP status a request that meets the
 * error is answered with.
 *
 * Built from a code (`new OcpiError('OCPI_ERR_CONFIG', '…')`), it takes the code's statuses;
 * built from a bare OCPI status (`new OcpiError(2001, '…')`), it takes the status's generic
 * code and HTTP 200: once a request has reached the OCPI layer, errors travel as OCPI status
 * codes, not as HTTP errors.
 */
export class OcpiError extends Error {
  readonly code: OcpiErrorCode;
  readonly statusCode: OcpiStatusCode;
  readonly httpStatus: number;
  readonly data: unknown;

  constructor(codeOrStatus: OcpiErrorCode | OcpiStatusCode, message: string, options: OcpiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OcpiError';
    this.code = typeof codeOrStatus === 'string' ? codeOrStatus : codeOfStatus(codeOrStatus);
    const defaults = OCPI_ERROR_CODES[this.code];
    this.statusCode =
      options.statusCode ?? (typeof codeOrStatus === 'number' ? codeOrStatus : defaults.status);
    this.httpStatus = options.httpStatus ?? (typeof codeOrStatus === 'number' ? 200 : defaults.httpStatus);
    this.data = options.data;
  }

  static invalid(message: string): OcpiError {
    return new OcpiError('OCPI_ERR_INVALID_PARAMETERS', message);
  }

  static unauthorized(message = 'missing or unknown token'): OcpiError {
    return new OcpiError('OCPI_ERR_UNAUTHORIZED', message);
  }

  static methodNotAllowed(message: string): OcpiError {
    return new OcpiError('OCPI_ERR_METHOD_NOT_ALLOWED', message);
  }
}

/** The message of anything thrown: an Error's message, else the thrown value in words. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The `code` a thrown value carries (ECONNREFUSED, a PostgreSQL SQLSTATE, FST_ERR_…), if any. */
export function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;
}
