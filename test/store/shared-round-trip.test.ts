import { describe, expect, it } from 'vitest';
import { SharedRoundTrip } from '../../src/store/shared-round-trip.ts';

/** Round trips that come back when the test says, with the answer it gives. */
function trips() {
  const started: Array<(answer: boolean) => void> = [];
  const shared = new SharedRoundTrip(
    () =>
      new Promise<boolean>((resolve) => {
        started.push(resolve);
      }),
  );
  return { shared, started };
}

describe('a round trip many callers share', () => {
  it('gives each caller one that started after its call, one at a time, shared by those that came meanwhile', async () => {
    const { shared, started } = trips();
    const first = shared.after();
    expect(started).toHaveLength(1);
    // These came while the first was on the way: it does not cover them; the next one does.
    const second = shared.after();
    const third = shared.after();
    expect(started).toHaveLength(1);
    started[0]?.(true);
    expect(await first).toBe(true);
    await Promise.resolve();
    expect(started).toHaveLength(2);
    // One more while the second is on the way: it waits for a third trip.
    const fourth = shared.after();
    started[1]?.(false);
    expect(await second).toBe(false);
    expect(await third).toBe(false);
    await Promise.resolve();
    expect(started).toHaveLength(3);
    started[2]?.(true);
    expect(await fourth).toBe(true);
  });

  it('starts a new one for a caller that comes when none is on the way', async () => {
    const { shared, started } = trips();
    const first = shared.after();
    started[0]?.(true);
    await first;
    const second = shared.after();
    expect(started).toHaveLength(2);
    started[1]?.(true);
    expect(await second).toBe(true);
  });

  it('fails only the callers of a failed round trip: those waiting behind it get the next one', async () => {
    const started: Array<{ resolve: (rows: string[]) => void; reject: (error: Error) => void }> = [];
    const shared = new SharedRoundTrip<string[]>(
      () => new Promise<string[]>((resolve, reject) => started.push({ resolve, reject })),
    );
    const first = shared.after();
    const second = shared.after();
    started[0]?.reject(new Error('connection lost'));
    await expect(first).rejects.toThrow('connection lost');
    await Promise.resolve();
    expect(started).toHaveLength(2);
    started[1]?.resolve(['a']);
    expect(await second).toEqual(['a']);
  });
});
