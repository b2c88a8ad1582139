/**
 * Corrections to the CALLERROR codes ocpp-rpc sends. It answers some faults with a code
 * the connection's OCPP version does not have, or with the code of another fault:
 *
 * - frames that are not a CALL it can read (not JSON, not an array, a message id that is
 *   not a string, a repeated message id) get RpcFrameworkError, a code of OCPP 2.0.1
 *   only: OCPP 1.6 has FormationViolation for a message "not conform the PDU structure";
 * - an unknown message type gets MessageTypeNotSupported, 2.0.1 only too (1.6: the same);
 * - a CALL without its payload (`[2, "id", "Heartbeat"]`) is checked against the action's
 *   schema as if the payload were there and gets TypeConstraintViolation; it is a frame of
 *   the wrong shape: FormationViolation in 1.6, RpcFrameworkError in 2.0.1;
 * - a value outside an enumeration (a status OCPP does not have) gets FormatViolation,
 *   where both versions name a field with "an invalid value" PropertyConstraintViolation;
 * - an unknown message type is answered with message id "-1" though the frame had one;
 * - FormatViolation is 2.0.1's name of 1.6's FormationViolation;
 * - on 2.0.1 it sends a missing required field as OccurenceConstraintViolation, the
 *   misspelling of 1.6's first edition that it corrects on 1.6 only: 2.0.1's code is
 *   OccurrenceConstraintViolation.
 *
 * Unknown actions are answered NotImplemented and known actions we do not take
 * NotSupported, as both versions want, by the handlers the bridge registers.
 */

/** The codes OCPP-J 1.6 defines (with the errata's spelling of Occurrence, as ocpp-rpc sends it). */
const CODES_16 = new Set([
  'NotImplemented',
  'NotSupported',
  'InternalError',
  'ProtocolError',
  'SecurityError',
  'FormationViolation',
  'PropertyConstraintViolation',
  'OccurrenceConstraintViolation',
  'OccurenceConstraintViolation',
  'TypeConstraintViolation',
  'GenericError',
]);

/** The codes OCPP-J 2.0.1 defines (RpcFrameworkError and MessageTypeNotSupported are new). */
const CODES_201 = new Set([
  'FormatViolation',
  'GenericError',
  'InternalError',
  'MessageTypeNotSupported',
  'NotImplemented',
  'NotSupported',
  'OccurrenceConstraintViolation',
  'PropertyConstraintViolation',
  'ProtocolError',
  'RpcFrameworkError',
  'SecurityError',
  'TypeConstraintViolation',
]);

/** What a 1.6 code is called on 2.0.1. */
const TO_201: Record<string, string> = {
  OccurenceConstraintViolation: 'OccurrenceConstraintViolation',
  FormationViolation: 'FormatViolation',
};

const FRAME_CODES: Record<string, string> = {
  'ocpp1.6': 'FormationViolation',
  'ocpp2.0.1': 'RpcFrameworkError',
};

/**
 * The code a CALLERROR should carry, given the connection's subprotocol, whether the CALL
 * had no payload, and the JSON-schema keyword that failed (ocpp-rpc's details say).
 */
export function correctedCode(
  protocol: string | undefined,
  code: string,
  missingPayload: boolean,
  failedKeyword?: string,
): string {
  if (missingPayload) return FRAME_CODES[protocol ?? ''] ?? code;
  if (failedKeyword === 'enum') return 'PropertyConstraintViolation';
  if (protocol === 'ocpp2.0.1') return CODES_201.has(code) ? code : (TO_201[code] ?? 'GenericError');
  if (protocol !== 'ocpp1.6' || CODES_16.has(code)) return code;
  if (code === 'RpcFrameworkError' || code === 'MessageTypeNotSupported' || code === 'FormatViolation')
    return 'FormationViolation';
  return 'GenericError';
}

/** What the corrector needs of a connection: its subprotocol, its raw sending, its inbound CALL frames. */
export interface RawConnection {
  readonly protocol: string | undefined;
  sendRaw(message: string): void;
  on(event: 'call', listener: (call: { outbound: boolean; payload: unknown }) => void): unknown;
  on(event: 'message', listener: (message: { message: unknown; outbound: boolean }) => void): unknown;
}

/**
 * Makes a connection send corrected CALLERROR codes (see above): it notes the CALLs that
 * came without a payload, and rewrites the code of each CALLERROR frame on its way out.
 */
export function correctCallErrors(connection: RawConnection): void {
  const withoutPayload = new Set<string>();
  // ocpp-rpc answers a bad frame synchronously as it reads it: the last one read is the one answered.
  let lastRead: unknown;
  connection.on('message', ({ message, outbound }) => {
    if (!outbound) lastRead = message;
  });
  connection.on('call', ({ outbound, payload }) => {
    if (!outbound && Array.isArray(payload) && payload.length < 4 && typeof payload[1] === 'string')
      withoutPayload.add(payload[1]);
  });
  const send = connection.sendRaw.bind(connection);
  connection.sendRaw = (message: string) => {
    send(rewritten(message, connection.protocol, withoutPayload, lastRead));
  };
}

function parsed(text: unknown): unknown {
  try {
    return JSON.parse(String(text));
  } catch {
    return undefined;
  }
}

/** The JSON-schema keyword ocpp-rpc's details name as the first that failed. */
function failedKeyword(details: unknown): string | undefined {
  if (typeof details !== 'object' || details === null || !('errors' in details)) return undefined;
  const errors = details.errors;
  const first: unknown = Array.isArray(errors) ? errors[0] : undefined;
  return typeof first === 'object' &&
    first !== null &&
    'keyword' in first &&
    typeof first.keyword === 'string'
    ? first.keyword
    : undefined;
}

function rewritten(
  message: string,
  protocol: string | undefined,
  withoutPayload: Set<string>,
  lastRead: unknown,
): string {
  const frame = parsed(message);
  if (!Array.isArray(frame) || frame[0] !== 4 || typeof frame[1] !== 'string' || typeof frame[2] !== 'string')
    return message;
  let id: string = frame[1];
  if (id === '-1') {
    const read = parsed(lastRead);
    if (Array.isArray(read) && typeof read[1] === 'string') id = read[1];
  }
  const missing = withoutPayload.delete(id);
  const code = correctedCode(protocol, frame[2], missing, failedKeyword(frame[4]));
  if (code === frame[2] && id === frame[1]) return message;
  return JSON.stringify([4, id, code, frame[3] ?? '', frame[4] ?? {}]);
}
