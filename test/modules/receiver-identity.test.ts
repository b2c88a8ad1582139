import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OcpiVersion } from '../../src/index.ts';
import { call } from '../support/nodes.ts';
import { inVersion, type Json, location, session, tariff, token } from '../support/objects.ts';
import { type Pair, startPair, tokenOf } from '../support/pair.ts';

/*
 * Identity comes from the URL: a PATCH (or PUT) whose id, uid, country_code, party_id or
 * token type differs from the URL is refused with 2001 naming the field, and nothing is
 * stored. The same values echoed back are fine.
 */
describe.each(['2.1.1', '2.2.1', '2.3.0'] as OcpiVersion[])(
  'receivers over OCPI %s keep the identity the URL gives',
  (version) => {
    const v211 = version === '2.1.1';
    let pair: Pair;
    let cpoToken: string;
    let emspToken: string;
    let atEmsp: string;
    let atCpo: string;

    beforeAll(async () => {
      pair = await startPair(version);
      cpoToken = await tokenOf(pair.cpo, pair.emspAtCpo);
      emspToken = await tokenOf(pair.emsp, pair.cpoAtEmsp);
      atEmsp = pair.emsp.ocpi.versionsUrl().replace(/versions$/, version);
      atCpo = pair.cpo.ocpi.versionsUrl().replace(/versions$/, version);
    });
    afterAll(() => pair?.close());

    const put = (url: string, body: unknown, as = cpoToken) => call(url, { method: 'PUT', token: as, body });
    const patch = (url: string, body: Json, as = cpoToken) =>
      call(url, {
        method: 'PATCH',
        token: as,
        body: { ...body, last_updated: '2031-01-01T00:00:00Z' },
      });
    const get = async (url: string, as = cpoToken) => (await call(url, { token: as })).body.data as Json;

    /** Refused with 2001 naming `field`, and the stored object is unchanged. */
    async function refused(
      reply: Promise<{ body: { status_code?: number; status_message?: string } }>,
      field: string,
      url: string,
      before: Json,
      as = cpoToken,
    ) {
      const { body } = await reply;
      expect(body.status_code, `${url} ${field}`).toBe(2001);
      expect(body.status_message).toMatch(new RegExp(`\\b${field}: .* differs from`));
      expect(await get(url, as)).toEqual(before);
    }

    it.skipIf(v211)(
      'takes the push of a direct partner whatever its OCPI-to says (only a hub is held to it)',
      async () => {
        const url = `${atEmsp}/receiver/locations/NL/CPO/LOC-TO`;
        const reply = await call(url, {
          method: 'PUT',
          token: cpoToken,
          body: inVersion(version, 'Location', location('LOC-TO')),
          headers: {
            'OCPI-from-country-code': 'NL',
            'OCPI-from-party-id': 'CPO',
            'OCPI-to-country-code': 'XX',
            'OCPI-to-party-id': 'ZZZ',
          },
        });
        expect(reply.body.status_code).toBe(1000);
        expect(await get(url)).toMatchObject({ id: 'LOC-TO' });
      },
    );

    it('refuses a Location, EVSE or Connector PATCH that renames it or moves it to another party', async () => {
      const url = `${atEmsp}/receiver/locations/NL/CPO/LOC1`;
      expect((await put(url, inVersion(version, 'Location', location('LOC1')))).body.status_code).toBe(1000);
      const before = await get(url);
      await refused(patch(url, { id: 'HIJACK' }), 'id', url, before);
      expect((await call(`${atEmsp}/receiver/locations/NL/CPO/HIJACK`, { token: cpoToken })).status).toBe(
        404,
      );
      if (!v211) {
        await refused(patch(url, { party_id: 'DUP', country_code: 'NL' }), 'party_id', url, before);
        await refused(patch(url, { country_code: 'DE' }), 'country_code', url, before);
      }
      await refused(patch(`${url}/E1`, { uid: 'E999' }), 'uid', url, before);
      await refused(patch(`${url}/E1/1`, { id: '9' }), 'id', url, before);
    });

    it('accepts a PATCH that echoes the identity the URL gives, and applies it', async () => {
      const url = `${atEmsp}/receiver/locations/NL/CPO/LOC2`;
      await put(url, inVersion(version, 'Location', location('LOC2')));
      const echo = v211 ? { id: 'LOC2' } : { id: 'LOC2', country_code: 'nl', party_id: 'CPO' };
      expect((await patch(url, { ...echo, name: 'Echoed' })).body.status_code).toBe(1000);
      // CiStrings compare case-insensitively; the stored identity keeps the URL's spelling.
      expect(await get(url)).toMatchObject({
        id: 'LOC2',
        name: 'Echoed',
        ...(v211 ? {} : { country_code: 'NL' }),
      });
      expect((await patch(`${url}/E2`, { uid: 'E2', status: 'CHARGING' })).body.status_code).toBe(1000);
      expect((await patch(`${url}/E2/1`, { id: '1', max_voltage: 400 })).body.status_code).toBe(1000);
      const evse = await get(`${url}/E2`);
      expect(evse.status).toBe('CHARGING');
    });

    it('refuses a Token PATCH that changes its uid, type or party', async () => {
      const query = v211 ? '' : '?type=RFID';
      const url = `${atCpo}/receiver/tokens/DE/MSP/TOK1${query}`;
      const tok = inVersion(version, 'Token', token('TOK1'));
      expect((await put(url, tok, emspToken)).body.status_code).toBe(1000);
      const before = await get(url, emspToken);
      await refused(patch(url, { uid: 'TOK2' }, emspToken), 'uid', url, before, emspToken);
      if (!v211) {
        await refused(patch(url, { type: 'APP_USER' }, emspToken), 'type', url, before, emspToken);
        await refused(patch(url, { party_id: 'OTH' }, emspToken), 'party_id', url, before, emspToken);
      }
      expect((await patch(url, { uid: 'TOK1', valid: false }, emspToken)).body.status_code).toBe(1000);
      expect((await get(url, emspToken)).valid).toBe(false);
    });

    it.runIf(v211)('refuses a 2.1.1 Tariff PATCH that changes its id', async () => {
      const url = `${atEmsp}/receiver/tariffs/NL/CPO/TAR1`;
      expect((await put(url, inVersion(version, 'Tariff', tariff('TAR1')))).body.status_code).toBe(1000);
      await refused(patch(url, { id: 'TAR2' }), 'id', url, await get(url));
    });

    it.skipIf(v211)('refuses a Session PATCH that changes its id or party', async () => {
      const url = `${atEmsp}/receiver/sessions/NL/CPO/S1`;
      expect((await put(url, inVersion(version, 'Session', session('S1')))).body.status_code).toBe(1000);
      const before = await get(url);
      await refused(patch(url, { id: 'S2' }), 'id', url, before);
      await refused(patch(url, { country_code: 'BE' }), 'country_code', url, before);
      expect((await patch(url, { id: 'S1', kwh: 3 })).body.status_code).toBe(1000);
    });

    it('refuses a PUT whose identity differs from the URL at every level', async () => {
      const url = `${atEmsp}/receiver/locations/NL/CPO/LOC3`;
      const whole = inVersion(version, 'Location', location('LOC3'));
      expect((await put(url, whole)).body.status_code).toBe(1000);
      const before = await get(url);
      await refused(put(url, { ...whole, id: 'OTHER' }), 'id', url, before);
      if (!v211) await refused(put(url, { ...whole, party_id: 'DUP' }), 'party_id', url, before);
      const evse = (whole.evses as Json[])[0] as Json;
      await refused(put(`${url}/E1`, { ...evse, uid: 'E999' }), 'uid', url, before);
      const connector = (evse.connectors as Json[])[0] as Json;
      await refused(put(`${url}/E1/1`, { ...connector, id: '9' }), 'id', url, before);
    });
  },
);
