import { describe, expect, it } from 'vitest';
import { ManualClock } from './manual-clock.ts';

describe('ManualClock', () => {
  it('fires due timers in order, each at its own time, and only when moved', async () => {
    const clock = new ManualClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 200);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 100);
    const cancelled = clock.setTimeout(() => fired.push('never'), 150);
    cancelled.cancel();
    expect(fired).toEqual([]);
    await clock.advance(150);
    expect(fired).toEqual(['a@100']);
    // A timer set by a firing one falls due within the same advance.
    clock.setTimeout(() => clock.setTimeout(() => fired.push(`c@${clock.now()}`), 10), 10);
    await clock.advance(100);
    expect(fired).toEqual(['a@100', 'c@170', 'b@200']);
    expect(clock.now()).toBe(250);
    expect(clock.pending).toBe(0);
  });

  it('fires an interval due many times once, at the last of those times', async () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    const poll = clock.setInterval(() => fired.push(clock.now()), 1000);
    await clock.advance(24 * 3600_000 + 500);
    expect(fired).toEqual([24 * 3600_000]);
    await clock.advance(500);
    expect(fired).toEqual([24 * 3600_000, 24 * 3600_000 + 1000]);
    poll.cancel();
    await clock.advance(5000);
    expect(fired).toHaveLength(2);
  });
});
