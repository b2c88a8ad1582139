import { PartnerCallError } from '../client/ocpi-http.ts';
import { errorMessage, OcpiError } from '../transport/errors.ts';
import { OcpiStatus } from '../transport/status-codes.ts';
import { generateToken } from '../transport/token.ts';
import type { PartnersContext } from './context.ts';
import { type PartnerCredentials, parseCredentials } from './credentials.ts';
import { type Discovery, discoverPartner } from './discovery.ts';
import { checkPartnerParties, counterpartRole, registeredWrite } from './handshake-server.ts';
import { ownCredentials } from './own-credentials.ts';
import type { Partner } from './types.ts';

/**
 * Sends our credentials (POST or PUT) and returns the data of the partner's answer once it
 * accepted them. Refused or unreachable: OCPI 3001, and nothing to undo on its side.
 */
async function sendCredentials(
  node: PartnersContext,
  method: 'POST' | 'PUT',
  found: Discovery,
  token: string,
  ourToken: string,
): Promise<unknown> {
  const url = found.credentialsUrl;
  let reply: Awaited<ReturnType<PartnersContext['http']['call']>>;
  try {
    reply = await node.http.call({
      method,
      url,
      token,
      encoding: found.encoding,
      body: ownCredentials(node, found.version, ourToken),
    });
  } catch (err) {
    if (err instanceof PartnerCallError)
      throw new OcpiError(err.code, `${method} credentials failed: ${err.message}`, { cause: err });
    throw err;
  }
  const { status_code: status, status_message: message } = reply.envelope;
  if (reply.httpStatus >= 300 || status !== OcpiStatus.SUCCESS) {
    throw new OcpiError(
      'OCPI_ERR_PARTNER_REFUSED',
      `${method} ${url}: the partner refused our credentials (HTTP ${reply.httpStatus}, OCPI ${status}${message ? `: ${message}` : ''})`,
    );
  }
  return reply.envelope.data;
}

/** The token in a partner's answer, when it holds a plausible one, even if the rest is unusable. */
function tokenIn(answer: unknown): string | undefined {
  const token = typeof answer === 'object' && answer !== null ? Reflect.get(answer, 'token') : undefined;
  return typeof token === 'string' && /^[\x21-\x7e]{1,64}$/.test(token) ? token : undefined;
}

/**
 * The partner accepted our credentials but we cannot keep its answer: we unregister there
 * (DELETE on its credentials, with the token it just gave us, else the one we called with)
 * so that no registration is left orphaned on its side. Returns what happened, in words.
 */
async function withdraw(
  node: PartnersContext,
  found: Discovery,
  answer: unknown,
  fallback: string,
): Promise<string> {
  const url = found.credentialsUrl;
  try {
    const reply = await node.http.call({
      method: 'DELETE',
      url,
      token: tokenIn(answer) ?? fallback,
      encoding: found.encoding,
    });
    if (reply.httpStatus >= 300 || reply.envelope.status_code !== OcpiStatus.SUCCESS)
      throw new OcpiError(
        'OCPI_ERR_PARTNER_REFUSED',
        `HTTP ${reply.httpStatus}, OCPI ${reply.envelope.status_code}`,
      );
    node.log.warn({ url }, 'unregistered from a partner whose credentials we could not keep');
    return 'we unregistered there again';
  } catch (err) {
    node.log.error(
      { url, err: errorMessage(err) },
      'could not unregister from a partner whose credentials we could not keep',
    );
    return `unregistering there failed too (${errorMessage(err)}): remove this platform there by hand`;
  }
}

/** The partner's credentials from its answer; unusable ones are its fault on its API: 3001. */
function readAnswer(answer: unknown, flatRole: string): PartnerCredentials {
  try {
    return parseCredentials(answer, flatRole);
  } catch (err) {
    throw new OcpiError(OcpiStatus.UNABLE_TO_USE_CLIENT_API, errorMessage(err), { cause: err });
  }
}

/**
 * Reads the partner's answer and stores it with `store`; if either fails, the partner is
 * told we are gone (see withdraw) and the error says so. OCPI errors keep their code
 * (2001 for a party another platform holds); anything else is 3001.
 */
async function adopt(
  node: PartnersContext,
  method: 'POST' | 'PUT',
  found: Discovery,
  answer: unknown,
  calledWith: string,
  step: { flatRole: string; partnerId: string; store(theirs: PartnerCredentials): Promise<void> },
): Promise<void> {
  try {
    const theirs = readAnswer(answer, step.flatRole);
    await checkPartnerParties(node, theirs.parties, step.partnerId);
    await step.store(theirs);
  } catch (err) {
    const outcome = await withdraw(node, found, answer, calledWith);
    const message = `${method} ${found.credentialsUrl}: the partner accepted our credentials, but its answer cannot be used (${errorMessage(err)}); ${outcome}`;
    throw new OcpiError(
      err instanceof OcpiError && err.statusCode < OcpiStatus.SERVER_ERROR
        ? err.statusCode
        : OcpiStatus.UNABLE_TO_USE_CLIENT_API,
      message,
      { cause: err },
    );
  }
}

