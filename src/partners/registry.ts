import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { type Clock, systemClock } from '../clock.ts';
import { isJsonObject } from '../model/json.ts';
import type { OcpiVersion } from '../model/versions.ts';
import type { Database, PartnerEndpointRow, PartnerRoleRow } from '../store/schema.ts';
import type { Store } from '../store/store.ts';
import { OcpiError } from '../transport/errors.ts';
import { generateToken, hashToken, type TokenEncoding, tokenCandidates } from '../transport/token.ts';
import type { Caller, Partner, PartnerEndpoint, PartnerParty } from './types.ts';

/** Whether a country_code/party_id (compared case-insensitively) is one the partner registered. */
export function isPartnerParty(partner: Partner, countryCode: string, partyId: string): boolean {
  const cc = countryCode.toUpperCase();
  const pid = partyId.toUpperCase();
  return partner.parties.some((p) => p.countryCode.toUpperCase() === cc && p.partyId.toUpperCase() === pid);
}

interface CacheEntry {
  /** Undefined for a header that matched no token. */
  auth: Authenticated | undefined;
  /** Hashes of the candidate tokens in the header, to drop the entry when one of them changes. */
  hashes: string[];
  checkedAt: number;
}

/** A caller established from an Authorization header, and the token it used. */
export interface Authenticated {
  caller: Caller;
  token: string;
}

export interface PartnerRegistryOptions {
  /** How long a token lookup is trusted before the database is asked again (default 30 s). */
  tokenCacheTtlMs?: number;
  /** Most unknown tokens remembered, so that token guessing cannot flood the database. */
  negativeCacheSize?: number;
  /** Cache ages and stale handshakes are measured with it (default the system clock). */
  clock?: Clock;
}

export interface RegistrationTokenOptions {
  /** Drop the unused registration tokens of the same label first: one live token per label. */
  replace?: boolean;
}

/** A registration token asked for: live, spent by a registration, or taken as a partner's token. */
export type RegistrationTokenState = 'live' | 'spent' | 'taken';

/** What is written when a partner is created or its credentials change. */
export interface PartnerWrite {
  status: 'pending' | 'registered';
  version: OcpiVersion;
  versionsUrl: string;
  outboundToken: string;
  tokenEncoding: TokenEncoding;
  parties: PartnerParty[];
  endpoints: PartnerEndpoint[];
  hubPartyId?: string;
}

const TOKENS_TOPIC = 'tokens';
/** How long the partner list of listCached() is kept without an invalidation. */
const LIST_CACHE_MS = 1000;

/**
 * The partners we speak with and the tokens they use to call us. Token lookups are
 * answered from memory; the database is asked at most once per token per TTL, and at
 * once after a local rotation or unregistration.
 */
export class PartnerRegistry {
  private readonly cache = new Map<string, CacheEntry>();
  /** The partner list as last read, for the publishers (see listCached). */
  private listed: { partners: Promise<Partner[]>; at: number } | undefined;
  /** Bumped by every invalidation: a list read that began before one is not kept. */
  private generation = 0;
  private negatives = 0;
  private readonly ttl: number;
  private readonly negativeCacheSize: number;
  private readonly clock: Clock;

  constructor(
    private readonly store: Store,
    options: PartnerRegistryOptions = {},
  ) {
    this.ttl = options.tokenCacheTtlMs ?? 30_000;
    this.negativeCacheSize = options.negativeCacheSize ?? 10_000;
    this.clock = options.clock ?? systemClock;
    store.invalidations.subscribe(TOKENS_TOPIC, (payload) => {
      const message: unknown = payload === undefined ? undefined : JSON.parse(payload);
      // A message of another shape (another version of this toolkit) drops every cached lookup.
      if (!isJsonObject(message) || !Array.isArray(message.hashes)) return this.cache.clear();
      const hashes = message.hashes.filter((h): h is string => typeof h === 'string');
      this.forget(typeof message.partnerId === 'string' ? message.partnerId : undefined, hashes);
    });
  }

  get db(): Kysely<Database> {
    return this.store.db;
  }

  /**
   * Finds who sent an Authorization header (token raw or base64). Answered from memory
   * for the header string itself, so a known caller costs neither a database round trip
   * nor hashing.
   */
  async authenticate(header: string | undefined): Promise<Authenticated | undefined> {
    if (!header) return undefined;
    const cached = this.cache.get(header);
    if (cached && this.clock.now() - cached.checkedAt < this.ttl) return cached.auth;
    const candidates = tokenCandidates(header);
    const hashed = candidates.map((token) => ({ token, hash: hashToken(token) }));
    const hashes = hashed.map((c) => c.hash);
    let auth: Authenticated | undefined;
    for (const { token, hash } of hashed) {
      const caller = await this.lookup(hash);
      if (caller) {
        auth = { caller, token };
        break;
      }
    }
    if (candidates.length > 0) this.remember(header, auth, hashes);
    return auth;
  }

