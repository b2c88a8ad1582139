import { EventEmitter } from 'node:events';
import type { Clock } from '../clock.ts';
import { type HubClient, HubClientRepository, type HubClientStatus } from '../store/hub-client-repository.ts';
import type { Store } from '../store/store.ts';
import type { Partner } from './types.ts';

export type { HubClient, HubClientStatus };

/** Whether a partner is a hub: 2.3.0 says so in hub_party_id, 2.2.1 with a HUB role. */
export function isHub(partner: Partner): boolean {
  return partner.hubPartyId !== undefined || partner.parties.some((p) => p.role === 'HUB');
}

/** The hub's own party (its hub_party_id, or its HUB role): where a Broadcast Push is addressed. */
export function hubParty(partner: Partner): { countryCode: string; partyId: string } | undefined {
  if (partner.hubPartyId)
    return { countryCode: partner.hubPartyId.slice(0, 2), partyId: partner.hubPartyId.slice(2) };
  const role = partner.parties.find((p) => p.role === 'HUB');
  return role && { countryCode: role.countryCode, partyId: role.partyId };
}

/** A ClientInfo stored, and the status the party had before (undefined when new). */
export interface HubClientChange {
  client: HubClient;
  previous: HubClientStatus | undefined;
}

/**
 * The parties behind our hub partners, as the hubs report them with HubClientInfo: who
 * is reachable through which hub, and whether it is connected now. Every stored report
 * is announced to `onChange` listeners (delivery resumes for a party that came back).
 */
export class HubDirectory {
  private readonly clients: HubClientRepository;
  private readonly changes = new EventEmitter();

  constructor(
    store: Store,
    private readonly clock: Clock,
  ) {
    this.clients = new HubClientRepository(store.db);
  }

  /** Stores what a hub reported of one party behind it. */
  async report(client: HubClient): Promise<HubClientChange> {
    const stored = {
      ...client,
      countryCode: client.countryCode.toUpperCase(),
      partyId: client.partyId.toUpperCase(),
    };
    const previous = await this.clients.put(stored, new Date(this.clock.now()));
    const change = { client: stored, previous };
    this.changes.emit('change', change);
    return change;
  }

  get(hubId: string, countryCode: string, partyId: string): Promise<HubClient | undefined> {
    return this.clients.get(hubId, countryCode, partyId);
  }

  /** The parties behind one hub, or behind all of them. */
  list(hubId?: string): Promise<HubClient[]> {
    return this.clients.list(hubId);
  }

  /** The hubs that announced a party (usually one). */
  hubsOf(countryCode: string, partyId: string): Promise<HubClient[]> {
    return this.clients.hubsOf(countryCode, partyId);
  }

  onChange(listener: (change: HubClientChange) => void): () => void {
    this.changes.on('change', listener);
    return () => this.changes.off('change', listener);
  }
}
