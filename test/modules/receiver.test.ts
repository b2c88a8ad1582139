import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OcpiVersion } from '../../src/index.ts';
import { call } from '../support/nodes.ts';
import { type Pair, startPair, tokenOf } from '../support/pair.ts';

const SPEC = new URL('../../../shared/ocpi-spec/', import.meta.url);
const example = (version: string, file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`${version}/examples/${file}`, SPEC), 'utf8'));

const merge = (a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> => ({
  ...a,
  ...b,
});

describe.each(['2.2.1', '2.3.0'] as OcpiVersion[])(
  'receivers over OCPI %s, as a CPO partner sees them',
  (version) => {
    let pair: Pair;
    let token: string;
    let locations: string;
    let tariffs: string;
    let tokensAtCpo: string;

    beforeAll(async () => {
      pair = await startPair(version);
      token = await tokenOf(pair.cpo, pair.emspAtCpo);
      const base = pair.emsp.ocpi.versionsUrl().replace(/versions$/, version);
      locations = `${base}/receiver/locations`;
      tariffs = `${base}/receiver/tariffs`;
      tokensAtCpo = `${pair.cpo.ocpi.versionsUrl().replace(/versions$/, version)}/receiver/tokens`;
    });
    afterAll(() => pair.close());

    const put = (url: string, body: unknown) => call(url, { method: 'PUT', token, body });

    it('accepts every spec example Location, Tariff and Token and reads it back equal', async () => {
      const files = readdirSync(new URL(`${version}/examples/`, SPEC));
      const emspToken = await tokenOf(pair.emsp, pair.cpoAtEmsp);
      const cases = [
        ...files
          .filter((f) => /^location_example.*\.json$/.test(f))
          .map((f) => ({ f, url: locations, id: 'id', cc: 'NL', pid: 'CPO', as: token })),
        ...files
          .filter((f) => /^tariff_\d+_.*\.json$/.test(f))
          .map((f) => ({ f, url: tariffs, id: 'id', cc: 'NL', pid: 'CPO', as: token })),
        ...files
          .filter((f) => /^token_example_.*\.json$/.test(f))
          .map((f) => ({ f, url: tokensAtCpo, id: 'uid', cc: 'DE', pid: 'MSP', as: emspToken })),
      ];
      expect(cases.length).toBeGreaterThan(20);
      for (const c of cases) {
        const object = merge(example(version, c.f), { country_code: c.cc, party_id: c.pid });
        const query = c.id === 'uid' ? `?type=${object.type}` : '';
        const url = `${c.url}/${c.cc}/${c.pid}/${object[c.id]}${query}`;
        const reply = await call(url, { method: 'PUT', token: c.as, body: object });
        expect(reply.body, c.f).toMatchObject({ status_code: 1000 });
        expect((await call(url, { token: c.as })).body.data, c.f).toEqual(object);
      }
    });

    it('accepts EVSE and Connector PUT and PATCH, bumping the parents', async () => {
      const location = merge(example(version, 'location_example.json'), {
        country_code: 'NL',
        party_id: 'CPO',
        id: 'LOC-TREE',
      });
      await put(`${locations}/NL/CPO/LOC-TREE`, location);
      const evse = (location.evses as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
      const newEvse = merge(evse, {
        uid: 'NEW-EVSE',
        evse_id: 'NL*CPO*E999',
        last_updated: '2031-01-01T00:00:00Z',
      });
      expect((await put(`${locations}/NL/CPO/LOC-TREE/NEW-EVSE`, newEvse)).body.status_code).toBe(1000);
      const afterPut = (await call(`${locations}/NL/CPO/LOC-TREE`, { token })).body.data as Record<
        string,
        unknown
      >;
      expect((afterPut.evses as unknown[]).length).toBe((location.evses as unknown[]).length + 1);
      expect(afterPut.last_updated).toBe('2031-01-01T00:00:00Z');

      const connector = (newEvse.connectors as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
      const patch = await call(`${locations}/NL/CPO/LOC-TREE/NEW-EVSE/${connector.id}`, {
        method: 'PATCH',
        token,
        body: { max_amperage: 32, last_updated: '2032-01-01T00:00:00Z' },
      });
      expect(patch.body.status_code).toBe(1000);
      const gotConnector = await call(`${locations}/NL/CPO/LOC-TREE/NEW-EVSE/${connector.id}`, { token });
      expect(gotConnector.body.data).toMatchObject({
        max_amperage: 32,
        last_updated: '2032-01-01T00:00:00Z',
      });
      const gotEvse = await call(`${locations}/NL/CPO/LOC-TREE/NEW-EVSE`, { token });
      expect((gotEvse.body.data as { last_updated: string }).last_updated).toBe('2032-01-01T00:00:00Z');

      const status = await call(`${locations}/NL/CPO/LOC-TREE/NEW-EVSE`, {
        method: 'PATCH',
        token,
        body: example(version, 'location_patch_example_remove_evse.json'),
      });
      expect(status.body.status_code).toBe(1000);
      expect(
        ((await call(`${locations}/NL/CPO/LOC-TREE/NEW-EVSE`, { token })).body.data as { status: string })
          .status,
      ).toBe('REMOVED');
    });

    it('refuses broken objects with 2001 naming the field, and stores nothing', async () => {
      const location = merge(example(version, 'location_example.json'), {
        country_code: 'NL',
        party_id: 'CPO',
        id: 'LOC-BAD',
      });
      const { address: _, ...noAddress } = location;
      const reply = await put(`${locations}/NL/CPO/LOC-BAD`, noAddress);
      expect(reply.status).toBe(200);
      expect(reply.body.status_code).toBe(2001);
      expect(reply.body.status_message).toMatch(/\/address: is required/);
      const wrongEnum = await put(`${locations}/NL/CPO/LOC-BAD`, {
        ...location,
        evses: [{ ...(location.evses as object[])[0], status: 'ON_FIRE' }],
      });
      expect(wrongEnum.body.status_message).toMatch(/\/evses\/0\/status: must be one of/);
      const missing = await call(`${locations}/NL/CPO/LOC-BAD`, { token });
      expect(missing.status).toBe(404);
      expect(missing.body.status_code).toBe(2003);
    });

    it('refuses writes under another party or with an id that differs from the URL', async () => {
      const location = merge(example(version, 'location_example.json'), {
        country_code: 'FR',
        party_id: 'XYZ',
        id: 'LOC-X',
      });
      const foreign = await put(`${locations}/FR/XYZ/LOC-X`, location);
      expect(foreign.body.status_code).toBe(2001);
      expect(foreign.body.status_message).toMatch(/FR\*XYZ is not a party this platform registered/);
      const mismatch = await put(`${locations}/NL/CPO/LOC-Y`, {
        ...location,
        country_code: 'NL',
        party_id: 'CPO',
      });
      expect(mismatch.body.status_message).toMatch(/id: "LOC-X" in the body differs from "LOC-Y"/);
      const partyMismatch = await put(`${locations}/NL/CPO/LOC-X`, location);
      expect(partyMismatch.body.status_message).toMatch(/country_code: "FR" in the body differs from "NL"/);
      expect((await call(`${locations}/NL/CPO/LOC-X`, { token })).status).toBe(404);
      expect((await call(`${locations}/FR/XYZ/LOC-X`, { token })).status).toBe(404);
    });

    it('answers 2003 to PATCH or EVSE PUT on an unknown Location, and 2001 to a PATCH without last_updated', async () => {
      const unknown = await call(`${locations}/NL/CPO/NOPE`, {
        method: 'PATCH',
        token,
        body: { name: 'x', last_updated: '2030-01-01T00:00:00Z' },
      });
      expect(unknown.body.status_code).toBe(2003);
      const evse = (example(version, 'location_example.json').evses as object[])[0];
      expect(
        (await put(`${locations}/NL/CPO/NOPE/${(evse as { uid: string }).uid}`, evse)).body.status_code,
      ).toBe(2003);
      const location = merge(example(version, 'location_example.json'), {
        country_code: 'NL',
        party_id: 'CPO',
        id: 'LOC-P',
      });
      await put(`${locations}/NL/CPO/LOC-P`, location);
      const noDate = await call(`${locations}/NL/CPO/LOC-P`, { method: 'PATCH', token, body: { name: 'x' } });
      expect(noDate.body.status_code).toBe(2001);
      expect(noDate.body.status_message).toMatch(/last_updated: is required/);
      const badValue = await call(`${locations}/NL/CPO/LOC-P`, {
        method: 'PATCH',
        token,
        body: { publish: 'maybe', last_updated: '2030-01-01T00:00:00Z' },
      });
      expect(badValue.body.status_code).toBe(2001);
      expect(
        ((await call(`${locations}/NL/CPO/LOC-P`, { token })).body.data as { publish: boolean }).publish,
      ).toBe(location.publish);
    });

    it('deletes Tariffs, answers 2001 on unknown ones, and has no Tariff PATCH', async () => {
      const tariff = merge(example(version, 'tariff_1_simple_2hour.json'), {
        country_code: 'NL',
        party_id: 'CPO',
        id: 'T-DEL',
      });
      await put(`${tariffs}/NL/CPO/T-DEL`, tariff);
      expect((await call(`${tariffs}/NL/CPO/T-DEL`, { method: 'DELETE', token })).body.status_code).toBe(
        1000,
      );
      expect((await call(`${tariffs}/NL/CPO/T-DEL`, { token })).status).toBe(404);
      expect((await call(`${tariffs}/NL/CPO/T-DEL`, { method: 'DELETE', token })).body.status_code).toBe(
        2001,
      );
      expect(
        (
          await call(`${tariffs}/NL/CPO/T-DEL`, {
            method: 'PATCH',
            token,
            body: { last_updated: '2030-01-01T00:00:00Z' },
          })
        ).status,
      ).toBe(404);
    });

    it('keeps tokens apart by type, and refuses a token type that differs from ?type=', async () => {
      const emspToken = await tokenOf(pair.emsp, pair.cpoAtEmsp);
      const tok = merge(example(version, 'token_example_2_full_rfid.json'), {
        country_code: 'DE',
        party_id: 'MSP',
      });
      const url = `${tokensAtCpo}/DE/MSP/${tok.uid}`;
      expect(
        (await call(`${url}?type=RFID`, { method: 'PUT', token: emspToken, body: tok })).body.status_code,
      ).toBe(1000);
      expect(
        (await call(`${url}?type=APP_USER`, { method: 'PUT', token: emspToken, body: tok })).body
          .status_message,
      ).toMatch(/type: "RFID" in the body differs from "APP_USER"/);
      expect((await call(`${url}?type=APP_USER`, { token: emspToken })).status).toBe(404);
      expect((await call(`${url}?type=APP_USER`, { token: emspToken })).body.status_code).toBe(2004);
      expect((await call(url, { token: emspToken })).body.data).toEqual(tok);
      const patched = await call(url, {
        method: 'PATCH',
        token: emspToken,
        body: example(version, 'token_patch_example.json'),
      });
      expect(patched.body.status_code).toBe(1000);
      expect(((await call(url, { token: emspToken })).body.data as { valid: boolean }).valid).toBe(false);
    });
  },
);
