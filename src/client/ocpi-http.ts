import type { LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import { isJsonObject, type JsonObject } from '../model/json.ts';
import { errorMessage, OcpiError } from '../transport/errors.ts';
import { authorizationHeader, type TokenEncoding } from '../transport/token.ts';
import type { AddressPolicy } from './address-policy.ts';
import { AddressNotAllowedError, guardedConnector } from './guarded-connector.ts';
import { describeNetworkFailure } from './network-failure.ts';

/**
 * A call to a partner failed below the OCPI layer: network, timeout, HTTP error or not OCPI.
 * Its code is OCPI_ERR_PARTNER_CALL, or OCPI_ERR_ADDRESS_NOT_ALLOWED when the address policy
 * refused the connection (the cause then names the address, for our logs). `partnerHttpStatus`
 * is the partner's HTTP status, when it answered; `httpStatus` is, as for every OcpiError,
 * the status a request that meets this error is answered with.
 */
export class PartnerCallError extends OcpiError {
  constructor(
    message: string,
    readonly partnerHttpStatus?: number,
    options: { cause?: unknown } = {},
  ) {
    const refused = options.cause instanceof AddressNotAllowedError;
    super(refused ? 'OCPI_ERR_ADDRESS_NOT_ALLOWED' : 'OCPI_ERR_PARTNER_CALL', message, options);
    this.name = 'PartnerCallError';
  }
}

export interface OcpiCall {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  token: string;
  encoding: TokenEncoding;
  body?: unknown;
  headers?: Record<string, string>;
}

/** An OCPI envelope as a partner sent it: liberal, so only its status_code is sure to be there. */
export interface ReceivedEnvelope extends JsonObject {
  status_code: number;
  data?: unknown;
  status_message?: unknown;
}

export interface OcpiReply {
  httpStatus: number;
  envelope: ReceivedEnvelope;
  headers: Record<string, string | string[] | undefined>;
}

export interface OcpiHttpOptions {
  /** Whole-call timeout in milliseconds (default 10 s). */
  timeoutMs?: number;
  /** Largest response body accepted, in bytes (default 10 MiB). */
  maxResponseBytes?: number;
  /** Resolves partner host names, as dns.lookup does (default: dns.lookup). */
  lookup?: LookupFunction;
}

/**
 * Outbound OCPI HTTP: one undici agent per node, envelopes parsed and checked. Every new
 * connection's address is checked against the address policy first (see guarded-connector.ts).
 */
export class OcpiHttpClient {
  private readonly agent: Agent;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;

  constructor(options: OcpiHttpOptions = {}, policy: AddressPolicy = {}) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 10 * 1024 * 1024;
    const connect = guardedConnector(policy, { timeout: this.timeoutMs, lookup: options.lookup });
    this.agent = new Agent({ connect, keepAliveTimeout: 10_000 });
  }

  async call(call: OcpiCall): Promise<OcpiReply> {
    const headers: Record<string, string> = {
      authorization: authorizationHeader(call.token, call.encoding),
      accept: 'application/json',
      ...call.headers,
    };
    let payload: string | undefined;
    if (call.body !== undefined) {
      payload = JSON.stringify(call.body);
      headers['content-type'] = 'application/json';
    }
    let res: Awaited<ReturnType<typeof request>>;
    try {
      // undici follows no redirect without its redirect interceptor: a 3xx reaches us as it is.
      res = await request(call.url, {
        method: call.method,
        headers,
        body: payload,
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const reason = describeNetworkFailure(err, this.timeoutMs);
      throw new PartnerCallError(`${call.method} ${call.url}: ${reason}`, undefined, { cause: err });
    }
    let text: string;
    try {
      text = await readLimited(res.body, this.maxResponseBytes);
    } catch (err) {
      throw new PartnerCallError(`${call.method} ${call.url}: ${errorMessage(err)}`, res.statusCode, {
        cause: err,
      });
    }
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new PartnerCallError(
        `${call.method} ${call.url}: HTTP ${res.statusCode}, response is not JSON`,
        res.statusCode,
      );
    }
    if (!isEnvelope(parsed)) {
      throw new PartnerCallError(
        `${call.method} ${call.url}: HTTP ${res.statusCode}, response is not an OCPI envelope`,
        res.statusCode,
      );
    }
    return { httpStatus: res.statusCode, envelope: parsed, headers: res.headers };
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

function isEnvelope(value: unknown): value is ReceivedEnvelope {
  // Liberal: sloppy partners send odd or missing timestamps; status_code is what matters.
  return isJsonObject(value) && typeof value.status_code === 'number';
}

async function readLimited(body: AsyncIterable<Buffer>, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit)
      throw new OcpiError('OCPI_ERR_RESPONSE_TOO_LARGE', `response larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
