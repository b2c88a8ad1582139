import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StoreOptions } from '../../src/store/store.ts';
import { SERVED_STORES, serve, stopAllServed } from '../support/cli.ts';
import { call, startNode } from '../support/nodes.ts';
import { EMSP_PARTY } from '../support/pair.ts';
import { postgresStore, storeCases } from '../support/stores.ts';

const dirs: string[] = [];
const pgliteDir = async (): Promise<StoreOptions> => {
  const dir = await mkdtemp(join(tmpdir(), 'ocpi-tokens-'));
  dirs.push(dir);
  return { kind: 'pglite', dataDir: dir };
};
const postgres = async (): Promise<StoreOptions> => postgresStore();

let partner: FastifyInstance;
beforeAll(async () => {
  partner = await startNode({ parties: [EMSP_PARTY] });
}, 120_000);
// The partner registers with one NL*ACM node after another: it forgets each before the next.
afterEach(async () => {
  await partner.ocpi.store.db.deleteFrom('ocpi_partners').execute();
});
afterAll(async () => {
  await stopAllServed();
  await partner?.close();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const versionsStatus = async (versionsUrl: string, token: string) =>
  (await call(versionsUrl, { token })).status;

describe.each(storeCases(pgliteDir, postgres))(
  'a token A, once used, stays dead across restarts (%s)',
  (_, durable) => {
    it('is not brought back by the registrationTokens option nor created again', async () => {
      const store = await durable();
      const options = { store, registrationTokens: ['configured-token-x'] };
      const first = await startNode(options);
      await partner.ocpi.registerWith(first.ocpi.versionsUrl(), 'configured-token-x');
      await first.close();

      const second = await startNode(options);
      try {
        expect(await versionsStatus(second.ocpi.versionsUrl(), 'configured-token-x')).toBe(401);
        await expect(second.ocpi.createRegistrationToken('configured-token-x')).rejects.toMatchObject({
          statusCode: 2001,
          message: expect.stringMatching(/used already/),
        });
        expect((await second.ocpi.partners()).map((p) => p.status)).toEqual(['registered']);
      } finally {
        await second.close();
      }
    });

    it('keeps one live bootstrap token: a new one with replace drops the unused one before it', async () => {
      const node = await startNode({ store: await durable() });
      try {
        const one = await node.ocpi.createRegistrationToken(undefined, 'bootstrap', { replace: true });
        const other = await node.ocpi.createRegistrationToken(undefined, 'operator');
        const two = await node.ocpi.createRegistrationToken(undefined, 'bootstrap', { replace: true });
        expect(await versionsStatus(node.ocpi.versionsUrl(), one)).toBe(401);
        expect(await versionsStatus(node.ocpi.versionsUrl(), two)).toBe(200);
        expect(await versionsStatus(node.ocpi.versionsUrl(), other)).toBe(200);
      } finally {
        await node.close();
      }
    });
  },
);

describe.each(SERVED_STORES)('ocpi serve restarted on the same store (%s)', (_, makeStore) => {
  it('never accepts a used --bootstrap-token again, and keeps one generated bootstrap token', async () => {
    const store = await makeStore();
    try {
      const first = await serve([...store.args, '--bootstrap-token', 'bootstrap-token-x']);
      await partner.ocpi.registerWith(first.versionsUrl, 'bootstrap-token-x');
      await first.kill();

      // Without the option: a generated token, and X stays dead.
      const second = await serve(store.args);
      const generated = second.bootstrapToken;
      expect(generated).not.toBe('bootstrap-token-x');
      expect(await versionsStatus(second.versionsUrl, 'bootstrap-token-x')).toBe(401);
      expect(await versionsStatus(second.versionsUrl, generated)).toBe(200);
      await second.kill();

      // X again: refused, said so; the generated one of the last start is gone too.
      const third = await serve([...store.args, '--bootstrap-token', 'bootstrap-token-x']);
      expect(third.output()).toMatch(/bootstrap token:\s+none: this token A was used already/);
      expect(await versionsStatus(third.versionsUrl, 'bootstrap-token-x')).toBe(401);
      expect(await versionsStatus(third.versionsUrl, generated)).toBe(401);
      await third.kill();
    } finally {
      await store.remove();
    }
  }, 180_000);
});
