import { OcpiStatus, type OcpiStatusCode } from './status-codes.ts';

/** What an error code means, and how a request that meets it is answered unless the thrower says otherwise. */
export interface OcpiErrorCodeInfo {
  /** The OCPI `status_code` of the answer. */
  readonly status: OcpiStatusCode;
  /**
   * The HTTP status of the answer: 200 once a request has reached the OCPI layer (the spec
   * wants errors there as OCPI status codes); 401, 404, 405 where the spec allows HTTP errors;
   * 500 for failures of this node, whose message is logged, not sent.
   */
  readonly httpStatus: number;
  readonly description: string;
}

/**
 * Every error the toolkit throws is an `OcpiError` with one of these codes: branch on
 * `err.code`, never on the message. Codes are stable; new ones may be added.
 */
export const OCPI_ERROR_CODES = {
  // One per status of the spec's status-code table: errors built from a bare status code get these.
  OCPI_ERR_CLIENT: { status: OcpiStatus.CLIENT_ERROR, httpStatus: 200, description: 'generic client error' },
  OCPI_ERR_INVALID_PARAMETERS: {
    status: OcpiStatus.INVALID_PARAMETERS,
    httpStatus: 200,
    description: 'invalid or missing parameters: the message names the field',
  },
  OCPI_ERR_NOT_ENOUGH_INFORMATION: {
    status: OcpiStatus.NOT_ENOUGH_INFORMATION,
    httpStatus: 200,
    description: 'not enough information, e.g. an authorization request with too little information',
  },
  OCPI_ERR_UNKNOWN_LOCATION: {
    status: OcpiStatus.UNKNOWN_LOCATION,
    httpStatus: 200,
    description: 'unknown Location, e.g. a command for a Location that is not known',
  },
  OCPI_ERR_UNKNOWN_TOKEN: {
    status: OcpiStatus.UNKNOWN_TOKEN,
    httpStatus: 200,
    description: 'unknown Token, e.g. a real-time authorization of a Token that is not known',
  },
  OCPI_ERR_SERVER: { status: OcpiStatus.SERVER_ERROR, httpStatus: 200, description: 'generic server error' },
  OCPI_ERR_UNABLE_TO_USE_CLIENT_API: {
    status: OcpiStatus.UNABLE_TO_USE_CLIENT_API,
    httpStatus: 200,
    description: "the partner's API could not be used",
  },
  OCPI_ERR_UNSUPPORTED_VERSION: {
    status: OcpiStatus.UNSUPPORTED_VERSION,
    httpStatus: 200,
    description: 'an OCPI version this toolkit or the partner does not support',
  },
  OCPI_ERR_NO_MATCHING_ENDPOINTS: {
    status: OcpiStatus.NO_MATCHING_ENDPOINTS,
    httpStatus: 200,
    description: 'no matching endpoints, or endpoints that are needed are missing',
  },
  OCPI_ERR_HUB: { status: OcpiStatus.HUB_ERROR, httpStatus: 200, description: 'hub error' },

  // Requests refused before or at the OCPI layer.
  OCPI_ERR_UNAUTHORIZED: {
    status: OcpiStatus.CLIENT_ERROR,
    httpStatus: 401,
    description: 'missing, unknown or unfit token',
  },
  OCPI_ERR_METHOD_NOT_ALLOWED: {
    status: OcpiStatus.CLIENT_ERROR,
    httpStatus: 405,
    description: 'the method is not allowed on this resource',
  },
  OCPI_ERR_UNKNOWN_OBJECT: {
    status: OcpiStatus.INVALID_PARAMETERS,
    httpStatus: 200,
    description:
      'the request names an object (or a command we sent) that is not known; a GET answers HTTP 404',
  },
  OCPI_ERR_UNKNOWN_PARTNER: {
    status: OcpiStatus.CLIENT_ERROR,
    httpStatus: 404,
    description: 'no registered partner of that id',
  },

  // Calls to partners.
  OCPI_ERR_PARTNER_CALL: {
    status: OcpiStatus.UNABLE_TO_USE_CLIENT_API,
    httpStatus: 200,
    description: 'a call to a partner failed below the OCPI layer: network, timeout, HTTP error or not OCPI',
  },
  OCPI_ERR_PARTNER_REFUSED: {
    status: OcpiStatus.UNABLE_TO_USE_CLIENT_API,
    httpStatus: 200,
    description: 'a partner answered a call with an HTTP or OCPI error',
  },
  OCPI_ERR_ADDRESS_NOT_ALLOWED: {
    status: OcpiStatus.UNABLE_TO_USE_CLIENT_API,
    httpStatus: 200,
    description: "the outbound address policy refused the partner's address; no connection was opened",
  },
  OCPI_ERR_RESPONSE_TOO_LARGE: {
    status: OcpiStatus.UNABLE_TO_USE_CLIENT_API,
    httpStatus: 200,
    description: "a partner's response was larger than the configured limit",
  },

  // Failures of this node: answered HTTP 500, message logged and not sent.
  OCPI_ERR_CONFIG: {
    status: OcpiStatus.SERVER_ERROR,
    httpStatus: 500,
    description: 'invalid options or configuration (createOcpiApp, the store, the node)',
  },
  OCPI_ERR_INVALID_ARGUMENT: {
    status: OcpiStatus.SERVER_ERROR,
    httpStatus: 500,
    description: 'a library function was called with an argument it cannot use',
  },
  OCPI_ERR_NOT_SUPPORTED: {
    status: OcpiStatus.SERVER_ERROR,
    httpStatus: 500,
    description: 'an operation this setup does not offer',
  },
  OCPI_ERR_NOT_REPRESENTABLE: {
    status: OcpiStatus.SERVER_ERROR,
    httpStatus: 500,
    description: 'an object has nothing a partner of that OCPI version could use',
  },
  OCPI_ERR_UNWRITABLE_VALUE: {
    status: OcpiStatus.SERVER_ERROR,
    httpStatus: 500,
    description: 'a value of the right type that is no OCPI value: a DateTime out of range, text with NUL',
  },
  OCPI_ERR_RECIPIENTS_CHANGED: {
    status: OcpiStatus.SERVER_ERROR,
    httpStatus: 500,
    description: 'the object changed while its PATCH was staged: stage it again',
  },
  OCPI_ERR_MIGRATION: {
    status: OcpiStatus.SERVER_ERROR,
    httpStatus: 500,
    description: 'a database migration failed',
  },
  OCPI_ERR_INTERNAL: {
    status: OcpiStatus.SERVER_ERROR,
    httpStatus: 500,
    description: 'a check of the toolkit itself failed: a bug, please report it',
  },
} as const satisfies Record<string, OcpiErrorCodeInfo>;

