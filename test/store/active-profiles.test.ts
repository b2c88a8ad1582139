import { describe, expect, it } from 'vitest';
import type { ActiveChargingProfile } from '../../src/model/v230/chargingprofiles.ts';
import { PartnerRegistry } from '../../src/partners/registry.ts';
import { ActiveProfileRepository } from '../../src/store/active-profile-repository.ts';
import { openStore } from '../../src/store/store.ts';
import { HUB_PARTNER_WRITE } from '../support/hub.ts';
import { STORES } from '../support/stores.ts';

const HUB = HUB_PARTNER_WRITE;

const limited = (limit: number): ActiveChargingProfile => ({
  start_date_time: '2026-12-01T10:00:00Z',
  charging_profile: { charging_rate_unit: 'W', charging_profile_period: [{ start_period: 0, limit }] },
});

describe.each(STORES)('pushed active profiles on %s', (_name, options) => {
  it('keeps the sessions of two CPOs behind one hub apart, though their ids are the same', async () => {
    const store = await openStore(options());
    try {
      const registry = new PartnerRegistry(store);
      const hubId = await store.db.transaction().execute((trx) => registry.insert(trx, HUB, 'inbound'));
      const actives = new ActiveProfileRepository(store.db);
      const at = new Date('2026-12-01T10:00:00Z');
      const one = { partnerId: hubId, party: 'NL*CP1' };
      const two = { partnerId: hubId, party: 'NL*CP2' };
      await actives.put(one, 'S1', limited(3700), at);
      await actives.put(two, 'S1', limited(11000), at);
      await actives.put(one, 'S1', limited(7400), at);
      expect((await actives.get(one, 'S1'))?.charging_profile.charging_profile_period?.[0]?.limit).toBe(7400);
      expect((await actives.get(two, 'S1'))?.charging_profile.charging_profile_period?.[0]?.limit).toBe(
        11000,
      );
      expect(await actives.get({ partnerId: hubId, party: 'NL*CP3' }, 'S1')).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
