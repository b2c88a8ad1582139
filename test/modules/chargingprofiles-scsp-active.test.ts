import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedEvent } from '../../src/admin/command-routes.ts';
import type { OcpiVersion, v230 } from '../../src/index.ts';
import { type FakeProfileCpo, startFakeProfileCpo } from '../support/fake-profile-cpo.ts';
import { startNode } from '../support/nodes.ts';
import { EMSP_PARTY } from '../support/pair.ts';
import { memoryStore, STORES } from '../support/stores.ts';

const ACTIVE: v230.chargingprofiles.ActiveChargingProfile = {
  start_date_time: '2024-05-01T10:00:00Z',
  charging_profile: {
    charging_rate_unit: 'A',
    min_charging_rate: 6,
    charging_profile_period: [
      { start_period: 0, limit: 16 },
      { start_period: 600, limit: 10 },
    ],
  },
};

const CASES = (['2.2.1', '2.3.0'] as OcpiVersion[]).flatMap((version) =>
  STORES.map(([store, options]) => [version, store, options] as const),
);

/* The CPO pushes the active profile of its sessions to the eMSP/SCSP's sender interface. */
describe.each(CASES)('ChargingProfiles, active profiles pushed over OCPI %s on %s', (version, _s, store) => {
  let emsp: FastifyInstance;
  let cpo: FakeProfileCpo;
  let emspParty: FakeProfileCpo;
  let cpoId: string;
  const events: ReceivedEvent[] = [];
  const senderUrl = () => `${emsp.ocpi.versionsUrl().replace(/versions$/, version)}/sender/chargingprofiles`;

  beforeAll(async () => {
    emsp = await startNode({ parties: [EMSP_PARTY], store: store() });
    emsp.ocpi.events.on('received', (event: ReceivedEvent) => events.push(event));
    cpo = await startFakeProfileCpo({ version });
    emspParty = await startFakeProfileCpo({
      version,
      party: { countryCode: 'FR', partyId: 'MSP' },
      role: 'EMSP',
    });
    cpoId = (await emsp.ocpi.registerWith(cpo.versionsUrl, 'a1')).id;
    await emsp.ocpi.registerWith(emspParty.versionsUrl, 'a2');
  }, 120_000);
  afterAll(async () => {
    await Promise.all([emsp?.close(), cpo?.close(), emspParty?.close()]);
  });

  it('stores the latest pushed profile per session, readable through active(), and says so', async () => {
    expect(await emsp.ocpi.chargingProfiles.active(cpoId, 'S-1')).toBeUndefined();
    const reply = await cpo.putActive(senderUrl(), 'S-1', ACTIVE);
    expect(reply.status).toBe(200);
    expect(reply.body.status_code).toBe(1000);
    expect(reply.body).not.toHaveProperty('data');
    expect(await emsp.ocpi.chargingProfiles.active(cpoId, 'S-1')).toEqual(ACTIVE);
    expect(events.at(-1)).toEqual({
      module: 'chargingprofiles',
      partnerId: cpoId,
      sessionId: 'S-1',
      object: ACTIVE,
    });
    const next = { ...ACTIVE, start_date_time: '2024-05-01T10:15:00Z' };
    await cpo.putActive(senderUrl(), 'S-1', next);
    expect(await emsp.ocpi.chargingProfiles.active(cpoId, 'S-1')).toEqual(next);
    expect(await emsp.ocpi.chargingProfiles.active(cpoId, 'S-other')).toBeUndefined();
  });

  it('reads a DateTime without Z and drops nulls, as it reads any partner object', async () => {
    await cpo.putActive(senderUrl(), 'S-2', {
      start_date_time: '2024-05-01T10:00:00',
      charging_profile: { ...ACTIVE.charging_profile, duration: null },
    });
    expect(await emsp.ocpi.chargingProfiles.active(cpoId, 'S-2')).toEqual(ACTIVE);
  });

  it.each([
    ['no start_date_time', { charging_profile: ACTIVE.charging_profile }, /\/start_date_time: is required/],
    [
      'a limit that is no number',
      {
        ...ACTIVE,
        charging_profile: {
          ...ACTIVE.charging_profile,
          charging_profile_period: [{ start_period: 0, limit: 'x' }],
        },
      },
      /\/charging_profile\/charging_profile_period\/0\/limit/,
    ],
    ['an array', [ACTIVE], /invalid ActiveChargingProfile/],
  ])('refuses %s with 2001 naming the field, and stores nothing', async (_what, body, message) => {
    const count = events.length;
    const reply = await cpo.putActive(senderUrl(), 'S-BAD', body);
    expect(reply.status).toBe(200);
    expect(reply.body.status_code).toBe(2001);
    expect(reply.body.status_message).toMatch(message);
    expect(await emsp.ocpi.chargingProfiles.active(cpoId, 'S-BAD')).toBeUndefined();
    expect(events.length).toBe(count);
  });

  it('refuses a session id longer than 36 characters with 2001', async () => {
    const reply = await cpo.putActive(senderUrl(), 'x'.repeat(37), ACTIVE);
    expect(reply.body.status_code).toBe(2001);
  });

  it('takes pushes only from a partner with a CPO party', async () => {
    const reply = await emspParty.putActive(senderUrl(), 'S-3', ACTIVE);
    expect(reply.body.status_code).toBe(2001);
    expect(reply.body.status_message).toMatch(/only a CPO/);
    const rows = await emsp.ocpi.store.db.selectFrom('ocpi_active_profiles').selectAll().execute();
    expect(rows.map((r) => r.session_id).sort()).toEqual(['S-1', 'S-2']);
  });

  it('refuses a caller without a token', async () => {
    const res = await fetch(`${senderUrl()}/S-4`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ACTIVE),
    });
    expect(res.status).toBe(401);
  });
});

describe('ChargingProfiles with a partner on OCPI 2.1.1', () => {
  let emsp: FastifyInstance;
  let cpo: FakeProfileCpo;
  let cpoId: string;
  beforeAll(async () => {
    emsp = await startNode({ parties: [EMSP_PARTY], store: memoryStore() });
    cpo = await startFakeProfileCpo({ version: '2.1.1' });
    cpoId = (await emsp.ocpi.registerWith(cpo.versionsUrl, 'a1')).id;
  }, 120_000);
  afterAll(async () => {
    await Promise.all([emsp?.close(), cpo?.close()]);
  });

  it('refuses to send: 2.1.1 has no ChargingProfiles; nothing is sent', async () => {
    const profile = {
      charging_rate_unit: 'W' as const,
      charging_profile_period: [{ start_period: 0, limit: 1 }],
    };
    for (const attempt of [
      () => emsp.ocpi.chargingProfiles.set(cpoId, 'S-1', profile),
      () => emsp.ocpi.chargingProfiles.get(cpoId, 'S-1', 60),
      () => emsp.ocpi.chargingProfiles.clear(cpoId, 'S-1'),
    ]) {
      await expect(attempt()).rejects.toMatchObject({
        code: 'OCPI_ERR_UNSUPPORTED_VERSION',
        message: expect.stringMatching(/speaks OCPI 2.1.1, which has no ChargingProfiles/),
      });
    }
    expect(cpo.calls).toEqual([]);
  });
});
