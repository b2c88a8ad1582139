import { expect } from 'vitest';

/**
 * What a partner that was behind on an object receives of its versions: some of them, in
 * the order they were made, ending with the last one. The outbox sends only the newest of
 * the changes queued for a partner and object (the ones between are superseded), so which
 * versions arrive depends on how far behind it was; order and the final state do not.
 * Consecutive repeats (a push on the wire when a sender was killed) are folded first.
 */
export function expectInOrderToLast<T>(received: readonly T[], versions: readonly T[], label?: string) {
  const distinct = received.filter((v, i) => i === 0 || !Object.is(v, received[i - 1]));
  const positions = distinct.map((v) => versions.indexOf(v));
  expect(
    positions.every((p) => p >= 0),
    `${label ?? ''} only versions that were made`,
  ).toBe(true);
  expect(
    positions.every((p, i) => i === 0 || p > (positions[i - 1] as number)),
    `${label ?? ''} in order, each once: ${JSON.stringify(distinct)}`,
  ).toBe(true);
  expect(distinct.at(-1), `${label ?? ''} ends with the last version`).toEqual(versions.at(-1));
}
