import { describe, expect, it } from 'vitest';
import { PartnerRegistry } from '../../src/partners/registry.ts';
import { migrations } from '../../src/store/migrations/index.ts';
import { openStore } from '../../src/store/store.ts';
import { STORES } from '../support/stores.ts';

describe.each(STORES)('store on %s', (_name, options) => {
  it('migrates, and resolves tokens from memory after the first lookup', async () => {
    const store = await openStore(options());
    try {
      const registry = new PartnerRegistry(store);
      const token = await registry.createRegistrationToken();
      const row = await store.db.selectFrom('ocpi_inbound_tokens').selectAll().executeTakeFirstOrThrow();
      expect(row.token_hash).not.toBe(token);
      expect(row.kind).toBe('registration');
      const header = `Token ${Buffer.from(token).toString('base64')}`;
      expect(await registry.authenticate(header)).toMatchObject({ token, caller: { kind: 'registration' } });
      expect(await registry.authenticate(`Token ${token}`)).toMatchObject({
        token,
        caller: { kind: 'registration' },
      });
      // The row is gone, but the cached answer stands until invalidated: no database round trip per request.
      await store.db.deleteFrom('ocpi_inbound_tokens').execute();
      expect(await registry.authenticate(header)).toMatchObject({ caller: { kind: 'registration' } });
      registry.invalidate(undefined, [row.token_hash]);
      expect(await registry.authenticate(header)).toBeUndefined();
      expect(await registry.authenticate(`Token ${token}`)).toBeUndefined();
      // An unknown token, once looked up, is remembered as unknown until a token with its hash appears.
      await registry.createRegistrationToken(token);
      expect(await registry.authenticate(header)).toMatchObject({ caller: { kind: 'registration' } });
    } finally {
      await store.close();
    }
  });

  it('runs migrations only once when reopened', async () => {
    const opts = options();
    const first = await openStore(opts);
    await first.close();
    const second = await openStore(opts);
    const applied = await second.db
      .selectFrom('ocpi_schema_migrations' as never)
      .select('name' as never)
      .execute();
    expect(applied.length).toBeGreaterThan(0);
    await second.close();
  });
});

describe('in-memory stores', () => {
  it('each start migrated and empty, and never see each other, though later ones start from a copy', async () => {
    const stores = [];
    try {
      for (let i = 0; i < 3; i++) {
        const store = await openStore({ kind: 'pglite', dataDir: 'memory' });
        stores.push(store);
        expect(await store.db.selectFrom('ocpi_inbound_tokens').selectAll().execute()).toEqual([]);
        const applied = await store.db
          .selectFrom('ocpi_schema_migrations' as never)
          .select('name' as never)
          .execute();
        expect(applied.map((r) => (r as { name: string }).name)).toEqual(Object.keys(migrations));
        await new PartnerRegistry(store).createRegistrationToken(`token-${i}`);
      }
      for (const [i, store] of stores.entries()) {
        const rows = await store.db.selectFrom('ocpi_inbound_tokens').select('label').execute();
        expect(rows).toHaveLength(1);
        expect(await new PartnerRegistry(store).authenticate(`Token token-${i}`)).toBeDefined();
      }
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