  private remember(header: string, auth: Authenticated | undefined, hashes: string[]): void {
    if (!auth) {
      if (this.negatives >= this.negativeCacheSize) this.dropNegatives();
      this.negatives++;
    }
    this.cache.set(header, { auth, hashes, checkedAt: this.clock.now() });
  }

  private dropNegatives(): void {
    for (const [header, entry] of this.cache) if (!entry.auth) this.cache.delete(header);
    this.negatives = 0;
  }

  private async lookup(hash: string): Promise<Caller | undefined> {
    const row = await this.db
      .selectFrom('ocpi_inbound_tokens')
      .select(['kind', 'partner_id'])
      .where('token_hash', '=', hash)
      .executeTakeFirst();
    if (!row || row.kind === 'spent') return undefined;
    if (row.kind === 'registration' || row.partner_id === null)
      return { kind: 'registration', tokenHash: hash };
    const partner = await this.get(row.partner_id);
    if (!partner) return undefined;
    return { kind: row.kind === 'pending' ? 'pending' : 'partner', tokenHash: hash, partner };
  }

  /**
   * Forgets every cached lookup that involves this partner or these token hashes, here at once
   * and on the other instances of the database as soon as they hear of it. Should that message
   * be lost, they still ask the database again after the TTL.
   */
  invalidate(partnerId?: string, hashes: string[] = []): void {
    this.forget(partnerId, hashes);
    this.store.invalidations.publish(TOKENS_TOPIC, JSON.stringify({ partnerId, hashes })).catch(() => {});
  }

  private forget(partnerId: string | undefined, hashes: string[]): void {
    this.generation++;
    this.listed = undefined;
    for (const [header, entry] of this.cache) {
      const caller = entry.auth?.caller;
      const samePartner =
        partnerId !== undefined &&
        caller !== undefined &&
        caller.kind !== 'registration' &&
        caller.partner.id === partnerId;
      if (samePartner || entry.hashes.some((h) => hashes.includes(h))) this.cache.delete(header);
    }
  }

  /**
   * Creates a registration token (CREDENTIALS_TOKEN_A); pass one to adopt a known value.
   * A token A registers one partner only: one used already (or in use as a partner's
   * token) is refused with OCPI 2001. See addRegistrationToken().
   */
  async createRegistrationToken(
    token: string = generateToken(),
    label?: string,
    options: RegistrationTokenOptions = {},
  ): Promise<string> {
    const state = await this.addRegistrationToken(token, label, options);
    if (state === 'spent')
      throw OcpiError.invalid('this token A was used already; a token A registers one partner only');
    if (state === 'taken') throw OcpiError.invalid('this token is in use already; choose another');
    return token;
  }

  /**
   * Adds a registration token unless it exists: one that registered a partner stays
   * spent for good, so configuring it again (at every start, say) does not revive it.
   * With `replace`, the unused registration tokens of the same label go first, in the
   * same transaction, whatever becomes of this one: one live token per label.
   */
  async addRegistrationToken(
    token: string,
    label: string | undefined,
    options: RegistrationTokenOptions = {},
  ): Promise<RegistrationTokenState> {
    const hash = hashToken(token);
    const { dropped, kind } = await this.db.transaction().execute(async (trx) => {
      const dropped = options.replace
        ? await trx
            .deleteFrom('ocpi_inbound_tokens')
            .where('kind', '=', 'registration')
            .where((eb) => (label === undefined ? eb('label', 'is', null) : eb('label', '=', label)))
            .where('token_hash', '<>', hash)
            .returning('token_hash')
            .execute()
        : [];
      await trx
        .insertInto('ocpi_inbound_tokens')
        .values({ token_hash: hash, kind: 'registration', partner_id: null, label: label ?? null })
        .onConflict((oc) => oc.column('token_hash').doNothing())
        .execute();
      const row = await trx
        .selectFrom('ocpi_inbound_tokens')
        .select('kind')
        .where('token_hash', '=', hash)
        .executeTakeFirstOrThrow();
      return { dropped: dropped.map((r) => r.token_hash), kind: row.kind };
    });
    this.invalidate(undefined, [hash, ...dropped]);
    return kind === 'registration' ? 'live' : kind === 'spent' ? 'spent' : 'taken';
  }