export type OcpiErrorCode = keyof typeof OCPI_ERROR_CODES;

const BY_STATUS = new Map<number, OcpiErrorCode>([
  [OcpiStatus.CLIENT_ERROR, 'OCPI_ERR_CLIENT'],
  [OcpiStatus.INVALID_PARAMETERS, 'OCPI_ERR_INVALID_PARAMETERS'],
  [OcpiStatus.NOT_ENOUGH_INFORMATION, 'OCPI_ERR_NOT_ENOUGH_INFORMATION'],
  [OcpiStatus.UNKNOWN_LOCATION, 'OCPI_ERR_UNKNOWN_LOCATION'],
  [OcpiStatus.UNKNOWN_TOKEN, 'OCPI_ERR_UNKNOWN_TOKEN'],
  [OcpiStatus.SERVER_ERROR, 'OCPI_ERR_SERVER'],
  [OcpiStatus.UNABLE_TO_USE_CLIENT_API, 'OCPI_ERR_UNABLE_TO_USE_CLIENT_API'],
  [OcpiStatus.UNSUPPORTED_VERSION, 'OCPI_ERR_UNSUPPORTED_VERSION'],
  [OcpiStatus.NO_MATCHING_ENDPOINTS, 'OCPI_ERR_NO_MATCHING_ENDPOINTS'],
  [OcpiStatus.HUB_ERROR, 'OCPI_ERR_HUB'],
]);

/** The generic code of an OCPI status: its own where the spec names it, else that of its range. */
export function codeOfStatus(status: OcpiStatusCode): OcpiErrorCode {
  const named = BY_STATUS.get(status);
  if (named) return named;
  if (status < 3000) return 'OCPI_ERR_CLIENT';
  return status < 4000 ? 'OCPI_ERR_SERVER' : 'OCPI_ERR_HUB';
}