/** Stores what a partner's credentials say, claiming its parties, with the token it calls us with. */
function storeRegistered(node: PartnersContext, id: string, found: Discovery, inboundToken: string) {
  return (theirs: PartnerCredentials) =>
    node.store.db.transaction().execute(async (trx) => {
      await node.registry.update(trx, id, registeredWrite(found.version, theirs, found), inboundToken);
      await node.registry.claimParties(trx, id, theirs.parties);
    });
}

/**
 * Registers this node with a partner, given its versions URL and the token A it gave us.
 * The partner is stored as pending with our token B while the partner calls us back; if
 * anything fails, the pending partner and token B are deleted, and a partner that had
 * accepted our credentials already is unregistered again.
 */
export async function registerWith(
  node: PartnersContext,
  partnerVersionsUrl: string,
  tokenA: string,
): Promise<Partner> {
  const found = await discoverPartner(node, partnerVersionsUrl, tokenA);
  const tokenB = generateToken();
  const pending = {
    ...registeredWrite(found.version, { token: tokenA, url: partnerVersionsUrl, parties: [] }, found),
    status: 'pending' as const,
  };
  const id = await node.store.db.transaction().execute((trx) => node.registry.insert(trx, pending, tokenB));
  try {
    const answer = await sendCredentials(node, 'POST', found, tokenA, tokenB);
    await adopt(node, 'POST', found, answer, tokenA, {
      flatRole: counterpartRole(node),
      partnerId: id,
      store: storeRegistered(node, id, found, tokenB),
    });
  } catch (err) {
    await node.registry.remove(id);
    throw err;
  }
  node.registry.invalidate(id);
  node.log.info({ partner: id, version: found.version }, 'registered with partner');
  return (await node.registry.registered(id)).partner;
}

/**
 * Rotates tokens with a partner (and moves to the highest mutual version): we PUT new
 * credentials with a new token B'; the old token stays valid until the partner accepted.
 * If the partner accepted but its answer cannot be kept, the registration is broken on
 * both sides (it already switched tokens): we unregister there and forget it here.
 */
export async function updateCredentialsWith(node: PartnersContext, id: string): Promise<Partner> {
  const { partner, token } = await node.registry.registered(id);
  const found = await discoverPartner(node, partner.versionsUrl, token);
  const newToken = generateToken();
  await node.registry.addPendingToken(id, newToken);
  let answer: unknown;
  try {
    answer = await sendCredentials(node, 'PUT', found, token, newToken);
  } catch (err) {
    await node.registry.removeToken(newToken);
    throw err;
  }
  try {
    await adopt(node, 'PUT', found, answer, token, {
      flatRole: partner.parties[0]?.role ?? counterpartRole(node),
      partnerId: id,
      store: storeRegistered(node, id, found, newToken),
    });
  } catch (err) {
    await node.registry.remove(id);
    throw err;
  }
  node.registry.invalidate(id);
  node.log.info({ partner: id, version: found.version }, 'credentials updated with partner');
  return (await node.registry.registered(id)).partner;
}

/** Outcome of an unregistration: local removal always happens; the partner may not have answered. */
export interface UnregisterResult {
  partnerId: string;
  remote: 'unregistered' | 'failed';
  message?: string;
}

/** Unregisters from a partner (DELETE on its credentials) and forgets it. */
export async function unregisterFrom(node: PartnersContext, id: string): Promise<UnregisterResult> {
  const { partner, token } = await node.registry.registered(id);
  const url = partner.endpoints.find((e) => e.identifier === 'credentials')?.url;
  let result: UnregisterResult = { partnerId: id, remote: 'unregistered' };
  try {
    if (!url)
      throw new OcpiError('OCPI_ERR_NO_MATCHING_ENDPOINTS', 'the partner has no credentials endpoint');
    const reply = await node.http.call({ method: 'DELETE', url, token, encoding: partner.tokenEncoding });
    if (reply.httpStatus >= 300 || reply.envelope.status_code !== OcpiStatus.SUCCESS) {
      throw new OcpiError(
        'OCPI_ERR_PARTNER_REFUSED',
        `HTTP ${reply.httpStatus}, OCPI ${reply.envelope.status_code}`,
      );
    }
  } catch (err) {
    result = { partnerId: id, remote: 'failed', message: errorMessage(err) };
    node.log.warn(
      { partner: id, err: errorMessage(err) },
      'partner did not confirm unregistration; removed locally',
    );
  }
  await node.registry.remove(id);
  return result;
}
