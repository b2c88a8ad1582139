import { PartnerCallError } from '../client/ocpi-http.ts';
import { isSupportedVersion, type OcpiVersion } from '../model/versions.ts';
import { ownCredentials } from '../modules/credentials/own-credentials.ts';
import { parseCredentials } from '../modules/credentials/schema.ts';
import type { OcpiNode } from '../node.ts';
import { OcpiError } from '../transport/errors.ts';
import { OcpiStatus } from '../transport/status-codes.ts';
import { generateToken } from '../transport/token.ts';
import { type Discovery, discoverPartner } from './discovery.ts';
import { counterpartRole, registeredWrite } from './handshake-server.ts';
import type { Partner } from './types.ts';

function credentialsUrl(found: Discovery): string {
  return found.endpoints.find((e) => e.identifier === 'credentials')?.url as string;
}

/** Sends our credentials (POST or PUT) and reads theirs from the answer. */
async function sendCredentials(
  node: OcpiNode,
  method: 'POST' | 'PUT',
  found: Discovery,
  token: string,
  ourToken: string,
  flatRole: string,
) {
  const url = credentialsUrl(found);
  const version = found.version as OcpiVersion;
  let reply: Awaited<ReturnType<OcpiNode['http']['call']>>;
  try {
    reply = await node.http.call({
      method,
      url,
      token,
      encoding: found.encoding,
      body: ownCredentials(node, version, ourToken),
    });
  } catch (err) {
    if (err instanceof PartnerCallError)
      throw new OcpiError(
        OcpiStatus.UNABLE_TO_USE_CLIENT_API,
        `${method} credentials failed: ${err.message}`,
        { cause: err },
      );
    throw err;
  }
  const { status_code: status, status_message: message } = reply.envelope;
  if (reply.httpStatus >= 300 || status !== OcpiStatus.SUCCESS) {
    throw new OcpiError(
      OcpiStatus.UNABLE_TO_USE_CLIENT_API,
      `${method} ${url}: the partner refused our credentials (HTTP ${reply.httpStatus}, OCPI ${status}${message ? `: ${message}` : ''})`,
    );
  }
  try {
    return parseCredentials(reply.envelope.data, flatRole);
  } catch (err) {
    throw new OcpiError(
      OcpiStatus.UNABLE_TO_USE_CLIENT_API,
      `${method} ${url}: the partner answered with ${(err as Error).message}`,
      { cause: err },
    );
  }
}

function checkVersion(found: Discovery): void {
  if (!isSupportedVersion(found.version))
    throw new OcpiError(OcpiStatus.UNSUPPORTED_VERSION, `unsupported version ${found.version}`);
}

/**
 * Registers this node with a partner, given its versions URL and the token A it gave us.
 * The partner is stored as pending with our token B while the partner calls us back; if
 * anything fails, the pending partner and token B are deleted.
 */
export async function registerWith(
  node: OcpiNode,
  partnerVersionsUrl: string,
  tokenA: string,
): Promise<Partner> {
  const found = await discoverPartner(node, partnerVersionsUrl, tokenA);
  checkVersion(found);
  const tokenB = generateToken();
  const pending = {
    ...registeredWrite(found.version, { token: tokenA, url: partnerVersionsUrl, parties: [] }, found),
    status: 'pending' as const,
  };
  const id = await node.store.db.transaction().execute((trx) => node.registry.insert(trx, pending, tokenB));
  try {
    const theirs = await sendCredentials(node, 'POST', found, tokenA, tokenB, counterpartRole(node));
    await node.store.db
      .transaction()
      .execute((trx) => node.registry.update(trx, id, registeredWrite(found.version, theirs, found), tokenB));
  } catch (err) {
    await node.registry.remove(id);
    throw err;
  }
  node.registry.invalidate(id);
  node.log.info({ partner: id, version: found.version }, 'registered with partner');
  return (await node.registry.get(id)) as Partner;
}

/**
 * Rotates tokens with a partner (and moves to the highest mutual version): we PUT new
 * credentials with a new token B'; the old token stays valid until the partner accepted.
 */
export async function updateCredentialsWith(node: OcpiNode, id: string): Promise<Partner> {
  const { partner, token } = await node.registry.registered(id);
  const found = await discoverPartner(node, partner.versionsUrl, token);
  checkVersion(found);
  const newToken = generateToken();
  await node.registry.addPendingToken(id, newToken);
  try {
    const theirs = await sendCredentials(
      node,
      'PUT',
      found,
      token,
      newToken,
      partner.parties[0]?.role ?? counterpartRole(node),
    );
    await node.store.db
      .transaction()
      .execute((trx) =>
        node.registry.update(trx, id, registeredWrite(found.version, theirs, found), newToken),
      );
  } catch (err) {
    await node.registry.removeToken(newToken);
    throw err;
  }
  node.registry.invalidate(id);
  node.log.info({ partner: id, version: found.version }, 'credentials updated with partner');
  return (await node.registry.get(id)) as Partner;
}

/** Outcome of an unregistration: local removal always happens; the partner may not have answered. */
export interface UnregisterResult {
  partnerId: string;
  remote: 'unregistered' | 'failed';
  message?: string;
}

/** Unregisters from a partner (DELETE on its credentials) and forgets it. */
export async function unregisterFrom(node: OcpiNode, id: string): Promise<UnregisterResult> {
  const { partner, token } = await node.registry.registered(id);
  const url = partner.endpoints.find((e) => e.identifier === 'credentials')?.url;
  let result: UnregisterResult = { partnerId: id, remote: 'unregistered' };
  try {
    if (!url) throw new Error('the partner has no credentials endpoint');
    const reply = await node.http.call({ method: 'DELETE', url, token, encoding: partner.tokenEncoding });
    if (reply.httpStatus >= 300 || reply.envelope.status_code !== OcpiStatus.SUCCESS) {
      throw new Error(`HTTP ${reply.httpStatus}, OCPI ${reply.envelope.status_code}`);
    }
  } catch (err) {
    result = { partnerId: id, remote: 'failed', message: (err as Error).message };
    node.log.warn(
      { partner: id, err: (err as Error).message },
      'partner did not confirm unregistration; removed locally',
    );
  }
  await node.registry.remove(id);
  return result;
}
