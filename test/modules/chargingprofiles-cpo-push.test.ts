import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActiveChargingProfile } from '../../src/model/v230/chargingprofiles.ts';
import { call, startNode } from '../support/nodes.ts';
import { tokenOf } from '../support/pair.ts';
import {
  PROFILE,
  PROFILE_CASES,
  type ProfilePair,
  simulatedChargers,
  startProfilePair,
} from '../support/profile-pair.ts';
import { waitFor } from '../support/wait-for.ts';

/** An outbox message of the CPO, as it went (or tried to go) out. */
interface Sent {
  id: string;
  partnerId: string;
  url: string;
  method: string;
  body?: unknown;
  headers?: Record<string, string>;
}

const localLimit = (watts: number, at: number): ActiveChargingProfile => ({
  start_date_time: new Date(at).toISOString(),
  charging_profile: { charging_rate_unit: 'W', charging_profile_period: [{ start_period: 0, limit: watts }] },
});

/*
 * The CPO keeps the partners that set a profile on a session up to date with its
 * ActiveChargingProfile, and nobody else. The pushes are watched at the CPO's outbox: each
 * message once, whether the eMSP took it or not.
 */
describe.each(PROFILE_CASES)('ActiveChargingProfile pushes over OCPI %s on %s', (version, _store, store) => {
  const { clock, sim, gateway } = simulatedChargers();
  let pair: ProfilePair;
  /** A second eMSP, registered with the CPO, that never sets a profile. */
  let other: FastifyInstance;
  let otherAtCpo: string;
  const pushes = new Map<string, Sent>();

  beforeAll(async () => {
    pair = await startProfilePair(version, store, clock, gateway, {}, ['OK']);
    other = await startNode({
      parties: [{ countryCode: 'FR', partyId: 'MSB', role: 'EMSP', businessDetails: { name: 'Other' } }],
      clock,
      store: store(),
    });
    await other.ocpi.registerWith(pair.cpo.ocpi.versionsUrl(), await pair.cpo.ocpi.createRegistrationToken());
    const partners = await pair.cpo.ocpi.partners();
    otherAtCpo = partners.find((p) => p.id !== pair.emspAtCpo)?.id ?? '';
    const record = (e: Sent & { kind: string }) => {
      if (e.kind === 'active-profile') pushes.set(e.id, e);
    };
    pair.cpo.ocpi.delivery.on('delivered', (e) => record(e.entry));
    pair.cpo.ocpi.delivery.on('failed', (e) => record(e.entry));
    pair.cpo.ocpi.delivery.on('dead-lettered', (e) => record(e.deadLetter));
  }, 60_000);
  afterAll(async () => {
    sim.close();
    await Promise.all([pair?.close(), other?.close()]);
  });

  const bodies = (partnerId: string) =>
    [...pushes.values()].filter((p) => p.partnerId === partnerId).map((p) => p.body);

  it('reaches only the partner that set a profile, in order, at its Sender endpoint', async () => {
    const session = await pair.startCharging('OK');
    // A GET makes nobody a setter: a change now is pushed to no one.
    const get = pair.catcher.url('get');
    await pair.ask(() => pair.get(session, `duration=900&response_url=${encodeURIComponent(get)}`));
    await waitFor(() => pair.catcher.at(get).length > 0);
    gateway.report?.activeProfileChanged(session, localLimit(3000, clock.now()));

    // The other eMSP may not set one on this session.
    const otherToken = await tokenOf(other, (await other.ocpi.partners())[0]?.id ?? '');
    const refused = await call(
      `${pair.cpo.ocpi.versionsUrl().replace(/versions$/, version)}/receiver/chargingprofiles/${session}`,
      {
        method: 'PUT',
        token: otherToken,
        body: { charging_profile: PROFILE, response_url: pair.catcher.url() },
      },
    );
    expect(refused.body.data).toMatchObject({ result: 'REJECTED' });

    // The eMSP of the session sets one: its result, then the active profile it brought.
    const set = pair.catcher.url('set');
    await pair.ask(() => pair.put(session, { charging_profile: PROFILE, response_url: set }));
    await waitFor(() => pair.catcher.at(set).length > 0);
    expect(pair.catcher.at(set)[0]?.body).toEqual({ result: 'ACCEPTED' });
    await waitFor(() => bodies(pair.emspAtCpo).length === 1, { what: 'the push after SET' });
    const [afterSet] = [...pushes.values()];
    const sender = (await pair.cpo.ocpi.partner(pair.emspAtCpo))?.endpoints.find(
      (e) => e.identifier === 'chargingprofiles' && e.role === 'SENDER',
    );
    expect(afterSet).toMatchObject({ method: 'PUT', url: `${sender?.url}/${session}` });
    expect(afterSet?.headers).toMatchObject({ 'OCPI-to-country-code': 'DE', 'OCPI-to-party-id': 'MSP' });
    // What the charger plans for the next 15 minutes: the first period of the profile set.
    expect(afterSet?.body).toMatchObject({
      charging_profile: { duration: 900, charging_profile_period: [{ start_period: 0, limit: 6000 }] },
    });

    // The charger changes it on its own, twice: the setter hears both, in order.
    gateway.report?.activeProfileChanged(session, localLimit(4000, clock.now()));
    gateway.report?.activeProfileChanged(session, localLimit(5000, clock.now()));
    await waitFor(() => bodies(pair.emspAtCpo).length === 3, { what: 'two more pushes' });
    const limits = bodies(pair.emspAtCpo).map(
      (b) => (b as ActiveChargingProfile).charging_profile.charging_profile_period?.[0]?.limit,
    );
    expect(limits).toEqual([6000, 4000, 5000]);

    // A CLEAR the charger accepted: the setter hears the EVSE maximum.
    const clear = pair.catcher.url('clear');
    await pair.ask(() => pair.del(session, `response_url=${encodeURIComponent(clear)}`));
    await waitFor(() => bodies(pair.emspAtCpo).length === 4, { what: 'the push after CLEAR' });
    expect(bodies(pair.emspAtCpo)[3]).toMatchObject({
      charging_profile: { charging_profile_period: [{ start_period: 0, limit: 22000 }] },
    });
    expect(bodies(otherAtCpo)).toEqual([]);
    expect([...pushes.values()].every((p) => p.partnerId === pair.emspAtCpo)).toBe(true);
  });

  it('a session that is over gets no pushes, and its setters are forgotten', async () => {
    const session = await pair.startCharging('OK');
    const set = pair.catcher.url('set');
    const before = pushes.size;
    await pair.ask(() => pair.put(session, { charging_profile: PROFILE, response_url: set }));
    await waitFor(() => pair.catcher.at(set).length > 0 && pushes.size === before + 1);
    const subscribers = () =>
      pair.cpo.ocpi.store.db
        .selectFrom('ocpi_profile_subscribers')
        .select('partner_id')
        .where('session_id', '=', session)
        .execute();
    expect(await subscribers()).toEqual([{ partner_id: pair.emspAtCpo }]);
    await pair.cpo.ocpi.sessions.patch({ countryCode: 'NL', partyId: 'CPO', id: session }, [], {
      status: 'COMPLETED',
      last_updated: new Date(clock.now()).toISOString(),
    });
    const count = pushes.size;
    gateway.report?.activeProfileChanged(session, localLimit(1000, clock.now()));
    await waitFor(async () => (await subscribers()).length === 0, { what: 'the setters forgotten' });
    expect(pushes.size).toBe(count);
  });
});