  /**
   * list(), read again at most once per LIST_CACHE_MS, and at once after a registration
   * change here or on another instance (every partner write is followed by invalidate()):
   * for the publishers, which look up the recipients of every change.
   */
  listCached(): Promise<Partner[]> {
    const now = this.clock.now();
    if (this.listed && now - this.listed.at < LIST_CACHE_MS) return this.listed.partners;
    const generation = this.generation;
    const partners = this.list();
    const entry = { partners, at: now };
    this.listed = entry;
    partners.then(
      () => {
        // Invalidated while it was read: it may be from before the change.
        if (generation !== this.generation && this.listed === entry) this.listed = undefined;
      },
      () => {
        if (this.listed === entry) this.listed = undefined;
      },
    );
    return partners;
  }

  async list(): Promise<Partner[]> {
    const rows = await this.db.selectFrom('ocpi_partners').selectAll().orderBy('created_at').execute();
    return rows.map(toPartner);
  }

  /** A partner as listCached() has it: for hot paths, which then read no row of their own. */
  async getCached(id: string): Promise<Partner | undefined> {
    return (await this.listCached()).find((partner) => partner.id === id);
  }

  async get(id: string, db: Kysely<Database> = this.db): Promise<Partner | undefined> {
    const row = await db.selectFrom('ocpi_partners').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toPartner(row) : undefined;
  }

  /** A registered partner and the token we send it; OCPI 2000 (HTTP 404) when there is none. */
  async registered(id: string): Promise<{ partner: Partner; token: string }> {
    const partner = await this.get(id);
    const token = partner && (await this.outboundToken(id));
    if (!partner || !token || partner.status !== 'registered') {
      throw new OcpiError('OCPI_ERR_UNKNOWN_PARTNER', `no registered partner ${id}`);
    }
    return { partner, token };
  }

  /** The token we send to this partner. */
  async outboundToken(id: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('ocpi_partners')
      .select('outbound_token')
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.outbound_token;
  }

  /** The registered partner that claimed this country code and party id (case-insensitive). */
  async findByParty(countryCode: string, partyId: string): Promise<Partner | undefined> {
    const row = await this.db
      .selectFrom('ocpi_partner_parties')
      .innerJoin('ocpi_partners', 'ocpi_partners.id', 'ocpi_partner_parties.partner_id')
      .selectAll('ocpi_partners')
      .where('ocpi_partner_parties.country_code', '=', countryCode.toUpperCase())
      .where('ocpi_partner_parties.party_id', '=', partyId.toUpperCase())
      .executeTakeFirst();
    return row ? toPartner(row) : undefined;
  }

  /**
   * Makes `parties` the ones this partner speaks for, in the transaction that stores it: a
   * party is one platform's only, so one that another partner holds is refused (OCPI 2001)
   * and the transaction must roll back. Concurrent claims of one party wait for each other
   * on the unique key: exactly one of them gets it.
   */
  async claimParties(trx: Transaction<Database>, partnerId: string, parties: PartnerParty[]): Promise<void> {
    await trx.deleteFrom('ocpi_partner_parties').where('partner_id', '=', partnerId).execute();
    // Sorted: two transactions claiming overlapping parties lock them in one order (no deadlock).
    const keys = [
      ...new Set(parties.map((p) => `${p.countryCode.toUpperCase()}*${p.partyId.toUpperCase()}`)),
    ].sort();
    if (keys.length === 0) return;
    const rows = keys.map((key) => {
      const [country_code = '', party_id = ''] = key.split('*');
      return { country_code, party_id, partner_id: partnerId };
    });
    const claimed = await trx
      .insertInto('ocpi_partner_parties')
      .values(rows)
      .onConflict((oc) => oc.columns(['country_code', 'party_id']).doNothing())
      .returning(['country_code', 'party_id'])
      .execute();
    const got = new Set(claimed.map((r) => `${r.country_code}*${r.party_id}`));
    const taken = keys.filter((key) => !got.has(key));
    if (taken.length > 0) throw partiesTaken(taken);
  }

  /** Inserts a partner with the token it will use to call us. */
  async insert(trx: Transaction<Database>, write: PartnerWrite, inboundToken: string): Promise<string> {
    const id = randomUUID();
    await trx
      .insertInto('ocpi_partners')
      .values({ id, ...toRow(write) })
      .execute();
    await trx
      .insertInto('ocpi_inbound_tokens')
      .values({
        token_hash: hashToken(inboundToken),
        kind: write.status === 'pending' ? 'pending' : 'partner',
        partner_id: id,
        label: null,
      })
      .execute();
    return id;
  }

