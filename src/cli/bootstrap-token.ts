import type { FastifyInstance } from 'fastify';
import { OcpiError } from '../transport/errors.ts';
import { generateToken } from '../transport/token.ts';

/** Label of the token A `ocpi serve` prints: one is live at a time. */
const BOOTSTRAP = 'bootstrap';

/**
 * The bootstrap token (token A) of this start: the given one or a new one. It replaces
 * the unused bootstrap token of the previous start, so generated ones do not pile up; a
 * given one that registered a partner already is not accepted again. Returns what to print.
 */
export async function bootstrapToken(app: FastifyInstance, given: string | undefined): Promise<string> {
  const token = given ?? generateToken();
  try {
    await app.ocpi.createRegistrationToken(token, BOOTSTRAP, { replace: true });
    return `${token}   (token A: give it to a partner with the versions URL)`;
  } catch (err) {
    if (!(err instanceof OcpiError)) throw err;
    return `none: ${err.message} (create one with ocpi registration-token)`;
  }
}
