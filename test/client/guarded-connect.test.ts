import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressNotAllowedError, guardedLookup } from '../../src/client/guarded-connector.ts';
import { OcpiHttpClient, type OcpiHttpOptions, PartnerCallError } from '../../src/client/ocpi-http.ts';
import type { OutboundUrlPolicy } from '../../src/client/url-guard.ts';
import {
  type ConnectionCounter,
  fakeLookup,
  LOOPBACK_SPELLINGS,
  startConnectionCounter,
} from '../support/connection-counter.ts';

const PRIVATE_OFF = { allowPrivateNetworks: false };

// These calls skip the URL check on purpose: the connection itself must be refused, as for
// endpoints stored before the policy was tightened. Every address here is loopback.
describe('outbound connections checked by address at connect time', () => {
  let counter: ConnectionCounter;
  beforeAll(async () => {
    counter = await startConnectionCounter();
  });
  afterAll(() => counter.close());

  async function attempt(url: string, policy: OutboundUrlPolicy, options: OcpiHttpOptions = {}) {
    const client = new OcpiHttpClient({ timeoutMs: 2000, ...options }, policy);
    try {
      return await client.call({ method: 'GET', url, token: 't', encoding: 'base64' });
    } catch (err) {
      return err;
    } finally {
      await client.close();
    }
  }

  it.each(LOOPBACK_SPELLINGS)(
    'http://%s is refused with private networks off, without a connection',
    async (host) => {
      const before = counter.connections();
      const url = `http://${host}:${counter.port}/versions`;
      const err = await attempt(url, PRIVATE_OFF);
      expect(err).toBeInstanceOf(PartnerCallError);
      expect((err as PartnerCallError).message).toBe(`GET ${url}: address not allowed`);
      expect((err as PartnerCallError).partnerHttpStatus).toBeUndefined();
      expect(counter.connections()).toBe(before);
    },
  );

  it.each(LOOPBACK_SPELLINGS)('http://%s is called under the default policy', async (host) => {
    const before = counter.connections();
    const reply = await attempt(`http://${host}:${counter.port}/versions`, {});
    expect(reply).toMatchObject({ httpStatus: 200, envelope: { status_code: 1000 } });
    expect(counter.connections()).toBe(before + 1);
  });

  it('a host name resolving to loopback is refused when it connects, after the lookup', async () => {
    const dns = fakeLookup({ 'partner.test': '127.0.0.1' });
    const url = `http://partner.test:${counter.port}/versions`;
    const before = counter.connections();
    const err = await attempt(url, PRIVATE_OFF, { lookup: dns.lookup });
    expect(dns.asked).toContain('partner.test');
    expect(err).toBeInstanceOf(PartnerCallError);
    // What a partner may read: no resolved address, no socket detail.
    expect((err as PartnerCallError).message).toBe(`GET ${url}: address not allowed`);
    expect(counter.connections()).toBe(before);
  });

  it('the same name is called under the default policy, through the injected lookup', async () => {
    const dns = fakeLookup({ 'partner.test': '127.0.0.1' });
    const before = counter.connections();
    const reply = await attempt(`http://partner.test:${counter.port}/versions`, {}, { lookup: dns.lookup });
    expect(reply).toMatchObject({ httpStatus: 200 });
    expect(dns.asked).toEqual(['partner.test']);
    expect(counter.connections()).toBe(before + 1);
  });

  it('every connection attempt is looked up and checked anew (no earlier answer is trusted)', async () => {
    const dns = fakeLookup({ 'partner.test': '127.0.0.1' });
    const client = new OcpiHttpClient({ timeoutMs: 2000, lookup: dns.lookup }, PRIVATE_OFF);
    try {
      const url = `http://partner.test:${counter.port}/versions`;
      const before = counter.connections();
      for (let i = 0; i < 3; i++) {
        await expect(client.call({ method: 'GET', url, token: 't', encoding: 'base64' })).rejects.toThrow(
          /address not allowed/,
        );
      }
      expect(dns.asked).toEqual(['partner.test', 'partner.test', 'partner.test']);
      expect(counter.connections()).toBe(before);
    } finally {
      await client.close();
    }
  });

  it('other network failures name no address either', async () => {
    const closed = await startConnectionCounter();
    const port = closed.port;
    await closed.close();
    const dns = fakeLookup({ 'partner.test': '127.0.0.1' });
    const refused = await attempt(`http://partner.test:${port}/versions`, {}, { lookup: dns.lookup });
    expect((refused as Error).message).toBe(`GET http://partner.test:${port}/versions: connection refused`);
    const unknown = await attempt(`http://nowhere.test:${port}/versions`, {}, { lookup: dns.lookup });
    expect((unknown as Error).message).toBe(`GET http://nowhere.test:${port}/versions: host not found`);
  });
});

type Answer = string | LookupAddress[];

/** Runs the guarded lookup over a fixed answer, as net.connect would call it. */
function resolveThrough(answer: Answer, all: boolean, policy = PRIVATE_OFF) {
  return new Promise<{ err: Error | null; address: Answer }>((resolve) => {
    const inner = (
      _host: string,
      _options: object,
      callback: (err: NodeJS.ErrnoException | null, address: Answer, family?: number) => void,
    ) => callback(null, answer, typeof answer === 'string' ? 4 : undefined);
    guardedLookup(policy, inner)('partner.test', { all }, (err, address) => resolve({ err, address }));
  });
}

describe('the guarded DNS lookup', () => {
  it('passes allowed answers through unchanged', async () => {
    expect(await resolveThrough('192.0.2.10', false)).toEqual({ err: null, address: '192.0.2.10' });
    const both = [
      { address: '192.0.2.10', family: 4 },
      { address: '2001:db8::10', family: 6 },
    ];
    expect(await resolveThrough(both, true)).toEqual({ err: null, address: both });
  });

  it('refuses an answer with any blocked address, and an empty one', async () => {
    for (const [answer, all] of [
      ['127.0.0.1', false],
      ['::ffff:7f00:1', false],
      ['169.254.169.254', false],
      [
        [
          { address: '192.0.2.10', family: 4 },
          { address: '10.0.0.1', family: 4 },
        ],
        true,
      ],
      [[{ address: 'fe80::1', family: 6 }], true],
      [[], true],
    ] as Array<[Answer, boolean]>) {
      const { err } = await resolveThrough(answer, all);
      expect(err).toBeInstanceOf(AddressNotAllowedError);
      expect(err?.message).toMatch(/^address \S+ not allowed by the outbound URL policy$/);
    }
  });

  it('passes a lookup failure through', async () => {
    const failing = (
      _host: string,
      _options: object,
      callback: (err: NodeJS.ErrnoException | null, address: Answer) => void,
    ) => callback(Object.assign(new Error('getaddrinfo ENOTFOUND partner.test'), { code: 'ENOTFOUND' }), '');
    const err = await new Promise<Error | null>((resolve) =>
      guardedLookup(PRIVATE_OFF, failing)('partner.test', {}, (e) => resolve(e)),
    );
    expect(err).toMatchObject({ code: 'ENOTFOUND' });
  });
});