  /** Replaces a partner's data; with `inboundToken`, it becomes the only token the partner may use. */
  async update(
    trx: Transaction<Database>,
    id: string,
    write: PartnerWrite,
    inboundToken?: string,
  ): Promise<void> {
    await trx
      .updateTable('ocpi_partners')
      .set({ ...toRow(write), updated_at: new Date(this.clock.now()) })
      .where('id', '=', id)
      .execute();
    if (inboundToken !== undefined) {
      const hash = hashToken(inboundToken);
      await trx
        .deleteFrom('ocpi_inbound_tokens')
        .where('partner_id', '=', id)
        .where('token_hash', '<>', hash)
        .execute();
      await trx
        .insertInto('ocpi_inbound_tokens')
        .values({ token_hash: hash, kind: 'partner', partner_id: id, label: null })
        .onConflict((oc) => oc.column('token_hash').doUpdateSet({ kind: 'partner', partner_id: id }))
        .execute();
    }
  }

  /** Adds a second, pending token for a partner (used while we rotate our token). */
  async addPendingToken(id: string, token: string): Promise<void> {
    await this.db
      .insertInto('ocpi_inbound_tokens')
      .values({ token_hash: hashToken(token), kind: 'pending', partner_id: id, label: null })
      .execute();
  }

  async removeToken(token: string): Promise<void> {
    const hash = hashToken(token);
    await this.db.deleteFrom('ocpi_inbound_tokens').where('token_hash', '=', hash).execute();
    this.invalidate(undefined, [hash]);
  }

  async remove(id: string, db: Kysely<Database> = this.db): Promise<boolean> {
    const result = await db.deleteFrom('ocpi_partners').where('id', '=', id).executeTakeFirst();
    this.invalidate(id);
    return result.numDeletedRows > 0n;
  }

  /**
   * Spends a registration token: it stays as a 'spent' row, never accepted nor created
   * again. False if it was spent already (a concurrent registration won).
   */
  async consumeRegistrationToken(trx: Transaction<Database>, tokenHash: string): Promise<boolean> {
    const result = await trx
      .updateTable('ocpi_inbound_tokens')
      .set({ kind: 'spent' })
      .where('token_hash', '=', tokenHash)
      .where('kind', '=', 'registration')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Deletes pending partners left behind by a handshake that never finished (e.g. a crash). */
  async dropStalePending(olderThanMs: number): Promise<number> {
    const result = await this.db
      .deleteFrom('ocpi_partners')
      .where('status', '=', 'pending')
      .where('created_at', '<', new Date(this.clock.now() - olderThanMs))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** OCPI 2001: parties another platform holds. */
export function partiesTaken(parties: string[]): OcpiError {
  return OcpiError.invalid(
    `party ${parties.join(', ')} ${parties.length > 1 ? 'are' : 'is'} already registered by another platform; it must unregister first`,
  );
}

function toRow(write: PartnerWrite) {
  const roles: PartnerRoleRow[] = write.parties.map((p) => ({
    role: p.role,
    country_code: p.countryCode,
    party_id: p.partyId,
    business_details: p.businessDetails,
  }));
  const endpoints: PartnerEndpointRow[] = write.endpoints.map((e) => ({
    identifier: e.identifier,
    url: e.url,
    ...(e.role ? { role: e.role } : {}),
  }));
  return {
    status: write.status,
    version: write.version,
    versions_url: write.versionsUrl,
    outbound_token: write.outboundToken,
    token_encoding: write.tokenEncoding,
    roles: JSON.stringify(roles),
    endpoints: JSON.stringify(endpoints),
    hub_party_id: write.hubPartyId ?? null,
  };
}

interface PartnerRow {
  id: string;
  status: string;
  version: OcpiVersion;
  versions_url: string;
  token_encoding: string;
  roles: PartnerRoleRow[];
  endpoints: PartnerEndpointRow[];
  hub_party_id: string | null;
  created_at: Date;
  updated_at: Date;
}

function toPartner(row: PartnerRow): Partner {
  return {
    id: row.id,
    status: row.status === 'pending' ? 'pending' : 'registered',
    version: row.version,
    versionsUrl: row.versions_url,
    tokenEncoding: row.token_encoding === 'raw' ? 'raw' : 'base64',
    parties: row.roles.map((r) => ({
      role: r.role,
      countryCode: r.country_code,
      partyId: r.party_id,
      businessDetails: r.business_details,
    })),
    endpoints: row.endpoints.map((e) => ({
      identifier: e.identifier,
      url: e.url,
      ...(e.role ? { role: e.role } : {}),
    })),
    ...(row.hub_party_id ? { hubPartyId: row.hub_party_id } : {}),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}
