import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { at, bookingLocation, bookingRequest } from '../support/bookings.ts';
import { call, startNode } from '../support/nodes.ts';
import { CPO_PARTY, EMSP_PARTY, tokenOf } from '../support/pair.ts';
import { POSTGRES_ENV, postgresStore } from '../support/stores.ts';

/*
 * No double booking between two instances of one CPO on one PostgreSQL schema: requests
 * for the same slot, sent at once to both instances, give exactly one booking per slot.
 */
describe.skipIf(process.env[POSTGRES_ENV] === '0')('bookings on two instances sharing PostgreSQL', () => {
  const closers: Array<() => Promise<unknown>> = [];
  let urls: string[];
  let token: string;

  beforeAll(async () => {
    const store = postgresStore();
    const a = await startNode({ versions: ['2.3.0'], parties: [CPO_PARTY], store });
    closers.push(() => a.close());
    const b = await startNode({ versions: ['2.3.0'], parties: [CPO_PARTY], store });
    closers.push(() => b.close());
    const emsp = await startNode({ versions: ['2.3.0'], parties: [EMSP_PARTY] });
    closers.push(() => emsp.close());
    const partner = await emsp.ocpi.registerWith(
      a.ocpi.versionsUrl(),
      await a.ocpi.createRegistrationToken(),
    );
    token = await tokenOf(emsp, partner.id);
    await a.ocpi.bookings.locations.put(bookingLocation());
    urls = [a, b].map((n) => `${n.ocpi.versionsUrl().replace(/versions$/, '')}2.3.0/sender/bookings`);
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  it('books each slot once, whichever instance each request reaches', async () => {
    const slots = ['08:00', '09:00', '10:00', '11:00', '12:00', '13:00'];
    const hour = (from: string) => `${String(Number(from.slice(0, 2)) + 1).padStart(2, '0')}:00`;
    const replies = await Promise.all(
      slots.flatMap((from) =>
        [0, 1, 2, 3].map((i) =>
          call(urls[i % 2] ?? '', {
            method: 'POST',
            token,
            body: bookingRequest(`RACE-${from}-${i}`, from, hour(from)),
          }),
        ),
      ),
    );
    const accepted = replies.filter((r) => r.body.status_code === 1000);
    expect(accepted).toHaveLength(slots.length);
    expect(replies.every((r) => r.status === 200 && [1000, 2000].includes(Number(r.body.status_code)))).toBe(
      true,
    );
    const starts = accepted.map(
      (r) => (r.body.data as { period: { start_date_time: string } }).period.start_date_time,
    );
    expect(starts.sort()).toEqual(slots.map(at));
  });
});
