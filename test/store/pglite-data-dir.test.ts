import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { migrations } from '../../src/store/migrations/index.ts';
import { openStore, type Store } from '../../src/store/store.ts';

/* The embedded database's memory settings, and a new data directory created by a child process. */

const parent = await mkdtemp(join(tmpdir(), 'ocpi-pglite-dir-'));
afterAll(() => rm(parent, { recursive: true, force: true }));

async function setting(store: Store, name: string): Promise<string> {
  const { rows } = await sql<Record<string, string>>`show ${sql.raw(name)}`.execute(store.db);
  return Object.values(rows[0] ?? {})[0] ?? '';
}

async function appliedMigrations(store: Store): Promise<string[]> {
  const rows = await store.db
    .selectFrom('ocpi_schema_migrations' as never)
    .select('name' as never)
    .execute();
  return rows.map((r) => (r as { name: string }).name);
}

describe('PGlite data directories', () => {
  it('creates new ones in child processes, two at once, and opens them here with the memory settings', async () => {
    const dirs = [join(parent, 'a', 'data'), join(parent, 'b')];
    const stores = await Promise.all(
      dirs.map((dataDir) => openStore({ kind: 'pglite', dataDir, createInChildProcess: true })),
    );
    try {
      for (const [i, store] of stores.entries()) {
        expect(existsSync(join(dirs[i] as string, 'PG_VERSION'))).toBe(true);
        expect(await appliedMigrations(store)).toEqual(Object.keys(migrations));
        expect(await setting(store, 'shared_buffers')).toBe('16MB');
        expect(await setting(store, 'maintenance_work_mem')).toBe('16MB');
        await sql`create table kept (n int)`.execute(store.db);
        await sql`insert into kept values (${i})`.execute(store.db);
      }
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
    // Reopened: the same database, not a new one.
    const again = await openStore({ kind: 'pglite', dataDir: dirs[1] as string, createInChildProcess: true });
    try {
      const { rows } = await sql<{ n: number }>`select n from kept`.execute(again.db);
      expect(rows).toEqual([{ n: 1 }]);
    } finally {
      await again.close();
    }
  }, 180_000);

  it('has the same settings in memory and in a directory created in this process', async () => {
    const stores = await Promise.all([
      openStore({ kind: 'pglite', dataDir: 'memory' }),
      openStore({ kind: 'pglite', dataDir: join(parent, 'here') }),
    ]);
    try {
      for (const store of stores) expect(await setting(store, 'shared_buffers')).toBe('16MB');
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  }, 120_000);

  it('says which directory it could not create, and why: a file, or a database directory it cannot fill', async () => {
    const file = join(parent, 'a-file');
    await writeFile(file, 'not a database');
    await expect(
      openStore({ kind: 'pglite', dataDir: file, createInChildProcess: true }),
    ).rejects.toMatchObject({
      code: 'OCPI_ERR_CONFIG',
      message: expect.stringMatching(
        new RegExp(`^creating the embedded database in ${file} failed: .*EEXIST`),
      ),
    });
    expect(await readFile(file, 'utf8')).toBe('not a database');
    // initdb, in the child, cannot make its base/ directory where a file stands.
    const blocked = join(parent, 'blocked');
    await mkdir(blocked);
    await writeFile(join(blocked, 'base'), 'in the way');
    await expect(
      openStore({ kind: 'pglite', dataDir: blocked, createInChildProcess: true }),
    ).rejects.toMatchObject({
      code: 'OCPI_ERR_CONFIG',
      message: expect.stringMatching(
        new RegExp(`^creating the embedded database in ${blocked} failed: .+\\(exit 1\\)$`),
      ),
    });
    expect(await readFile(join(blocked, 'base'), 'utf8')).toBe('in the way');
    expect(existsSync(join(blocked, 'PG_VERSION'))).toBe(false);
  }, 180_000);
});
