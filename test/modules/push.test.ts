import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, MATRIX, type Pair, startPair } from '../support/pair.ts';
import { exampleJson } from '../support/spec-fixtures.ts';

const example = (file: string) => exampleJson('2.3.0', file) as Record<string, unknown>;

function ownedBy(
  object: Record<string, unknown>,
  countryCode: string,
  partyId: string,
): Record<string, unknown> {
  return { ...object, country_code: countryCode, party_id: partyId };
}

describe.each(MATRIX)('push to partners over OCPI %s on %s', (version, _store, storeOptions) => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair(version, {}, storeOptions);
  });
  afterAll(() => pair.close());

  it('a Location published by the CPO arrives at the eMSP, and so do EVSE status changes', async () => {
    const location = ownedBy(example('location_example.json'), 'NL', 'CPO');
    await pair.cpo.ocpi.locations.put(location);
    const ref = { countryCode: 'NL', partyId: 'CPO', id: String(location.id) };
    const received = await eventually(() => pair.emsp.ocpi.locations.received(pair.cpoAtEmsp, ref));
    expect(received.id).toBe(location.id);
    expect((received.evses as unknown[]).length).toBe((location.evses as unknown[]).length);

    const evse = (location.evses as Array<{ uid: string }>)[0] as { uid: string };
    await pair.cpo.ocpi.locations.patch(ref, [evse.uid], {
      status: 'CHARGING',
      last_updated: '2030-01-01T00:00:00Z',
    });
    const updated = await eventually(async () => {
      const l = await pair.emsp.ocpi.locations.received(pair.cpoAtEmsp, ref);
      const e = (l?.evses as Array<{ uid: string; status: string }> | undefined)?.find(
        (x) => x.uid === evse.uid,
      );
      return e?.status === 'CHARGING' ? l : undefined;
    });
    // The receiver bumps the Location's last_updated with its EVSE's.
    expect(updated.last_updated).toBe('2030-01-01T00:00:00Z');
  });

  it('an unpublished Location reaches 2.2+ partners (who must hide it) but never a 2.1.1 partner', async () => {
    const hidden = {
      ...ownedBy(example('location_example.json'), 'NL', 'CPO'),
      id: 'HIDDEN',
      publish: false,
    };
    await pair.cpo.ocpi.locations.put(hidden);
    const marker = { ...ownedBy(example('location_example.json'), 'NL', 'CPO'), id: 'MARKER' };
    await pair.cpo.ocpi.locations.put(marker);
    const ref = (id: string) => ({ countryCode: 'NL', partyId: 'CPO', id });
    // Pushes are ordered per object only; waiting for the later one and an empty outbox is enough.
    await eventually(() => pair.emsp.ocpi.locations.received(pair.cpoAtEmsp, ref('MARKER')));
    await eventually(async () => ((await pair.cpo.ocpi.delivery.pending()) === 0 ? true : undefined));
    const got = await pair.emsp.ocpi.locations.received(pair.cpoAtEmsp, ref('HIDDEN'));
    if (version === '2.1.1') expect(got).toBeUndefined();
    else expect(got?.publish).toBe(false);
    const pulled = await pair.emsp.ocpi.sync(pair.cpoAtEmsp, 'locations');
    const listed = await pair.cpo.ocpi.locations.list();
    expect(pulled.received).toBe(version === '2.1.1' ? listed.total - 1 : listed.total);
  });

  it('a Token published by the eMSP arrives at the CPO', async () => {
    const token = ownedBy(example('token_example_1_app_user.json'), 'DE', 'MSP');
    await pair.emsp.ocpi.tokens.put(token);
    const ref = {
      countryCode: 'DE',
      partyId: 'MSP',
      id: String(token.uid),
      ...(version === '2.1.1' ? {} : { subtype: String(token.type) }),
    };
    const received = await eventually(() => pair.cpo.ocpi.tokens.received(pair.emspAtCpo, ref));
    expect(received.uid).toBe(token.uid);
  });

  it('a Tariff is pushed, then its deletion', async () => {
    const tariff = ownedBy(example('tariff_1_simple_2hour.json'), 'NL', 'CPO');
    await pair.cpo.ocpi.tariffs.put(tariff);
    const ref = { countryCode: 'NL', partyId: 'CPO', id: String(tariff.id) };
    await eventually(() => pair.emsp.ocpi.tariffs.received(pair.cpoAtEmsp, ref));
    await pair.cpo.ocpi.tariffs.delete(ref);
    await eventually(async () =>
      (await pair.emsp.ocpi.tariffs.received(pair.cpoAtEmsp, ref)) === undefined ? true : undefined,
    );
    expect(await pair.cpo.ocpi.delivery.pending()).toBe(0);
  });
});
