import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OcpiVersion, v230 } from '../../src/index.ts';
import { type FakeProfileCpo, startFakeProfileCpo } from '../support/fake-profile-cpo.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { startNode } from '../support/nodes.ts';
import { EMSP_PARTY } from '../support/pair.ts';
import { STORES } from '../support/stores.ts';

const GRACE_SECONDS = 5;
const PROFILE: v230.chargingprofiles.ChargingProfile = {
  charging_rate_unit: 'W',
  charging_profile_period: [{ start_period: 0, limit: 11000 }],
};
const ACTIVE: v230.chargingprofiles.ActiveChargingProfile = {
  start_date_time: '2024-05-01T10:00:00Z',
  charging_profile: { ...PROFILE, duration: 900 },
};

const CASES = (['2.2.1', '2.3.0'] as OcpiVersion[]).flatMap((version) =>
  STORES.map(([store, options]) => [version, store, options] as const),
);

/*
 * An eMSP/SCSP node sets, gets and clears profiles at a CPO played by hand (a loopback
 * server registered as the partner), which answers and posts results as the test says.
 */
describe.each(CASES)('ChargingProfiles, SCSP side, over OCPI %s on %s', (version, _store, store) => {
  const clock = new ManualClock();
  let emsp: FastifyInstance;
  let cpo: FakeProfileCpo;
  let other: FakeProfileCpo;
  let cpoId: string;
  let otherId: string;

  beforeAll(async () => {
    emsp = await startNode({
      clock,
      parties: [EMSP_PARTY],
      store: store(),
      commands: { graceSeconds: GRACE_SECONDS },
    });
    cpo = await startFakeProfileCpo({ version });
    other = await startFakeProfileCpo({
      version,
      party: { countryCode: 'NL', partyId: 'OTH' },
      noProfilesReceiver: true,
    });
    cpoId = (await emsp.ocpi.registerWith(cpo.versionsUrl, 'a1')).id;
    otherId = (await emsp.ocpi.registerWith(other.versionsUrl, 'a2')).id;
  }, 120_000);
  afterAll(async () => {
    await Promise.all([emsp?.close(), cpo?.close(), other?.close()]);
  });

  const stored = (id: string) =>
    emsp.ocpi.store.db
      .selectFrom('ocpi_commands')
      .select(['direction', 'command', 'status', 'result', 'partner_id'])
      .where('id', '=', id)
      .executeTakeFirst();
  const accepted = () => cpo.answerWith(() => ({ result: 'ACCEPTED', timeout: 30 }));

  it('sets a profile: PUT {session_id} with SetChargingProfile, then the ChargingProfileResult', async () => {
    accepted();
    const sent = await emsp.ocpi.chargingProfiles.set(cpoId, 'S-1', PROFILE);
    expect(sent.response).toEqual({ result: 'ACCEPTED', timeout: 30 });
    const request = cpo.calls.at(-1);
    expect(request).toMatchObject({ method: 'PUT', sessionId: 'S-1', query: {} });
    expect(request?.body).toEqual({ charging_profile: PROFILE, response_url: cpo.lastResponseUrl() });
    expect(request?.headers).toMatchObject({
      'ocpi-from-country-code': 'DE',
      'ocpi-from-party-id': 'MSP',
      'ocpi-to-country-code': 'NL',
      'ocpi-to-party-id': 'CPO',
    });
    expect(cpo.lastResponseUrl()).toBe(
      `${emsp.ocpi.versionsUrl().replace(/versions$/, version)}/sender/chargingprofiles/results/${sent.id}`,
    );
    expect(await stored(sent.id)).toEqual({
      direction: 'sent',
      command: 'SET_CHARGING_PROFILE',
      status: 'pending',
      result: null,
      partner_id: cpoId,
    });
    const posted = await cpo.postResult(cpo.lastResponseUrl(), { result: 'ACCEPTED' });
    expect(posted.body.status_code).toBe(1000);
    expect(posted.body).not.toHaveProperty('data');
    expect(await sent.result).toEqual({ result: 'ACCEPTED', source: 'partner' });
    expect(await stored(sent.id)).toMatchObject({ status: 'done', result: 'ACCEPTED' });
    // A second result changes nothing.
    const again = await cpo.postResult(cpo.lastResponseUrl(), { result: 'REJECTED' });
    expect(again.body.status_code).toBe(1000);
    expect(await stored(sent.id)).toMatchObject({ status: 'done', result: 'ACCEPTED' });
  });

  it('gets the active profile: GET {session_id}?duration=&response_url=, then the ActiveChargingProfileResult', async () => {
    accepted();
    const sent = await emsp.ocpi.chargingProfiles.get(cpoId, 'S-2', 900);
    expect(cpo.calls.at(-1)).toMatchObject({
      method: 'GET',
      sessionId: 'S-2',
      query: { duration: '900', response_url: cpo.lastResponseUrl() },
    });
    const posted = await cpo.postResult(cpo.lastResponseUrl(), { result: 'ACCEPTED', profile: ACTIVE });
    expect(posted.body.status_code).toBe(1000);
    expect(await sent.result).toEqual({ result: 'ACCEPTED', profile: ACTIVE, source: 'partner' });
    expect(await stored(sent.id)).toMatchObject({
      command: 'GET_ACTIVE_CHARGING_PROFILE',
      result: 'ACCEPTED',
    });
  });

  it('clears a profile: DELETE {session_id}?response_url=, then the ClearProfileResult', async () => {
    accepted();
    const sent = await emsp.ocpi.chargingProfiles.clear(cpoId, 'S-3');
    expect(cpo.calls.at(-1)).toMatchObject({
      method: 'DELETE',
      sessionId: 'S-3',
      query: { response_url: cpo.lastResponseUrl() },
    });
    await cpo.postResult(cpo.lastResponseUrl(), { result: 'UNKNOWN' });
    expect(await sent.result).toEqual({ result: 'UNKNOWN', source: 'partner' });
    expect(await stored(sent.id)).toMatchObject({ command: 'CLEAR_PROFILE', result: 'UNKNOWN' });
  });

  it.each(['REJECTED', 'UNKNOWN_SESSION', 'TOO_OFTEN', 'NOT_SUPPORTED'])(
    'settles at once when the CPO answers %s',
    async (answer) => {
      cpo.answerWith(() => ({ result: answer, timeout: 0 }));
      const sent = await emsp.ocpi.chargingProfiles.clear(cpoId, 'S-4');
      expect(sent.response.result).toBe(answer);
      expect(await sent.result).toEqual({ result: answer, source: 'response' });
      expect(await stored(sent.id)).toMatchObject({ status: 'done', result: answer });
    },
  );

  it('reads an answer that is no ChargingProfileResponse as REJECTED, settled at once', async () => {
    cpo.answerWith(() => ({ result: 'MAYBE' }));
    const sent = await emsp.ocpi.chargingProfiles.set(cpoId, 'S-5', PROFILE);
    expect(sent.response.result).toBe('REJECTED');
    expect(await sent.result).toEqual({ result: 'REJECTED', source: 'response' });
  });

  it('refuses a result posted by another partner, and changes nothing', async () => {
    accepted();
    const sent = await emsp.ocpi.chargingProfiles.set(cpoId, 'S-6', PROFILE);
    const url = cpo.lastResponseUrl();
    const wrong = await other.postResult(url, { result: 'REJECTED' });
    expect(wrong.body.status_code).toBe(2001);
    expect(wrong.body.status_message).toMatch(/not sent to you/);
    expect(await stored(sent.id)).toMatchObject({ status: 'pending', result: null });
    await cpo.postResult(url, { result: 'ACCEPTED' });
    expect(await sent.result).toEqual({ result: 'ACCEPTED', source: 'partner' });
  });

  it('answers a result for an unknown id with an OCPI error', async () => {
    const url = `${emsp.ocpi.versionsUrl().replace(/versions$/, version)}/sender/chargingprofiles/results/nope`;
    const reply = await cpo.postResult(url, { result: 'ACCEPTED' });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      status_code: 2001,
      status_message: 'unknown charging profile request nope',
    });
  });

  it('refuses a result of the wrong shape for its request with 2001 naming the field', async () => {
    accepted();
    const sent = await emsp.ocpi.chargingProfiles.get(cpoId, 'S-7', 60);
    const url = cpo.lastResponseUrl();
    const badProfile = await cpo.postResult(url, {
      result: 'ACCEPTED',
      profile: { start_date_time: 'soon', charging_profile: PROFILE },
    });
    expect(badProfile.body.status_code).toBe(2001);
    expect(badProfile.body.status_message).toMatch(
      /invalid ActiveChargingProfileResult: \/profile\/start_date_time/,
    );
    const badResult = await cpo.postResult(url, { result: 'MAYBE' });
    expect(badResult.body.status_message).toMatch(/\/result: must be one of ACCEPTED, REJECTED, UNKNOWN/);
    expect(await stored(sent.id)).toMatchObject({ status: 'pending', result: null });
    await cpo.postResult(url, { result: 'REJECTED' });
    expect(await sent.result).toEqual({ result: 'REJECTED', source: 'partner' });
  });

  it('gives TIMEOUT after timeout + grace, not before, and records a late result', async () => {
    cpo.answerWith(() => ({ result: 'ACCEPTED', timeout: 10 }));
    const sent = await emsp.ocpi.chargingProfiles.set(cpoId, 'S-8', PROFILE);
    const url = cpo.lastResponseUrl();
    let outcome: unknown;
    void sent.result.then((settled) => {
      outcome = settled;
    });
    await clock.advance((10 + GRACE_SECONDS) * 1000 - 1);
    expect(outcome).toBeUndefined();
    expect(await stored(sent.id)).toMatchObject({ status: 'pending' });
    await clock.advance(1);
    expect(await sent.result).toEqual({ result: 'TIMEOUT', source: 'local-timeout' });
    expect(await stored(sent.id)).toMatchObject({ status: 'timed_out', result: 'TIMEOUT' });
    const late = await cpo.postResult(url, { result: 'ACCEPTED' });
    expect(late.body.status_code).toBe(1000);
    expect(await stored(sent.id)).toMatchObject({ status: 'done', result: 'ACCEPTED' });
  });

  it('takes a result posted before the CPO answered the request, once', async () => {
    cpo.answerWith(async () => {
      const early = await cpo.postResult(cpo.lastResponseUrl(), { result: 'ACCEPTED' });
      expect(early.body.status_code).toBe(1000);
      return { result: 'ACCEPTED', timeout: 10 };
    });
    const sent = await emsp.ocpi.chargingProfiles.set(cpoId, 'S-11', PROFILE);
    expect(sent.response.result).toBe('ACCEPTED');
    expect(await sent.result).toEqual({ result: 'ACCEPTED', source: 'partner' });
    await clock.advance((10 + GRACE_SECONDS) * 1000);
    expect(await stored(sent.id)).toMatchObject({ status: 'done', result: 'ACCEPTED' });
  });

  it('checks the profile before sending: 2001 naming the field, nothing sent or stored', async () => {
    const before = cpo.calls.length;
    const rows = async () =>
      (await emsp.ocpi.store.db.selectFrom('ocpi_commands').select('id').execute()).length;
    const count = await rows();
    // @ts-expect-error kW is no ChargingRateUnit: what a caller reading JSON could still pass
    const bad: v230.chargingprofiles.ChargingProfile = { ...PROFILE, charging_rate_unit: 'kW' };
    await expect(emsp.ocpi.chargingProfiles.set(cpoId, 'S-9', bad)).rejects.toMatchObject({
      statusCode: 2001,
      message: expect.stringMatching(/\/charging_profile\/charging_rate_unit: must be one of W, A/),
    });
    await expect(emsp.ocpi.chargingProfiles.get(cpoId, 'S-9', -1)).rejects.toMatchObject({
      statusCode: 2001,
      message: expect.stringMatching(/^duration:/),
    });
    await expect(emsp.ocpi.chargingProfiles.clear(cpoId, 'x'.repeat(37))).rejects.toMatchObject({
      statusCode: 2001,
      message: expect.stringMatching(/^session_id:/),
    });
    expect(cpo.calls.length).toBe(before);
    expect(await rows()).toBe(count);
  });

  it('refuses a partner without a chargingprofiles receiver: NO_MATCHING_ENDPOINTS', async () => {
    await expect(emsp.ocpi.chargingProfiles.set(otherId, 'S-10', PROFILE)).rejects.toMatchObject({
      code: 'OCPI_ERR_NO_MATCHING_ENDPOINTS',
      statusCode: 3003,
    });
  });
});
