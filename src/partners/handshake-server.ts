import type { OcpiVersion } from '../model/versions.ts';
import { type OwnCredentials, ownCredentials } from '../modules/credentials/own-credentials.ts';
import { type PartnerCredentials, parseCredentials } from '../modules/credentials/schema.ts';
import type { OcpiNode } from '../node.ts';
import { OcpiError } from '../transport/errors.ts';
import { generateToken } from '../transport/token.ts';
import { type Discovery, discoverPartner } from './discovery.ts';
import type { PartnerWrite } from './registry.ts';
import type { Partner, PartnerParty } from './types.ts';

/** The role a 2.1.1 partner plays, which its flat credentials do not say: the other side of ours. */
export function counterpartRole(node: OcpiNode): string {
  const roles = new Set(node.parties.map((p) => p.role));
  if (roles.size === 1 && roles.has('CPO')) return 'EMSP';
  if (roles.size === 1 && roles.has('EMSP')) return 'CPO';
  return 'OTHER';
}

async function assertPartiesFree(node: OcpiNode, parties: PartnerParty[], except?: string): Promise<void> {
  for (const party of parties) {
    const owner = await node.registry.findByParty(party.countryCode, party.partyId);
    if (owner && owner.id !== except && owner.status === 'registered') {
      throw OcpiError.invalid(
        `party ${party.countryCode}*${party.partyId} is already registered by another platform; it must unregister first`,
      );
    }
  }
}

/** A registered partner as its credentials and its version details describe it. */
export function registeredWrite(version: string, theirs: PartnerCredentials, found: Discovery): PartnerWrite {
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
 * token B, then store it and answer with a fresh token C. Token A is consumed in the
 * same transaction that stores the partner, so a failure anywhere leaves nothing behind
 * and token A still usable.
 */
export async function acceptRegistration(
  node: OcpiNode,
  version: OcpiVersion,
  registrationTokenHash: string,
  body: unknown,
): Promise<OwnCredentials> {
  const theirs = parseCredentials(body, counterpartRole(node));
  await assertPartiesFree(node, theirs.parties);
  const found = await discoverPartner(node, theirs.url, theirs.token, version);
  const tokenC = generateToken();
  await node.store.db.transaction().execute(async (trx) => {
    if (!(await node.registry.consumeRegistrationToken(trx, registrationTokenHash))) {
      throw OcpiError.unauthorized('this registration token has already been used');
    }
    await node.registry.insert(trx, registeredWrite(version, theirs, found), tokenC);
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
  node: OcpiNode,
  version: OcpiVersion,
  partner: Partner,
  body: unknown,
): Promise<OwnCredentials> {
  const theirs = parseCredentials(body, partner.parties[0]?.role ?? counterpartRole(node));
  await assertPartiesFree(node, theirs.parties, partner.id);
  const found = await discoverPartner(node, theirs.url, theirs.token, version);
  const tokenC = generateToken();
  await node.store.db.transaction().execute(async (trx) => {
    await node.registry.update(trx, partner.id, registeredWrite(version, theirs, found), tokenC);
  });
  node.registry.invalidate(partner.id);
  node.log.info({ partner: partner.id, version }, 'partner updated its credentials');
  return ownCredentials(node, version, tokenC);
}
