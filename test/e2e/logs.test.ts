import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { OcpiAppOptions } from '../../src/index.ts';
import { call, startNode } from '../support/nodes.ts';

type LogRecord = Record<string, unknown>;

/**
 * A CPO logging at `level` to memory, an eMSP that registers with it, and one call of the
 * eMSP's to the CPO's versions with X-Request-ID `trace-me`. Gives the CPO's log records,
 * the CPO's id for the eMSP, and every token that went over the wire.
 */
async function registerAndCall(level: string, operations?: OcpiAppOptions['operations']) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const cpo = await startNode({ logger: { level, stream }, ...(operations ? { operations } : {}) });
  const emsp = await startNode({
    parties: [{ countryCode: 'DE', partyId: 'MSP', role: 'EMSP', businessDetails: { name: 'x' } }],
  });
  try {
    const tokenA = await cpo.ocpi.createRegistrationToken();
    const partner = await emsp.ocpi.registerWith(cpo.ocpi.versionsUrl(), tokenA);
    const row = await emsp.ocpi.store.db
      .selectFrom('ocpi_partners')
      .select('outbound_token')
      .executeTakeFirstOrThrow();
    await call(cpo.ocpi.versionsUrl(), {
      token: row.outbound_token,
      headers: { 'x-request-id': 'trace-me' },
    });
    const tokenB = (
      await cpo.ocpi.store.db.selectFrom('ocpi_partners').select('outbound_token').executeTakeFirstOrThrow()
    ).outbound_token;
    const [registered] = await cpo.ocpi.partners();
    await emsp.ocpi.unregister(partner.id);
    const secrets = [tokenA, row.outbound_token, tokenB, Buffer.from(row.outbound_token).toString('base64')];
    return {
      records: lines.map((l) => JSON.parse(l) as LogRecord),
      all: lines.join('\n'),
      partnerId: registered?.id,
      secrets,
    };
  } finally {
    await Promise.all([cpo.close(), emsp.close()]);
  }
}

const PER_REQUEST = new Set(['incoming request', 'request completed']);

describe('logs', () => {
  it('at info (the default of ocpi serve): business events, no line per request, never a token', async () => {
    const { records, all, secrets } = await registerAndCall('info');
    expect(records.some((r) => r.msg === 'partner registered with us')).toBe(true);
    expect(records.filter((r) => PER_REQUEST.has(String(r.msg)))).toEqual([]);
    expect(records.filter((r) => r.reqId === 'trace-me')).toEqual([]);
    for (const secret of secrets) expect(all).not.toContain(secret);
  });

  it('at info, a slow request is logged at warn with its request id and partner', async () => {
    // Every request is "slow" at a threshold of 0 ms.
    const { records, partnerId, all, secrets } = await registerAndCall('info', { slowRequestMs: 0 });
    const traced = records.filter((r) => r.reqId === 'trace-me');
    expect(traced).toEqual([
      expect.objectContaining({ msg: 'slow request', level: 40, partner: partnerId, statusCode: 200 }),
    ]);
    // And every line a request wrote carries its request id.
    for (const r of records.filter((r) => r.msg === 'slow request'))
      expect(r.reqId).toEqual(expect.any(String));
    for (const secret of secrets) expect(all).not.toContain(secret);
  });

  it('at debug: a line as each request comes in and completes, with the request id and the partner, never a token', async () => {
    const { records, partnerId, all, secrets } = await registerAndCall('debug');
    const traced = records.filter((r) => r.reqId === 'trace-me');
    expect(traced.map((r) => r.msg)).toEqual(
      expect.arrayContaining(['incoming request', 'request completed']),
    );
    expect(traced.find((r) => r.msg === 'request completed')?.partner).toBe(partnerId);
    for (const r of records.filter((r) => PER_REQUEST.has(String(r.msg))))
      expect(r.reqId).toEqual(expect.any(String));
    expect(records.some((r) => r.msg === 'partner registered with us')).toBe(true);
    for (const secret of secrets) expect(all).not.toContain(secret);
  });
});
