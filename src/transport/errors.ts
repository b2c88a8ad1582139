import { OcpiStatus, type OcpiStatusCode } from './status-codes.ts';

/**
 * The one error type of the toolkit. Thrown anywhere, turned into an OCPI envelope in
 * one place. `httpStatus` defaults to 200: once a request has reached the OCPI layer,
 * errors travel as OCPI status codes, not as HTTP errors.
 */
export class OcpiError extends Error {
  readonly statusCode: OcpiStatusCode;
  readonly httpStatus: number;
  readonly data: unknown;

  constructor(
    statusCode: OcpiStatusCode,
    message: string,
    options: { httpStatus?: number; data?: unknown; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OcpiError';
    this.statusCode = statusCode;
    this.httpStatus = options.httpStatus ?? 200;
    this.data = options.data;
  }

  static invalid(message: string): OcpiError {
    return new OcpiError(OcpiStatus.INVALID_PARAMETERS, message);
  }

  static unauthorized(message = 'missing or unknown token'): OcpiError {
    return new OcpiError(OcpiStatus.CLIENT_ERROR, message, { httpStatus: 401 });
  }

  static methodNotAllowed(message: string): OcpiError {
    return new OcpiError(OcpiStatus.CLIENT_ERROR, message, { httpStatus: 405 });
  }
}
