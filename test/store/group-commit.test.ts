import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/store/group-commit.ts';

/** A batch writer that records its batches, answers each item doubled, and refuses any batch holding `poison`. */
function recorder(poison?: number) {
  const batches: number[][] = [];
  const write = async (items: readonly number[]) => {
    batches.push([...items]);
    // Like a statement on the store: it takes a moment, and a refused one leaves nothing.
    await new Promise((resolve) => setImmediate(resolve));
    if (poison !== undefined && items.includes(poison)) throw new Error(`refused ${poison}`);
    return items.map((i) => i * 2);
  };
  return { batches, write };
}

describe('GroupCommit', () => {
  it('writes what arrives in one turn together, and what arrives while it writes in the next batch', async () => {
    const { batches, write } = recorder();
    const group = new GroupCommit(write);
    const first = [1, 2, 3].map((i) => group.add(i));
    // Queued while the first batch is being written: they wait for it, then go together.
    await new Promise((resolve) => setImmediate(resolve));
    const second = [4, 5].map((i) => group.add(i));
    expect(await Promise.all([...first, ...second])).toEqual([2, 4, 6, 8, 10]);
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('writes a lone item at once, alone', async () => {
    const { batches, write } = recorder();
    const group = new GroupCommit(write);
    expect(await group.add(7)).toBe(14);
    expect(await group.add(8)).toBe(16);
    expect(batches).toEqual([[7], [8]]);
  });

  it('fails only the item the store refuses: the rest of its batch is written again alone', async () => {
    const { batches, write } = recorder(2);
    const group = new GroupCommit(write);
    const results = await Promise.allSettled([1, 2, 3].map((i) => group.add(i)));
    expect(results).toEqual([
      { status: 'fulfilled', value: 2 },
      { status: 'rejected', reason: new Error('refused 2') },
      { status: 'fulfilled', value: 6 },
    ]);
    expect(batches).toEqual([[1, 2, 3], [1], [2], [3]]);
    // The group goes on after a refusal.
    expect(await group.add(4)).toBe(8);
  });

  it('splits a long queue into batches of at most maxBatch', async () => {
    const { batches, write } = recorder();
    const group = new GroupCommit(write, 2);
    expect(await Promise.all([1, 2, 3, 4, 5].map((i) => group.add(i)))).toEqual([2, 4, 6, 8, 10]);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('runs up to `concurrency` writes at once, never more, and each starts the next when it ends', async () => {
    let running = 0;
    let most = 0;
    const gates: Array<() => void> = [];
    const batches: number[][] = [];
    const group = new GroupCommit(
      async (items: readonly number[]) => {
        batches.push([...items]);
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
        return items.map((i) => i * 2);
      },
      2,
      2,
    );
    const all = Promise.all([1, 2, 3, 4, 5, 6].map((i) => group.add(i)));
    const open = async () => {
      while (gates.length === 0) await new Promise((resolve) => setImmediate(resolve));
      gates.shift()?.();
    };
    for (let i = 0; i < 3; i++) await open();
    expect(await all).toEqual([2, 4, 6, 8, 10, 12]);
    expect(most).toBe(2);
    expect(batches).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  });

  it('fails every item of a write that answers for fewer items than it was given, each alone too', async () => {
    const group = new GroupCommit(async (items: readonly number[]) => items.slice(1));
    const results = await Promise.allSettled([1, 2].map((i) => group.add(i)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
