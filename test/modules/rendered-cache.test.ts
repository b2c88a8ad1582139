import { describe, expect, it } from 'vitest';
import { RenderedCache } from '../../src/modules/objects/rendered-cache.ts';
import type { IndexedObject } from '../../src/store/object-index.ts';

const object = (id: string): IndexedObject => ({
  seq: Number(id.slice(1)),
  countryCode: 'NL',
  partyId: 'CPO',
  objectId: id,
  subtype: '',
  lastUpdated: 0,
  audience: '',
});
const json = (bytes: number) => Buffer.alloc(bytes, 0x20);

describe('RenderedCache', () => {
  it('keeps each form of an object apart, by the identity of the object', () => {
    const cache = new RenderedCache(10_000);
    const a = object('L1');
    cache.set(a, '2.2.1', Buffer.from('{"v":2}'));
    cache.set(a, '2.1.1', Buffer.from('{"v":1}'));
    expect(cache.get(a, '2.2.1')?.toString()).toBe('{"v":2}');
    expect(cache.get(a, '2.1.1')?.toString()).toBe('{"v":1}');
    // The same object after a change is another object of the index: nothing kept for it.
    expect(cache.get({ ...a }, '2.2.1')).toBeUndefined();
  });

  it('stays within its budget, dropping what was used least recently', () => {
    const cache = new RenderedCache(10_000);
    const objects = Array.from({ length: 40 }, (_, i) => object(`L${i}`));
    for (const [i, o] of objects.entries()) {
      cache.set(o, 'v', json(500));
      // L0 is read all along: it stays while the others come and go.
      expect(cache.get(objects[0] as IndexedObject, 'v')).toBeDefined();
      expect(cache.get(o, 'v')).toBeDefined();
      expect(i).toBeGreaterThanOrEqual(0);
    }
    const kept = objects.filter((o) => cache.get(o, 'v') !== undefined);
    expect(kept.length * (500 + 160)).toBeLessThanOrEqual(10_000);
    expect(kept.length).toBeGreaterThan(5);
    expect(kept).toContain(objects[0]);
    expect(kept).toContain(objects[39]);
    expect(kept).not.toContain(objects[1]);
  });

  it('keeps nothing with a budget of 0, and nothing larger than a quarter of its budget', () => {
    const none = new RenderedCache(0);
    none.set(object('L1'), 'v', json(10));
    expect(none.get(object('L1'), 'v')).toBeUndefined();
    const small = new RenderedCache(4000);
    const big = object('L2');
    small.set(big, 'v', json(1000));
    expect(small.get(big, 'v')).toBeUndefined();
  });
});
