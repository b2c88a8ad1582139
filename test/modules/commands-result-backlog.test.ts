import { afterEach, describe, expect, it } from 'vitest';
import { createOcpiApp } from '../../src/index.ts';
import type { ChargerGateway } from '../../src/modules/commands/gateway.ts';
import { putStartableLocation, MSP_TOKEN as TOKEN } from '../support/command-fixtures.ts';
import { captureLogs } from '../support/log-lines.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { type Pair, startPair } from '../support/pair.ts';
import { STORES } from '../support/stores.ts';
import { waitFor } from '../support/wait-for.ts';

/** The charger answers every command at once: its result is in the outbox right after. */
const answering: ChargerGateway = {
  execute: (command, report) => report.outcome(command.commandId, 'ACCEPTED'),
};

/*
 * Under overload a CPO that takes every command at once falls behind on the results. While
 * a partner's CommandResults wait in the outbox beyond the bound, its new commands wait for
 * them (at most waitMs), so that its results stay close behind.
 */
describe.each(STORES)('commands wait for the results of their partner on %s', (_store, storeOptions) => {
  let pair: Pair | undefined;
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  async function started(resultBacklog: { max: number; waitMs: number }, clock?: ManualClock) {
    const logs = captureLogs('info');
    const p = await startPair(
      '2.2.1',
      {
        cpo: {
          logger: logs.logger,
          commands: { gateway: answering, resultBacklog },
          ...(clock ? { clock } : {}),
        },
      },
      storeOptions,
    );
    pair = p;
    await putStartableLocation(p.cpo, 'BACKLOG');
    const start = () =>
      p.emsp.ocpi.commands.startSession(p.cpoAtEmsp, {
        token: TOKEN,
        location_id: 'BACKLOG',
        evse_uid: 'E1',
      });
    /** Stops the CPO's deliveries and sends `count` commands, whose results then wait in its outbox. */
    const behind = async (count: number) => {
      await p.cpo.ocpi.delivery.stop();
      const sent = [];
      for (let i = 0; i < count; i++) sent.push(await start());
      await waitFor(async () => (await p.cpo.ocpi.delivery.pending()) === count, {
        what: `${count} results waiting`,
      });
      return sent;
    };
    /**
     * Sends a command while `count` results wait, and returns it once answered. It was held
     * (the log line says so) until waitMs after the backlog last showed room: the reading of
     * the earlier commands, taken after `since`. So the time from `since` bounds the wait.
     */
    const heldWhileBehind = async (count: number) => {
      const since = performance.now();
      await behind(count);
      const held = logs.next(/results to the partner are behind/);
      const sent = await start();
      await held;
      expect(performance.now() - since).toBeGreaterThanOrEqual(resultBacklog.waitMs);
      return sent;
    };
    return { p, logs, start, behind, heldWhileBehind };
  }

  it('holds a command while two results wait, and accepts it once they went, results first', async () => {
    const { p, logs, start, behind } = await started({ max: 2, waitMs: 60_000 });
    const earlier = await behind(2);
    const order: string[] = [];
    for (const [i, s] of earlier.entries()) void s.result.then(() => order.push(`result ${i}`));
    const held = logs.next(/results to the partner are behind/);
    const third = start().then((s) => {
      order.push('third answered');
      return s;
    });
    const line = await held;
    expect(line).toMatchObject({ partnerId: p.emspAtCpo, kind: 'command-result', backlog: 2 });
    expect(order).toEqual([]);
    p.cpo.ocpi.delivery.start();
    const answered = await third;
    expect(answered.response.result).toBe('ACCEPTED');
    // The third went once the backlog was below two: after a result had reached the eMSP.
    const before = order.slice(0, order.indexOf('third answered'));
    expect(before.length).toBeGreaterThanOrEqual(1);
    expect(before.every((event) => event.startsWith('result '))).toBe(true);
    await Promise.all(earlier.map((s) => s.result));
    expect((await answered.result).result).toBe('ACCEPTED');
  });

  it('holds commands once for results that do not move, then lets them through', async () => {
    const { start, heldWhileBehind } = await started({ max: 2, waitMs: 3000 });
    expect((await heldWhileBehind(2)).response.result).toBe('ACCEPTED');
    // A whole waitMs without room: the partner's results are stuck (its deliveries stopped,
    // as for a partner the worker paused), and its next commands are not held for them.
    const nextAt = performance.now();
    expect((await start()).response.result).toBe('ACCEPTED');
    expect(performance.now() - nextAt).toBeLessThan(2500);
  });

  it('waits in real time on a node whose clock stands still', async () => {
    const { p, heldWhileBehind } = await started({ max: 1, waitMs: 300 }, new ManualClock());
    expect((await heldWhileBehind(1)).response.result).toBe('ACCEPTED');
    p.cpo.ocpi.delivery.start();
  });

  it('accepts a held command anyway after waitMs, and its result follows', async () => {
    const { p, heldWhileBehind } = await started({ max: 1, waitMs: 300 });
    const third = await heldWhileBehind(1);
    expect(third.response.result).toBe('ACCEPTED');
    p.cpo.ocpi.delivery.start();
    expect((await third.result).result).toBe('ACCEPTED');
  });

  it('does not hold commands for results that failed and wait for their retry', async () => {
    const { p, start, behind } = await started({ max: 2, waitMs: 60_000 });
    await behind(2);
    // Tried and failed: retried with backoff, and no reason to hold the partner's commands.
    await p.cpo.ocpi.store.db.updateTable('ocpi_outbox').set({ attempts: 1 }).execute();
    const third = await start();
    expect(third.response.result).toBe('ACCEPTED');
  });

  it('does not hold anything with max 0', async () => {
    const { start, behind } = await started({ max: 0, waitMs: 60_000 });
    await behind(3);
    expect((await start()).response.result).toBe('ACCEPTED');
  });
});

describe('the result backlog options', () => {
  it.each([{ max: -1 }, { max: 1.5 }, { waitMs: -1 }, { waitMs: Number.NaN }])(
    'refuses %o',
    async (resultBacklog) => {
      await expect(
        createOcpiApp({
          parties: [{ countryCode: 'NL', partyId: 'CPO', role: 'CPO', businessDetails: { name: 'x' } }],
          commands: { resultBacklog },
        }),
      ).rejects.toMatchObject({ code: 'OCPI_ERR_CONFIG', message: expect.stringMatching(/resultBacklog/) });
    },
  );
});
