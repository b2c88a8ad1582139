import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import { type HubClientChange, HubDirectory, hubParty, isHub } from '../../src/partners/hubs.ts';
import { PartnerRegistry } from '../../src/partners/registry.ts';
import type { Partner } from '../../src/partners/types.ts';
import { openStore } from '../../src/store/store.ts';
import { HUB_PARTNER_WRITE } from '../support/hub.ts';
import { STORES } from '../support/stores.ts';

const HUB_WRITE = HUB_PARTNER_WRITE;

describe.each(STORES)('hub directory on %s', (_name, options) => {
  it('keeps one row per party behind a hub, upper case, and announces each report with the status before', async () => {
    const store = await openStore(options());
    try {
      const registry = new PartnerRegistry(store);
      const hubId = await store.db.transaction().execute((trx) => registry.insert(trx, HUB_WRITE, 'inbound'));
      const hubs = new HubDirectory(store, systemClock);
      const seen: HubClientChange[] = [];
      const off = hubs.onChange((c) => seen.push(c));
      const at = new Date('2026-12-01T10:00:00Z');
      const client = { partnerId: hubId, countryCode: 'nl', partyId: 'emx', role: 'EMSP', lastUpdated: at };
      await hubs.report({ ...client, status: 'CONNECTED' });
      await hubs.report({ ...client, status: 'OFFLINE' });
      off();
      await hubs.report({ ...client, status: 'CONNECTED' });
      expect(seen.map((c) => [c.previous, c.client.status])).toEqual([
        [undefined, 'CONNECTED'],
        ['CONNECTED', 'OFFLINE'],
      ]);
      expect(await hubs.get(hubId, 'NL', 'Emx')).toMatchObject({
        countryCode: 'NL',
        partyId: 'EMX',
        status: 'CONNECTED',
      });
      expect(await hubs.list(hubId)).toHaveLength(1);
      expect((await hubs.hubsOf('nl', 'EMX')).map((c) => c.partnerId)).toEqual([hubId]);
      expect(await hubs.hubsOf('NL', 'OTHER')).toEqual([]);
      // Gone with the hub.
      await registry.remove(hubId);
      expect(await hubs.list()).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

describe.each(STORES)('hub directory on %s, two reports at once', (_name, options) => {
  it('gives each the status the other left, never the same previous status twice', async () => {
    const store = await openStore(options());
    try {
      const registry = new PartnerRegistry(store);
      const hubId = await store.db.transaction().execute((trx) => registry.insert(trx, HUB_WRITE, 'inbound'));
      const hubs = new HubDirectory(store, systemClock);
      const client = {
        partnerId: hubId,
        countryCode: 'NL',
        partyId: 'EMX',
        role: 'EMSP',
        lastUpdated: new Date(),
      };
      await hubs.report({ ...client, status: 'CONNECTED' });
      const [a, b] = await Promise.all([
        hubs.report({ ...client, status: 'OFFLINE' }),
        hubs.report({ ...client, status: 'SUSPENDED' }),
      ]);
      const previous = [a.previous, b.previous].sort();
      expect([
        ['CONNECTED', 'OFFLINE'],
        ['CONNECTED', 'SUSPENDED'],
      ]).toContainEqual(previous);
    } finally {
      await store.close();
    }
  });
});

describe('isHub and hubParty', () => {
  const base = { ...HUB_WRITE, id: 'p', createdAt: new Date(), updatedAt: new Date() } satisfies Partner;
  it('knows a 2.2.1 hub by its HUB role and a 2.3.0 hub by hub_party_id', () => {
    expect(isHub(base)).toBe(true);
    expect(hubParty(base)).toEqual({ countryCode: 'DE', partyId: 'HUB' });
    const v230 = { ...base, parties: [{ ...base.parties[0]!, role: 'OTHER' }], hubPartyId: 'FRGIR' };
    expect(isHub(v230)).toBe(true);
    expect(hubParty(v230)).toEqual({ countryCode: 'FR', partyId: 'GIR' });
    const cpo = { ...base, parties: [{ ...base.parties[0]!, role: 'CPO' }] };
    expect(isHub(cpo)).toBe(false);
    expect(hubParty(cpo)).toBeUndefined();
  });
});
