import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OcpiVersion } from '../../src/index.ts';
import { call } from '../support/nodes.ts';
import { type Pair, startPair, tokenOf } from '../support/pair.ts';
import { firstObject, type Json, patchExamples, receiverExamples } from './receiver-examples.ts';

const merge = (a: Json, b: Json): Json => ({ ...a, ...b });
const evsesOf = (location: Json) => (location.evses ?? []) as Json[];
const connectorsOf = (evse: Json) => (evse.connectors ?? []) as Json[];
const enc = encodeURIComponent;
/** The later of two DateTimes. */
const latest = (a: unknown, b: unknown) => (Date.parse(String(a)) >= Date.parse(String(b)) ? a : b);

describe.each(['2.1.1', '2.2.1', '2.3.0'] as OcpiVersion[])(
  'receivers over OCPI %s, as a CPO partner sees them',
  (version) => {
    // 2.1.1 objects carry no country_code/party_id (only the URL names the owner), 2.1.1 keys
    // Tokens by uid alone (no ?type=), lets the CPO PATCH Tariffs, and needs no last_updated in a PATCH.
    const v211 = version === '2.1.1';
    let pair: Pair;
    let token: string;
    let emspToken: string;
    let locations: string;
    let tariffs: string;
    let tokensAtCpo: string;

    beforeAll(async () => {
      pair = await startPair(version);
      token = await tokenOf(pair.cpo, pair.emspAtCpo);
      emspToken = await tokenOf(pair.emsp, pair.cpoAtEmsp);
      const base = pair.emsp.ocpi.versionsUrl().replace(/versions$/, version);
      locations = `${base}/receiver/locations`;
      tariffs = `${base}/receiver/tariffs`;
      tokensAtCpo = `${pair.cpo.ocpi.versionsUrl().replace(/versions$/, version)}/receiver/tokens`;
    });
    afterAll(() => pair?.close());

    const put = (url: string, body: unknown) => call(url, { method: 'PUT', token, body });
    const get = async (url: string, as = token) => (await call(url, { token: as })).body.data as Json;
    /** An object as its owner sends it: from 2.2 on, objects name their owner. */
    const owned = (object: Json, cc = 'NL', pid = 'CPO'): Json =>
      v211 ? object : merge(object, { country_code: cc, party_id: pid });
    /** The first spec example Location, under another id. */
    const location = (id: string): Json => owned({ ...firstObject(version, 'Location'), id });
    const locationUrl = (id: unknown) => `${locations}/NL/CPO/${enc(String(id))}`;
    const tariffUrl = (id: unknown) => `${tariffs}/NL/CPO/${enc(String(id))}`;
    const tokenUrl = (tok: Json) =>
      `${tokensAtCpo}/DE/MSP/${enc(String(tok.uid))}${v211 ? '' : `?type=${tok.type}`}`;

    it('maps every spec example of Locations, Tariffs and Tokens, or says why it is none of theirs', () => {
      const examples = receiverExamples(version);
      expect(examples.filter((e) => e.kind === 'unmapped').map((e) => e.name)).toEqual([]);
      const count: Record<string, number> = {};
      for (const e of examples) {
        const key = 'target' in e ? `${e.kind} ${e.target}` : e.kind;
        count[key] = (count[key] ?? 0) + 1;
      }
      const tariffObjects = { '2.1.1': 5, '2.2.1': 19, '2.3.0': 21 }[version];
      expect(count).toEqual({
        'object Location': v211 ? 1 : 6,
        'object Tariff': tariffObjects,
        // 2.1.1: two Tokens in mod_tokens.md, one and a list of three in transport_and_format.md;
        // 2.2+: two token_example files, token_put_example, and the same two responses.
        'object Token': v211 ? 6 : 7,
        'patch Location': 1,
        'patch EVSE': 2,
        'patch Connector': 1,
        'patch Token': 1,
        ...(v211 ? { 'patch Tariff': 1 } : {}),
        'broken EVSE': 1,
        'broken Tariff': 1,
        // 2.1.1: four EnergyMix and Hours fragments, two versions and one error response;
        // 2.2+: three EnergyMix and four Hours fragments.
        other: 7,
      });
    });

    it('accepts every spec example Location, EVSE, Connector, Tariff and Token and reads it back equal', async () => {
      // Each example under an id of its own: several share one, with different times, and
      // an older object is not applied over a newer one.
      let n = 0;
      for (const e of receiverExamples(version)) {
        if (e.kind !== 'object') continue;
        n++;
        if (e.target === 'Location') {
          const object = owned({ ...e.value, id: `LOC-EX-${n}` });
          const url = locationUrl(object.id);
          expect((await put(url, object)).body, e.name).toMatchObject({ status_code: 1000 });
          expect(await get(url), e.name).toEqual(object);
          // Each Connector, then its EVSE, at its own URL: read, then put back as it was. A child
          // sets its parents' last_updated to its own when that is later; the EVSE, put last,
          // restores the tree.
          for (const evse of evsesOf(object)) {
            const evseUrl = `${url}/${enc(String(evse.uid))}`;
            const what = `${e.name} EVSE ${evse.uid}`;
            expect(await get(evseUrl), what).toEqual(evse);
            for (const connector of connectorsOf(evse)) {
              const connectorUrl = `${evseUrl}/${enc(String(connector.id))}`;
              const which = `${what} Connector ${connector.id}`;
              expect(await get(connectorUrl), which).toEqual(connector);
              expect((await put(connectorUrl, connector)).body.status_code, which).toBe(1000);
              expect(await get(connectorUrl), which).toEqual(connector);
              expect((await get(evseUrl)).last_updated, which).toBe(
                latest(evse.last_updated, connector.last_updated),
              );
            }
            expect((await put(evseUrl, evse)).body.status_code, what).toBe(1000);
            expect(await get(evseUrl), what).toEqual(evse);
          }
          expect(evsesOf(await get(url)), e.name).toEqual(evsesOf(object));
        } else if (e.target === 'EVSE') {
          const url = locationUrl('LOC-EVSE');
          await put(url, location('LOC-EVSE'));
          const evseUrl = `${url}/${enc(String(e.value.uid))}`;
          expect((await put(evseUrl, e.value)).body, e.name).toMatchObject({ status_code: 1000 });
          expect(await get(evseUrl), e.name).toEqual(e.value);
        } else if (e.target === 'Tariff') {
          const object = owned({ ...e.value, id: `TAR-EX-${n}` });
          expect((await put(tariffUrl(object.id), object)).body, e.name).toMatchObject({ status_code: 1000 });
          expect(await get(tariffUrl(object.id)), e.name).toEqual(object);
        } else if (e.target === 'Token') {
          const object = owned({ ...e.value, uid: `TOK-EX-${n}` }, 'DE', 'MSP');
          const reply = await call(tokenUrl(object), { method: 'PUT', token: emspToken, body: object });
          expect(reply.body, e.name).toMatchObject({ status_code: 1000 });
          expect(await get(tokenUrl(object), emspToken), e.name).toEqual(object);
        } else {
          throw new Error(`${e.name}: no receiver URL for a whole ${e.target}`);
        }
      }
    });

    it('applies every spec example PATCH of a Location, EVSE, Connector, Tariff and Token', async () => {
      for (const e of receiverExamples(version)) {
        if (e.kind !== 'patch') continue;
        let url: string;
        let as = token;
        if (e.target === 'Tariff' || e.target === 'Token') {
          const object =
            e.target === 'Tariff'
              ? owned({ ...firstObject(version, 'Tariff'), id: 'T-PATCH' })
              : owned(firstObject(version, 'Token'), 'DE', 'MSP');
          if (e.target === 'Token') as = emspToken;
          url = e.target === 'Tariff' ? tariffUrl(object.id) : tokenUrl(object);
          expect((await call(url, { method: 'PUT', token: as, body: object })).body.status_code).toBe(1000);
        } else {
          const object = location('LOC-PATCH');
          await put(locationUrl('LOC-PATCH'), object);
          const evse = evsesOf(object)[0] as Json;
          url = {
            Location: locationUrl('LOC-PATCH'),
            EVSE: `${locationUrl('LOC-PATCH')}/${enc(String(evse.uid))}`,
            Connector: `${locationUrl('LOC-PATCH')}/${enc(String(evse.uid))}/${enc(String(connectorsOf(evse)[0]?.id))}`,
          }[e.target];
        }
        const before = await get(url, as);
        const reply = await call(url, { method: 'PATCH', token: as, body: e.value });
        expect(reply.body, e.name).toMatchObject({ status_code: 1000 });
        const after = await get(url, as);
        // A PATCH without last_updated (2.1.1) is stamped by the receiver.
        expect(after, e.name).toEqual({ ...before, ...e.value, last_updated: expect.any(String) });
        if (e.value.last_updated) expect(after.last_updated, e.name).toBe(e.value.last_updated);
        else
          expect(Date.parse(String(after.last_updated)), e.name).toBeGreaterThan(
            Date.parse(String(before.last_updated)),
          );
        // The parents of a changed EVSE or Connector carry its new last_updated.
        if (e.target === 'EVSE' || e.target === 'Connector')
          expect((await get(locationUrl('LOC-PATCH'))).last_updated, e.name).toBe(after.last_updated);
      }
    });

    it("refuses, with 2001, the spec examples that break the spec's own tables, and stores nothing", async () => {
      const broken = receiverExamples(version).filter((e) => e.kind === 'broken');
      expect(broken.length).toBeGreaterThan(0);
      for (const e of broken) {
        const what = `${e.name}: ${e.why}`;
        if (e.target === 'EVSE') {
          const url = locationUrl('LOC-BROKEN');
          const object = location('LOC-BROKEN');
          await put(url, object);
          const evseUrl = `${url}/${enc(String(e.value.uid))}`;
          expect((await put(evseUrl, e.value)).body, what).toMatchObject({
            status_code: 2001,
            status_message: expect.stringMatching(
              /^invalid EVSE: .*\/connectors\/0\/power_type: is required/,
            ),
          });
          expect(await get(url), what).toEqual(object);
        } else if (e.target === 'Tariff') {
          const object = owned({ ...e.value, id: 'T-BROKEN' });
          expect((await put(tariffUrl('T-BROKEN'), object)).body, what).toMatchObject({
            status_code: 2001,
            status_message: expect.stringMatching(/\/last_updated: is required/),
          });
          expect((await call(tariffUrl('T-BROKEN'), { token })).status, what).toBe(404);
        } else {
          throw new Error(`${e.name}: no check for a broken ${e.target}`);
        }
      }
    });

    it('accepts EVSE and Connector PUT and PATCH, bumping the parents', async () => {
      const object = location('LOC-TREE');
      await put(locationUrl('LOC-TREE'), object);
      const evse = evsesOf(object)[0] as Json;
      const newEvse = merge(evse, {
        uid: 'NEW-EVSE',
        evse_id: 'NL*CPO*E999',
        last_updated: '2031-01-01T00:00:00Z',
      });
      const evseUrl = `${locationUrl('LOC-TREE')}/NEW-EVSE`;
      expect((await put(evseUrl, newEvse)).body.status_code).toBe(1000);
      const afterPut = await get(locationUrl('LOC-TREE'));
      expect(evsesOf(afterPut).length).toBe(evsesOf(object).length + 1);
      expect(afterPut.last_updated).toBe('2031-01-01T00:00:00Z');

      const connector = connectorsOf(newEvse)[0] as Json;
      // 2.1.1 names the Connector's current `amperage`; 2.2 renamed it `max_amperage`.
      const amperage = v211 ? 'amperage' : 'max_amperage';
      const patch = await call(`${evseUrl}/${connector.id}`, {
        method: 'PATCH',
        token,
        body: { [amperage]: 32, last_updated: '2032-01-01T00:00:00Z' },
      });
      expect(patch.body.status_code).toBe(1000);
      expect(await get(`${evseUrl}/${connector.id}`)).toMatchObject({
        [amperage]: 32,
        last_updated: '2032-01-01T00:00:00Z',
      });
      expect((await get(evseUrl)).last_updated).toBe('2032-01-01T00:00:00Z');
      expect((await get(locationUrl('LOC-TREE'))).last_updated).toBe('2032-01-01T00:00:00Z');

      const removed = patchExamples(version, 'EVSE').find((p) => p.status === 'REMOVED');
      expect(removed).toBeDefined();
      // Dated after the Connector's change above: an older PATCH would be ignored.
      const body = { ...removed, last_updated: '2033-01-01T00:00:00Z' };
      const status = await call(evseUrl, { method: 'PATCH', token, body });
      expect(status.body.status_code).toBe(1000);
      expect((await get(evseUrl)).status).toBe('REMOVED');
    });

    it('refuses broken objects with 2001 naming the field, and stores nothing', async () => {
      const object = location('LOC-BAD');
      const { address: _, ...noAddress } = object;
      const reply = await put(locationUrl('LOC-BAD'), noAddress);
      expect(reply.status).toBe(200);
      expect(reply.body.status_code).toBe(2001);
      expect(reply.body.status_message).toMatch(/\/address: is required/);
      const wrongEnum = await put(locationUrl('LOC-BAD'), {
        ...object,
        evses: [{ ...(evsesOf(object)[0] as Json), status: 'ON_FIRE' }],
      });
      expect(wrongEnum.body.status_message).toMatch(/\/evses\/0\/status: must be one of/);
      const missing = await call(locationUrl('LOC-BAD'), { token });
      expect(missing.status).toBe(404);
      expect(missing.body.status_code).toBe(2003);
    });

    it('refuses writes under another party or with an id that differs from the URL', async () => {
      const object = merge(location('LOC-X'), v211 ? {} : { country_code: 'FR', party_id: 'XYZ' });
      const foreign = await put(`${locations}/FR/XYZ/LOC-X`, object);
      expect(foreign.body.status_code).toBe(2001);
      expect(foreign.body.status_message).toMatch(/FR\*XYZ is not a party this platform registered/);
      const mismatch = await put(locationUrl('LOC-Y'), owned(object));
      expect(mismatch.body.status_message).toMatch(/id: "LOC-X" in the body differs from "LOC-Y"/);
      // Only 2.2+ objects name their owner, so only they can contradict the URL.
      if (!v211) {
        const partyMismatch = await put(locationUrl('LOC-X'), object);
        expect(partyMismatch.body.status_message).toMatch(/country_code: "FR" in the body differs from "NL"/);
      }
      expect((await call(locationUrl('LOC-X'), { token })).status).toBe(404);
      expect((await call(`${locations}/FR/XYZ/LOC-X`, { token })).status).toBe(404);
    });

    it('answers 2003 to PATCH or EVSE PUT on an unknown Location, and checks what a PATCH brings', async () => {
      const unknown = await call(locationUrl('NOPE'), {
        method: 'PATCH',
        token,
        body: { name: 'x', last_updated: '2030-01-01T00:00:00Z' },
      });
      expect(unknown.body.status_code).toBe(2003);
      const evse = evsesOf(firstObject(version, 'Location'))[0] as Json;
      expect((await put(`${locationUrl('NOPE')}/${evse.uid}`, evse)).body.status_code).toBe(2003);
      const object = location('LOC-P');
      await put(locationUrl('LOC-P'), object);
      const noDate = await call(locationUrl('LOC-P'), { method: 'PATCH', token, body: { name: 'x' } });
      if (v211) {
        // 2.1.1 asks for no last_updated in a PATCH (its examples have none): the receiver stamps it.
        expect(noDate.body.status_code).toBe(1000);
        expect(await get(locationUrl('LOC-P'))).toMatchObject({ name: 'x' });
      } else {
        expect(noDate.body.status_code).toBe(2001);
        expect(noDate.body.status_message).toMatch(/last_updated: is required/);
      }
      const badValue = await call(locationUrl('LOC-P'), {
        method: 'PATCH',
        token,
        body: { country: 42, last_updated: '2030-01-01T00:00:00Z' },
      });
      expect(badValue.body.status_code).toBe(2001);
      expect(badValue.body.status_message).toMatch(/\/country: /);
      expect((await get(locationUrl('LOC-P'))).country).toBe(object.country);
    });

    it('deletes Tariffs and answers 2001 on unknown ones; only 2.1.1 has a Tariff PATCH', async () => {
      const tariff = owned({ ...firstObject(version, 'Tariff'), id: 'T-DEL' });
      await put(tariffUrl('T-DEL'), tariff);
      expect((await call(tariffUrl('T-DEL'), { method: 'DELETE', token })).body.status_code).toBe(1000);
      expect((await call(tariffUrl('T-DEL'), { token })).status).toBe(404);
      expect((await call(tariffUrl('T-DEL'), { method: 'DELETE', token })).body.status_code).toBe(2001);
      const patch = await call(tariffUrl('T-DEL'), {
        method: 'PATCH',
        token,
        body: { last_updated: '2030-01-01T00:00:00Z' },
      });
      if (v211) expect(patch.body.status_code).toBe(2001);
      else expect(patch.status).toBe(404);
    });

    // `?type=` arrived with 2.2: 2.1.1 tokens are keyed by uid alone (next test).
    it.skipIf(v211)(
      'keeps tokens apart by type, and refuses a token type that differs from ?type=',
      async () => {
        // A uid of its own: the PATCH test above stored a later version of the example's.
        const tok: Json = { ...owned(firstObject(version, 'Token'), 'DE', 'MSP'), uid: 'TOKEN-TYPES' };
        const url = `${tokensAtCpo}/DE/MSP/${tok.uid}`;
        const other = tok.type === 'RFID' ? 'APP_USER' : 'RFID';
        expect(
          (await call(`${url}?type=${tok.type}`, { method: 'PUT', token: emspToken, body: tok })).body
            .status_code,
        ).toBe(1000);
        expect(
          (await call(`${url}?type=${other}`, { method: 'PUT', token: emspToken, body: tok })).body
            .status_message,
        ).toMatch(new RegExp(`type: "${tok.type}" in the body differs from "${other}"`));
        expect((await call(`${url}?type=${other}`, { token: emspToken })).status).toBe(404);
        expect((await call(`${url}?type=${other}`, { token: emspToken })).body.status_code).toBe(2004);
        expect(await get(`${url}?type=${tok.type}`, emspToken)).toEqual(tok);
        // Without ?type= the receiver means RFID.
        const rfid = { ...tok, type: 'RFID' };
        expect((await call(url, { method: 'PUT', token: emspToken, body: rfid })).body.status_code).toBe(
          1000,
        );
        expect(await get(url, emspToken)).toEqual(rfid);
      },
    );

    it.runIf(v211)(
      'keys 2.1.1 tokens by uid alone: another type under the same uid replaces it',
      async () => {
        // A uid of its own: the PATCH test above stored a later version of the example's.
        const tok: Json = { ...firstObject(version, 'Token'), uid: 'TOKEN-211' };
        const url = `${tokensAtCpo}/DE/MSP/${tok.uid}`;
        expect((await call(url, { method: 'PUT', token: emspToken, body: tok })).body.status_code).toBe(1000);
        // 2.1.1 knows two token types: OTHER and RFID.
        const other = { ...tok, type: tok.type === 'RFID' ? 'OTHER' : 'RFID' };
        expect((await call(url, { method: 'PUT', token: emspToken, body: other })).body.status_code).toBe(
          1000,
        );
        expect(await get(url, emspToken)).toEqual(other);
      },
    );
  },
);
