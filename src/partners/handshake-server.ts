import type { OcpiVersion } from '../model/versions.ts';
import { OcpiError } from '../transport/errors.ts';
import { generateToken } from '../transport/token.ts';
import type { PartnersContext } from './context.ts';
import { type PartnerCredentials, parseCredentials } from './credentials.ts';
import { type Discovery, discoverPartner } from './discovery.ts';
import { type OwnCredentials, ownCredentials } from './own-credentials.ts';
import { type PartnerWrite, partiesTaken } from './registry.ts';
import type { Partner, PartnerParty } from './types.ts';

/** The role a 2.1.1 partner plays, which its flat credentials do not say: the other side of ours. */
export function counterpartRole(node: PartnersContext): string {
  const roles = new Set(node.parties.map((p) => p.role));
  if (roles.size === 1 && roles.has('CPO')) return 'EMSP';
  if (roles.size === 1 && roles.has('EMSP')) return 'CPO';
  return 'OTHER';
}

/**
 * Refuses parties a partner may not speak for: one of this node's own, or one another
 * platform registered (a quick check before calling the partner; claimParties() in the
 * storing transaction is what holds under concurrency).
 */
export async function checkPartnerParties(
  node: PartnersContext,
  parties: PartnerParty[],
  except?: string,
): Promise<void> {
  for (const party of parties) {
    const cc = party.countryCode.toUpperCase();
    const pid = party.partyId.toUpperCase();
    if (node.parties.some((own) => own.countryCode === cc && own.partyId === pid))
      throw OcpiError.invalid(`party ${cc}*${pid} is a party of this node; a partner cannot register it`);
    const owner = await node.registry.findByParty(cc, pid);
    if (owner && owner.id !== except) throw partiesTaken([`${cc}*${pid}`]);
  }
}

/** A registered partner as its credentials and its version details describe it. */
export function registeredWrite(
  version: OcpiVersion,
  theirs: PartnerCredentials,
  found: Discovery,
): PartnerWrite {
  return {
    status: 'registered',
    version,
    versionsUrl: theirs.url,
    outboundToken: theirs.token,
    tokenEncoding: found.encoding,
    parties: theirs.parties,
    endpoints: found.endpoints,
    ...(theirs.hubPartyId ? { hubPartyId: theirs.hubPartyId } : {}),
  };
}

/**
 * POST credentials with token A: we fetch the partner's versions and details with its
 * token B, then store it and answer with a fresh token C. Token A is spent in the same
 * transaction that stores the partner and claims its parties, so a failure anywhere
 * (including losing a race for a party to another platform) leaves nothing behind and
 * token A still usable.
 */
export async function acceptRegistration(
  node: PartnersContext,
  version: OcpiVersion,
  registrationTokenHash: string,
  body: unknown,
): Promise<OwnCredentials> {
  const theirs = parseCredentials(body, counterpartRole(node));
  await checkPartnerParties(node, theirs.parties);
  const found = await discoverPartner(node, theirs.url, theirs.token, {
    wanted: version,
    audience: 'partner',
  });
  const tokenC = generateToken();
  await node.store.db.transaction().execute(async (trx) => {
    if (!(await node.registry.consumeRegistrationToken(trx, registrationTokenHash))) {
      throw OcpiError.unauthorized('this registration token has already been used');
    }
    const id = await node.registry.insert(trx, registeredWrite(version, theirs, found), tokenC);
    await node.registry.claimParties(trx, id, theirs.parties);
  });
  node.registry.invalidate(undefined, [registrationTokenHash]);
  node.log.info(
    { version, parties: theirs.parties.map((p) => `${p.countryCode}*${p.partyId}`) },
    'partner registered with us',
  );
  return ownCredentials(node, version, tokenC);
}

/** PUT credentials: the partner switches version or rotates its token; we re-read its endpoints and issue a new token. */
export async function acceptUpdate(
  node: PartnersContext,
  version: OcpiVersion,
  partner: Partner,
  body: unknown,
): Promise<OwnCredentials> {
  const theirs = parseCredentials(body, partner.parties[0]?.role ?? counterpartRole(node));
  await checkPartnerParties(node, theirs.parties, partner.id);
  const found = await discoverPartner(node, theirs.url, theirs.token, {
    wanted: version,
    audience: 'partner',
  });
  const tokenC = generateToken();
  await node.store.db.transaction().execute(async (trx) => {
    await node.registry.update(trx, partner.id, registeredWrite(version, theirs, found), tokenC);
    await node.registry.claimParties(trx, partner.id, theirs.parties);
  });
  node.registry.invalidate(partner.id);
  node.log.info({ partner: partner.id, version }, 'partner updated its credentials');
  return ownCredentials(node, version, tokenC);
}
