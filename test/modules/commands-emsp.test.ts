import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../support/manual-clock.ts';
import { call, startNode } from '../support/nodes.ts';
import { EMSP_PARTY } from '../support/pair.ts';

/** The timeout the fake CPOs announce, and the grace the eMSP adds before it gives up. */
const CPO_TIMEOUT_SECONDS = 30;
const GRACE_SECONDS = 5;

interface FakeCpo {
  app: FastifyInstance;
  base: string;
  /** The token the eMSP gave us (B): what we call it with. */
  tokenB?: string;
  /** response_urls of the commands we accepted. */
  responseUrls: string[];
}

/** A CPO that accepts every command with its timeout and never posts a result by itself. */
async function startFakeCpo(partyId: string): Promise<FakeCpo> {
  const app = Fastify();
  const fake: FakeCpo = { app, base: '', responseUrls: [] };
  const ok = (data: unknown) => ({ data, status_code: 1000, timestamp: new Date().toISOString() });
  app.get('/versions', async () => ok([{ version: '2.2.1', url: `${fake.base}/2.2.1` }]));
  app.get('/2.2.1', async () =>
    ok({
      version: '2.2.1',
      endpoints: [
        { identifier: 'credentials', role: 'SENDER', url: `${fake.base}/credentials` },
        { identifier: 'commands', role: 'RECEIVER', url: `${fake.base}/commands` },
      ],
    }),
  );
  app.post<{ Body: { token: string } }>('/credentials', async (request) => {
    fake.tokenB = request.body.token;
    return ok({
      token: `c-${partyId}`,
      url: `${fake.base}/versions`,
      roles: [{ role: 'CPO', party_id: partyId, country_code: 'NL', business_details: { name: partyId } }],
    });
  });
  app.post<{ Body: { response_url: string } }>('/commands/:command', async (request) => {
    fake.responseUrls.push(request.body.response_url);
    return ok({ result: 'ACCEPTED', timeout: CPO_TIMEOUT_SECONDS });
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  fake.base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return fake;
}

describe('commands as an eMSP, against CPOs that misbehave', () => {
  // The eMSP's time moves only when the test says.
  const clock = new ManualClock();
  let emsp: FastifyInstance;
  let first: FakeCpo;
  let second: FakeCpo;
  let firstId: string;
  const token = {
    country_code: 'DE',
    party_id: 'MSP',
    uid: 'U1',
    type: 'RFID',
    contract_id: 'DE-MSP-1',
    issuer: 'x',
    valid: true,
    whitelist: 'ALLOWED',
    last_updated: '2024-01-01T00:00:00Z',
  };

  beforeAll(async () => {
    emsp = await startNode({ clock, parties: [EMSP_PARTY], commands: { graceSeconds: GRACE_SECONDS } });
    first = await startFakeCpo('ONE');
    second = await startFakeCpo('TWO');
    firstId = (await emsp.ocpi.registerWith(`${first.base}/versions`, 'a1')).id;
    await emsp.ocpi.registerWith(`${second.base}/versions`, 'a2');
  });
  afterAll(async () => {
    await Promise.all([emsp.close(), first.app.close(), second.app.close()]);
  });

  it('resolves TIMEOUT locally after timeout + grace, not before, and still records a late result', async () => {
    const sent = await emsp.ocpi.commands.send(firstId, 'START_SESSION', { token, location_id: 'L1' });
    expect(sent.response).toEqual({ result: 'ACCEPTED', timeout: CPO_TIMEOUT_SECONDS });
    let outcome: unknown;
    void sent.result.then((settled) => {
      outcome = settled;
    });
    await clock.advance((CPO_TIMEOUT_SECONDS + GRACE_SECONDS) * 1000 - 1);
    expect((await emsp.ocpi.commands.get(sent.id))?.status).toBe('pending');
    expect(outcome).toBeUndefined();
    await clock.advance(1);
    expect(await sent.result).toEqual({ result: 'TIMEOUT', source: 'local-timeout' });
    expect((await emsp.ocpi.commands.get(sent.id))?.status).toBe('timed_out');
    const late = await call(first.responseUrls.at(-1) as string, {
      method: 'POST',
      token: first.tokenB as string,
      body: { result: 'EVSE_OCCUPIED' },
    });
    // Answered once recorded.
    expect(late.body.status_code).toBe(1000);
    expect(await emsp.ocpi.commands.get(sent.id)).toMatchObject({ status: 'done', result: 'EVSE_OCCUPIED' });
  });

  it('refuses a result from a registered partner the command was not sent to, and takes it from the right one', async () => {
    const sent = await emsp.ocpi.commands.send(firstId, 'STOP_SESSION', { session_id: 'S1' });
    const url = first.responseUrls.at(-1) as string;
    const wrong = await call(url, {
      method: 'POST',
      token: second.tokenB as string,
      body: { result: 'ACCEPTED' },
    });
    expect(wrong.body.status_code).toBe(2001);
    expect(wrong.body.status_message).toMatch(/not sent to you/);
    const right = await call(url, {
      method: 'POST',
      token: first.tokenB as string,
      body: { result: 'ACCEPTED', message: [{ language: 'en', text: 'ok' }] },
    });
    expect(right.body.status_code).toBe(1000);
    expect(await sent.result).toEqual({
      result: 'ACCEPTED',
      source: 'partner',
      message: [{ language: 'en', text: 'ok' }],
    });
    const garbage = await call(url, { method: 'POST', token: first.tokenB as string, body: { result: 42 } });
    expect(garbage.body.status_code).toBe(2001);
  });
});
