import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { call, startNode } from '../support/nodes.ts';

describe('logs', () => {
  it('are structured JSON with the request id and the partner, and never carry a token', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const cpo = await startNode({ logger: { level: 'info', stream } });
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

      const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(records.some((r) => r.msg === 'partner registered with us')).toBe(true);
      const traced = records.filter((r) => r.reqId === 'trace-me');
      expect(traced.length).toBeGreaterThan(0);
      const [registered] = await cpo.ocpi.partners();
      expect(traced.find((r) => r.msg === 'request completed')?.partner).toBe(registered?.id);
      const all = lines.join('\n');
      for (const secret of [
        tokenA,
        row.outbound_token,
        tokenB,
        Buffer.from(row.outbound_token).toString('base64'),
      ]) {
        expect(all).not.toContain(secret);
      }
      await emsp.ocpi.unregister(partner.id);
    } finally {
      await Promise.all([cpo.close(), emsp.close()]);
    }
  });
});
