import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { ocpiPlugin } from '../../src/index.ts';
import { call, startNode } from '../support/nodes.ts';

describe('ocpiPlugin', () => {
  it('mounts a node into an existing Fastify app beside its own routes, under its own base path', async () => {
    const app = Fastify();
    app.get('/health', async () => ({ ok: true }));
    await app.register(ocpiPlugin, { basePath: '/api/ocpi', versions: ['2.2.1'], modules: ['tokens'] });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const partner = await startNode({
      parties: [{ countryCode: 'DE', partyId: 'MSP', role: 'EMSP', businessDetails: { name: 'x' } }],
    });
    try {
      expect(app.ocpi.versionsUrl()).toMatch(/\/api\/ocpi\/versions$/);
      const health = await fetch(app.ocpi.versionsUrl().replace(/api\/ocpi\/versions$/, 'health'));
      expect(await health.json()).toEqual({ ok: true });
      expect((await call(app.ocpi.versionsUrl())).status).toBe(401);
      const registered = await partner.ocpi.registerWith(
        app.ocpi.versionsUrl(),
        await app.ocpi.createRegistrationToken(),
      );
      expect(registered.version).toBe('2.2.1');
      // Only the enabled modules are listed.
      expect(registered.endpoints).toEqual([
        {
          identifier: 'credentials',
          role: 'SENDER',
          url: app.ocpi.versionsUrl().replace(/versions$/, '2.2.1/credentials'),
        },
        {
          identifier: 'tokens',
          role: 'RECEIVER',
          url: app.ocpi.versionsUrl().replace(/versions$/, '2.2.1/receiver/tokens'),
        },
      ]);
      // No admin token given: no admin API.
      expect(
        (await fetch(app.ocpi.versionsUrl().replace(/api\/ocpi\/versions$/, 'admin/partners'))).status,
      ).toBe(404);
    } finally {
      await Promise.all([app.close(), partner.close()]);
    }
  });

  it('refuses options that cannot work', async () => {
    for (const options of [
      { versions: [] },
      { versions: ['2.0' as '2.1.1'] },
      { parties: [] },
      { modules: ['teleport'] },
    ]) {
      const app = Fastify();
      await expect(app.register(ocpiPlugin, options).ready()).rejects.toThrow();
      await app.close();
    }
  });
});
