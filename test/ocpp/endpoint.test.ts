import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Location } from '../../src/model/v230/locations.ts';
import type { ChargerSimulator } from '../../src/ocpp/simulator.ts';
import { CHARGER_PASSWORD, simulator, startOcppPair, upgradeStatus } from '../support/ocpp.ts';
import { eventually, type Pair } from '../support/pair.ts';
import { STORES } from '../support/stores.ts';

const LOC1 = { countryCode: 'NL', partyId: 'CPO', id: 'LOC1' };

function statusOf(location: Location | undefined, uid: string): string | undefined {
  return location?.evses?.find((e) => e.uid === uid)?.status;
}

describe.each(STORES)('the OCPP 1.6 endpoint on %s', (_name, store) => {
  let pair: Pair;
  const started: ChargerSimulator[] = [];
  const charger = (options: Parameters<typeof simulator>[1] = {}) => {
    const sim = simulator(pair.cpo, options);
    started.push(sim);
    return sim;
  };
  /** What the eMSP has of LOC1's EVSE `uid` once it says `status`. */
  const emspSees = (uid: string, status: string) =>
    eventually(async () => {
      const l = await pair.emsp.ocpi.locations.received(pair.cpoAtEmsp, LOC1);
      return statusOf(l, uid) === status ? l : undefined;
    });

  beforeAll(async () => {
    pair = await startOcppPair(store);
    await eventually(() => pair.emsp.ocpi.locations.received(pair.cpoAtEmsp, LOC1));
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.stop(true)));
  });
  afterAll(() => pair.close());

  it('refuses at the upgrade, with an HTTP status: wrong password, unknown charger, URL id not the Basic user', async () => {
    const good = { user: 'CP-1', password: CHARGER_PASSWORD };
    expect(await upgradeStatus(pair.cpo, '/ocpp/CP-1', { ...good, password: 'wrong-password-0000' })).toBe(
      401,
    );
    expect(await upgradeStatus(pair.cpo, '/ocpp/CP-9', { user: 'CP-9', password: CHARGER_PASSWORD })).toBe(
      404,
    );
    expect(await upgradeStatus(pair.cpo, '/ocpp/CP-1', { ...good, user: 'CP-2' })).toBe(401);
    expect(await upgradeStatus(pair.cpo, '/ocpp/CP-1')).toBe(401);
    expect(await upgradeStatus(pair.cpo, '/ocpp/CP-1', good, 'ocpp0.9')).toBe(400);
    expect(await upgradeStatus(pair.cpo, '/ocpp/x/CP-1', good)).toBe(404);
    expect(await upgradeStatus(pair.cpo, '/elsewhere/CP-1', good)).toBe(404);
    expect(await upgradeStatus(pair.cpo, '/ocpp/CP-1', good)).toBe(101);
    // The simulator is refused the same way: its connect() rejects.
    await expect(charger({ password: 'wrong-password-0000' }).start()).rejects.toThrow(/Unauthorized/);
    // The node still answers OCPI as before.
    expect((await fetch(pair.cpo.ocpi.versionsUrl())).status).toBe(401);
  });

  it('a booted charger reports status: the EVSE changes and the eMSP receives the PATCH', async () => {
    const sim = charger();
    expect(await sim.start()).toBe('Accepted');
    const boot = await sim.call('BootNotification', { chargePointVendor: 'v', chargePointModel: 'm' });
    expect(boot).toMatchObject({ status: 'Accepted', interval: 60 });
    const [listed] = await pair.cpo.ocpi.chargers.list();
    expect(listed).toMatchObject({ id: 'CP-1', online: true, ocppVersion: '1.6', locationId: 'LOC1' });
    expect(listed?.lastHeartbeat).toBeInstanceOf(Date);

    await sim.status(2, 'Charging');
    await emspSees('E2', 'CHARGING');
    await sim.status(1, 'Faulted');
    await emspSees('E1', 'OUTOFORDER');
    await sim.status(1, 'Preparing');
    await emspSees('E1', 'AVAILABLE');
    await sim.status(2, 'Unavailable');
    await emspSees('E2', 'INOPERATIVE');
    // A connector the Location has no EVSE for is answered and changes nothing.
    await sim.status(3, 'Charging');
    expect(statusOf(await pair.cpo.ocpi.locations.get('LOC1'), 'E2')).toBe('INOPERATIVE');
    const before = (await pair.cpo.ocpi.chargers.get('CP-1'))?.lastHeartbeat?.getTime() ?? 0;
    expect(Date.parse(await sim.heartbeat())).toBeGreaterThan(0);
    const after = (await pair.cpo.ocpi.chargers.get('CP-1'))?.lastHeartbeat?.getTime() ?? 0;
    expect(after).toBeGreaterThanOrEqual(before);
  });

  it('a charger that disconnects makes its EVSEs UNKNOWN, at the CPO and at the eMSP', async () => {
    const sim = charger();
    await sim.start();
    await sim.status(1, 'Charging');
    await emspSees('E1', 'CHARGING');
    await sim.stop(true);
    await emspSees('E1', 'UNKNOWN');
    await emspSees('E2', 'UNKNOWN');
    expect((await pair.cpo.ocpi.chargers.get('CP-1'))?.online).toBe(false);
    // It comes back and reports again.
    const again = charger();
    await again.start();
    await emspSees('E1', 'AVAILABLE');
    expect((await pair.cpo.ocpi.chargers.get('CP-1'))?.online).toBe(true);
  });

  it('a second connection of the same charger replaces the first without making it UNKNOWN', async () => {
    const first = charger();
    await first.start();
    await emspSees('E2', 'AVAILABLE');
    const closed = once(first, 'close');
    const second = charger();
    await second.start();
    await closed;
    await second.status(2, 'Charging');
    await emspSees('E2', 'CHARGING');
    expect(statusOf(await pair.cpo.ocpi.locations.get('LOC1'), 'E1')).toBe('AVAILABLE');
    expect((await pair.cpo.ocpi.chargers.get('CP-1'))?.online).toBe(true);
  });
});
