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
    await pair.cpo.ocpi.locations.put(location, '2.3.0');
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
    await pair.cpo.ocpi.locations.put(hidden, '2.3.0');
    const marker = { ...ownedBy(example('location_example.json'), 'NL', 'CPO'), id: 'MARKER' };
    await pair.cpo.ocpi.locations.put(marker, '2.3.0');
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

  it('a PATCH of an object the partner lost is followed by the PUT of the whole object', async () => {
    const at = (day: number) => new Date(Date.UTC(2024, 0, day)).toISOString();
    const connector = {
      id: '1',
      standard: 'IEC_62196_T2',
      format: 'SOCKET',
      power_type: 'AC_3_PHASE',
      max_voltage: 230,
      max_amperage: 16,
      last_updated: at(1),
    };
    const evse = (uid: string) => ({
      uid,
      evse_id: `NL*CPO*${uid}`,
      status: 'AVAILABLE',
      connectors: [connector],
      last_updated: at(1),
    });
    await pair.cpo.ocpi.locations.put(
      {
        country_code: 'NL',
        party_id: 'CPO',
        id: 'LOST1',
        publish: true,
        address: 'Stationsplein 1',
        city: 'Utrecht',
        country: 'NLD',
        coordinates: { latitude: '52.089444', longitude: '5.110278' },
        time_zone: 'Europe/Amsterdam',
        evses: [evse('E1'), evse('E2')],
        last_updated: at(1),
      },
      '2.3.0',
    );
    const token = {
      country_code: 'DE',
      party_id: 'MSP',
      uid: 'LOST-TOKEN-1',
      type: 'RFID',
      contract_id: 'DE-MSP-C12345678-X',
      issuer: 'Drive Co',
      valid: true,
      whitelist: 'ALLOWED',
      last_updated: at(1),
    };
    await pair.emsp.ocpi.tokens.put(token, '2.3.0');
    const location = { countryCode: 'NL', partyId: 'CPO', id: 'LOST1' };
    const ownToken = { countryCode: 'DE', partyId: 'MSP', id: token.uid, subtype: 'RFID' };
    // 2.1.1 keys tokens by uid alone.
    const tokenRef = version === '2.1.1' ? { countryCode: 'DE', partyId: 'MSP', id: token.uid } : ownToken;
    await eventually(() => pair.emsp.ocpi.locations.received(pair.cpoAtEmsp, location));
    await eventually(() => pair.cpo.ocpi.tokens.received(pair.emspAtCpo, tokenRef));
    // Each side loses its copy (say, restored from an old backup).
    for (const [node, id] of [
      [pair.emsp, 'LOST1'],
      [pair.cpo, token.uid],
    ] as const)
      await node.ocpi.store.db
        .deleteFrom('ocpi_objects')
        .where('owner', 'like', 'partner:%')
        .where('object_id', '=', id)
        .execute();

    await pair.cpo.ocpi.locations.patch(location, ['E2'], { status: 'CHARGING', last_updated: at(2) });
    await pair.cpo.ocpi.locations.patch(location, ['E1'], { status: 'OUTOFORDER', last_updated: at(3) });
    await pair.emsp.ocpi.tokens.patch(ownToken, [], { valid: false, last_updated: at(2) });
    const statuses = await eventually(async () => {
      const got = await pair.emsp.ocpi.locations.received(pair.cpoAtEmsp, location);
      const evses = (got?.evses ?? []) as Array<{ uid: string; status: string }>;
      const byUid = Object.fromEntries(evses.map((e) => [e.uid, e.status]));
      return byUid.E1 === 'OUTOFORDER' ? byUid : undefined;
    });
    expect(statuses).toEqual({ E1: 'OUTOFORDER', E2: 'CHARGING' });
    const lost = await eventually(() => pair.cpo.ocpi.tokens.received(pair.emspAtCpo, tokenRef));
    expect(lost).toMatchObject({ uid: token.uid, valid: false, contract_id: token.contract_id });
    await eventually(async () => ((await pair.cpo.ocpi.delivery.pending()) === 0 ? true : undefined));
    expect(await pair.cpo.ocpi.delivery.listDeadLetters()).toEqual([]);
    expect(await pair.emsp.ocpi.delivery.listDeadLetters()).toEqual([]);
  });

  it('a Token published by the eMSP arrives at the CPO', async () => {
    const token = ownedBy(example('token_example_1_app_user.json'), 'DE', 'MSP');
    await pair.emsp.ocpi.tokens.put(token, '2.3.0');
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
    await pair.cpo.ocpi.tariffs.put(tariff, '2.3.0');
    const ref = { countryCode: 'NL', partyId: 'CPO', id: String(tariff.id) };
    await eventually(() => pair.emsp.ocpi.tariffs.received(pair.cpoAtEmsp, ref));
    await pair.cpo.ocpi.tariffs.delete(ref);
    await eventually(async () =>
      (await pair.emsp.ocpi.tariffs.received(pair.cpoAtEmsp, ref)) === undefined ? true : undefined,
    );
    // The row goes once the answer is back, a moment after the partner applied the DELETE.
    await eventually(async () => ((await pair.cpo.ocpi.delivery.pending()) === 0 ? true : undefined));
  });
});
