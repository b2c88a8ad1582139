import type { Clock } from '../clock.ts';
import type { PartnerRegistry } from '../partners/registry.ts';
import type { TokenEncoding } from '../transport/token.ts';

/** What a delivery to a partner authenticates with. */
export interface PartnerAuth {
  token: string;
  encoding: TokenEncoding;
  fetchedAt: number;
}

/** Partners' outbound tokens and token encodings, reused for `ttlMs` between deliveries. */
export class PartnerAuthCache {
  private readonly partners = new Map<string, PartnerAuth>();

  constructor(
    private readonly registry: PartnerRegistry,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  /** Undefined for a partner that is no longer registered. */
  async get(partnerId: string): Promise<PartnerAuth | undefined> {
    const now = this.clock.now();
    const cached = this.partners.get(partnerId);
    if (cached && now - cached.fetchedAt < this.ttlMs) return cached;
    const [partner, token] = await Promise.all([
      this.registry.get(partnerId),
      this.registry.outboundToken(partnerId),
    ]);
    if (!partner || token === undefined) {
      this.partners.delete(partnerId);
      return undefined;
    }
    const auth = { token, encoding: partner.tokenEncoding, fetchedAt: now };
    this.partners.set(partnerId, auth);
    return auth;
  }

  /** Asks the registry again next time (e.g. after a 401: perhaps our token just rotated). */
  forget(partnerId: string): void {
    this.partners.delete(partnerId);
  }
}
