import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChargerCommand, ChargerGateway, GatewayReporter } from '../../src/modules/commands/gateway.ts';
import { putStartableLocation, MSP_TOKEN as TOKEN } from '../support/command-fixtures.ts';
import { type Pair, startPair } from '../support/pair.ts';
import { STORES } from '../support/stores.ts';
import { waitFor } from '../support/wait-for.ts';

/** Chargers that hold every command until the test makes them answer. */
class HoldingGateway implements ChargerGateway {
  readonly held: Array<{ command: ChargerCommand; report: GatewayReporter }> = [];
  execute(command: ChargerCommand, report: GatewayReporter): void {
    this.held.push({ command, report });
  }
}

/*
 * Under load chargers answer many commands at the same moment, and the CPO settles those
 * answers together, in one transaction: each command still gets its own result, once.
 */
describe.each(STORES)('charger answers settled together on %s', (_store, storeOptions) => {
  const gateway = new HoldingGateway();
  /** CommandResult deliveries by the CPO, per response_url. */
  const delivered = new Map<string, number>();
  let pair: Pair;

  beforeAll(async () => {
    pair = await startPair('2.2.1', { cpo: { commands: { gateway, timeoutSeconds: 30 } } }, storeOptions);
    pair.cpo.ocpi.delivery.on('delivered', (e) => {
      if (e.entry.kind === 'command-result')
        delivered.set(e.entry.url, (delivered.get(e.entry.url) ?? 0) + 1);
    });
    await putStartableLocation(pair.cpo, 'TOGETHER');
  }, 120_000);
  afterAll(() => pair?.close());

  /** Sends `count` START_SESSIONs and waits until the chargers hold them all. */
  async function held(count: number) {
    const before = gateway.held.length;
    const sent = await Promise.all(
      Array.from({ length: count }, () =>
        pair.emsp.ocpi.commands.startSession(pair.cpoAtEmsp, {
          token: TOKEN,
          location_id: 'TOGETHER',
          evse_uid: 'E1',
        }),
      ),
    );
    await waitFor(() => gateway.held.length === before + count, { what: 'the commands at the chargers' });
    return { sent, answering: gateway.held.slice(before) };
  }

  it('gives each of many commands answered at once its own result, once', async () => {
    const { sent, answering } = await held(12);
    const outcomeOf = (i: number) => (i % 3 === 0 ? 'REJECTED' : 'ACCEPTED');
    // One turn of the event loop: the CPO settles them in one batch.
    for (const [i, { command, report }] of answering.entries())
      report.outcome(command.commandId, outcomeOf(i));
    const results = await Promise.all(sent.map((s) => s.result));
    // Each eMSP command got the answer its own charger gave: the CPO's row links the
    // charger's command to the eMSP's response_url, which ends with the eMSP's id.
    const rows = await pair.cpo.ocpi.store.db
      .selectFrom('ocpi_commands')
      .select(['id', 'response_url'])
      .where(
        'id',
        'in',
        answering.map(({ command }) => command.commandId),
      )
      .execute();
    const emspIdOf = new Map(rows.map((r) => [r.id, r.response_url.split('/').at(-1)]));
    const expected = new Map(
      answering.map(({ command }, i) => [emspIdOf.get(command.commandId), outcomeOf(i)]),
    );
    expect(sent.map((s, i) => [s.id, results[i]?.result])).toEqual(
      sent.map((s) => [s.id, expected.get(s.id)]),
    );
    await waitFor(() => [...delivered.values()].reduce((a, b) => a + b, 0) >= 12, { what: '12 deliveries' });
    expect([...delivered.values()].every((n) => n === 1)).toBe(true);
  });

  it('sends one result when a charger answers the same command twice at once, the first answer', async () => {
    const { sent, answering } = await held(2);
    const deliveredBefore = [...delivered.values()].reduce((a, b) => a + b, 0);
    for (const { command, report } of answering) {
      report.outcome(command.commandId, 'EVSE_OCCUPIED');
      report.outcome(command.commandId, 'ACCEPTED');
    }
    const results = await Promise.all(sent.map((s) => s.result));
    expect(results.map((r) => r.result)).toEqual(['EVSE_OCCUPIED', 'EVSE_OCCUPIED']);
    await waitFor(() => [...delivered.values()].reduce((a, b) => a + b, 0) >= deliveredBefore + 2, {
      what: 'two deliveries',
    });
    // Nothing more is on its way: the second answers were not sent.
    expect(await pair.cpo.ocpi.delivery.pending()).toBe(0);
    expect([...delivered.values()].every((n) => n === 1)).toBe(true);
  });

  it('sends nothing for a command another instance settled meanwhile, though this one inserted it', async () => {
    const { sent, answering } = await held(2);
    const [first, second] = answering;
    if (!first || !second) throw new Error('two commands held');
    // Another node on this store settled the first (its row is no longer pending); this one
    // still knows the row it inserted, and must not send a second result for it.
    await pair.cpo.ocpi.store.db
      .updateTable('ocpi_commands')
      .set({ status: 'done', result: 'ACCEPTED' })
      .where('id', '=', first.command.commandId)
      .execute();
    const urlOf = async (id: string) =>
      (
        await pair.cpo.ocpi.store.db
          .selectFrom('ocpi_commands')
          .select('response_url')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).response_url;
    const [firstUrl, secondUrl] = [
      await urlOf(first.command.commandId),
      await urlOf(second.command.commandId),
    ];
    first.report.outcome(first.command.commandId, 'REJECTED');
    second.report.outcome(second.command.commandId, 'REJECTED');
    // Settles run in order: once the second's result is delivered, the first was decided.
    await waitFor(() => delivered.has(secondUrl), { what: "the second command's result" });
    const secondAtEmsp = sent.find((s) => secondUrl.endsWith(`/${s.id}`));
    expect((await secondAtEmsp?.result)?.result).toBe('REJECTED');
    expect(delivered.has(firstUrl)).toBe(false);
    expect(await pair.cpo.ocpi.delivery.pending()).toBe(0);
  });
});
