import { type OcpiHttpClient, PartnerCallError } from '../client/ocpi-http.ts';
import { errorMessage } from '../transport/errors.ts';
import type { OutboxEntry } from './outbox.ts';
import type { PartnerAuth } from './partner-auth.ts';
import { isRefusal } from './refusal.ts';

/**
 * How one attempt ended. A failure is `unreachable` when the partner did not answer at
 * all, `refused` when it answered that the same again would be refused again; `httpStatus`
 * is the status it answered, if any.
 */
export type Outcome =
  | { ok: true; httpStatus: number; statusCode: number; data?: unknown }
  | { ok: false; error: string; unreachable: boolean; refused: boolean; httpStatus?: number };

/** Sends one outbox message to its partner: one HTTP call, and what came of it. */
export async function attempt(http: OcpiHttpClient, entry: OutboxEntry, auth: PartnerAuth): Promise<Outcome> {
  try {
    const reply = await http.call({
      method: entry.method,
      url: entry.url,
      token: auth.token,
      encoding: auth.encoding,
      ...(entry.body !== undefined ? { body: entry.body } : {}),
      ...(entry.headers ? { headers: entry.headers } : {}),
    });
    const { httpStatus, envelope } = reply;
    const statusCode = envelope.status_code;
    if (httpStatus >= 200 && httpStatus < 300 && statusCode >= 1000 && statusCode < 2000)
      return {
        ok: true,
        httpStatus,
        statusCode,
        ...(envelope.data !== undefined ? { data: envelope.data } : {}),
      };
    const message = envelope.status_message ? `: ${envelope.status_message}` : '';
    return {
      ok: false,
      error: `HTTP ${httpStatus}, OCPI status ${statusCode}${message}`,
      unreachable: false,
      refused: isRefusal(httpStatus, statusCode),
      httpStatus,
    };
  } catch (err) {
    if (err instanceof PartnerCallError) {
      const cause =
        err.cause instanceof Error && err.cause.message !== err.message ? ` (${err.cause.message})` : '';
      return {
        ok: false,
        error: `${err.message}${cause}`,
        unreachable: err.partnerHttpStatus === undefined,
        refused: isRefusal(err.partnerHttpStatus),
        ...(err.partnerHttpStatus !== undefined ? { httpStatus: err.partnerHttpStatus } : {}),
      };
    }
    return { ok: false, error: errorMessage(err), unreachable: true, refused: false };
  }
}
