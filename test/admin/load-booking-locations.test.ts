import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookingLocation } from '../support/bookings.ts';
import { ocpi } from '../support/cli.ts';
import { call } from '../support/nodes.ts';
import { eventually, type Pair, startPair } from '../support/pair.ts';

const ADMIN = 'load-bookings-admin-secret';

/** `ocpi load booking-locations`: the CPO's BookingLocations, published to its eMSP partners. */
describe('loading BookingLocations', () => {
  let pair: Pair;
  let adminUrl: string;
  beforeAll(async () => {
    pair = await startPair('2.3.0', { cpo: { adminToken: ADMIN } });
    adminUrl = String(pair.cpo.ocpi.adminUrl()).replace(/\/admin$/, '');
  });
  afterAll(() => pair.close());

  it('loads them from a file with the CLI and pushes them to the eMSP', async () => {
    const file = join(tmpdir(), `ocpi-booking-locations-${process.pid}.json`);
    await writeFile(file, JSON.stringify([bookingLocation('BL1'), bookingLocation('BL2')]));
    const printed = await ocpi('load', '--node', adminUrl, '--admin-token', ADMIN, 'booking-locations', file);
    expect(printed).toMatch(/loaded 2 booking-locations/);
    const ref = { countryCode: 'NL', partyId: 'CPO', id: 'BL2' };
    const received = await eventually(() => pair.emsp.ocpi.bookings.locations.received(pair.cpoAtEmsp, ref));
    expect(received.location_id).toBe('LOC1');
    expect((await pair.cpo.ocpi.bookings.locations.list()).total).toBe(2);
  });

  it('refuses a version without BookingLocations, and a broken one, loading nothing', async () => {
    const headers = { authorization: `Bearer ${ADMIN}` };
    const url = `${adminUrl}/admin/objects/booking-locations`;
    const old = await call(`${url}?version=2.2.1`, {
      method: 'PUT',
      headers,
      body: [bookingLocation('BL3')],
    });
    expect([old.status, old.body.status_code]).toEqual([200, 2001]);
    const { calendars: _c, ...rest } = bookingLocation('BL4');
    const broken = await call(url, {
      method: 'PUT',
      headers,
      body: [bookingLocation('BL5'), { ...rest, calendars: [{ id: 'X' }] }],
    });
    expect(broken.body.status_code).toBe(2001);
    expect(String(broken.body.status_message)).toMatch(/object 1/);
    expect((await pair.cpo.ocpi.bookings.locations.list()).total).toBe(2);
  });
});
