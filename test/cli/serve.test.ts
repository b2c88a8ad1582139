import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serve, stopAllServed } from '../support/cli.ts';

/* What `ocpi serve` does when the user says little: safe and not silent. */

afterAll(stopAllServed);

const FIRST_START = /Creating the embedded database in (\S+) \(first start, this can take a few seconds\)/;

describe('ocpi serve defaults', () => {
  it('listens on 127.0.0.1 only when --host is not given', async () => {
    const node = await serve([]);
    expect(node.output()).toMatch(/listening on:\s+127\.0\.0\.1:\d+\s+\(this machine only/);
    await node.kill();
  }, 90_000);

  it('listens where --host says', async () => {
    const node = await serve(['--host', '::1']);
    expect(node.output()).toMatch(/listening on:\s+\[::1\]:\d+\n/);
    await node.kill();
  }, 90_000);

  it('says it creates the embedded database on the first start in a new directory, and only then', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'ocpi-first-start-'));
    const dir = join(parent, 'data');
    try {
      const first = await serve(['--data', dir]);
      expect(FIRST_START.exec(first.output())?.[1]).toBe(dir);
      await first.kill();
      const again = await serve(['--data', dir]);
      expect(again.output()).not.toMatch(/Creating the embedded database/);
      await again.kill();
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  }, 180_000);

  it('says nothing of the kind in memory', async () => {
    const node = await serve(['--data', 'memory']);
    expect(node.output()).not.toMatch(/Creating the embedded database/);
    await node.kill();
  }, 90_000);
});
