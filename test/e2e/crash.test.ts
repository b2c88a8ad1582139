import { rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { demoToken } from '../../src/cli/demo-data.ts';
import {
  freePort,
  ocpi,
  SERVED_STORES,
  type Served,
  type ServedStore,
  serve,
  stopAllServed,
} from '../support/cli.ts';
import { expectInOrderToLast } from '../support/coalesced.ts';
import { type Gate, type Passage, startGate } from '../support/gate.ts';
import { call, startNode } from '../support/nodes.ts';
import { EMSP_PARTY, eventually } from '../support/pair.ts';
import { exampleJson } from '../support/spec-fixtures.ts';

const ADMIN = 'crash-test-admin-token';

interface CrashPair {
  /** The CPO process as it runs now (replaced by restart()). */
  cpo: Served;
  /** Starts the CPO again on the same port and store; the eMSP's stored URLs stay valid. */
  restart(): Promise<Served>;
  /** Between the CPO and the eMSP: what reached the eMSP, and what it refused. */
  gate: Gate;
  emsp: FastifyInstance;
  cpoAtEmsp: string;
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A CPO as an `ocpi serve` process on a port it keeps across restarts, and an eMSP node
 * in this process behind a gate; the eMSP registers with the CPO.
 */
async function crashPair(makeStore: () => Promise<ServedStore>, extra: string[]): Promise<CrashPair> {
  const store = await makeStore();
  cleanups.push(() => store.remove());
  const port = await freePort();
  const args = [
    ...store.args,
    ...['--port', String(port), '--public-url', `http://127.0.0.1:${port}`, '--admin-token', ADMIN],
    ...['--role', 'cpo', '--party', 'NL*CPO', '--versions', '2.2.1', ...extra],
  ];
  cleanups.push(stopAllServed);
  const gate = await startGate();
  cleanups.push(() => gate.close());
  // A long grace: the eMSP must not give up on its own while the CPO is down.
  const emsp = await startNode({
    parties: [EMSP_PARTY],
    publicUrl: gate.url,
    commands: { graceSeconds: 300 },
  });
  cleanups.push(() => emsp.close());
  // Its own address: its versions URL names the gate.
  gate.forwardTo(`http://127.0.0.1:${(emsp.server.address() as AddressInfo).port}`);
  const pair: CrashPair = {
    cpo: await serve(args),
    restart: async () => {
      pair.cpo = await serve(args);
      return pair.cpo;
    },
    gate,
    emsp,
    cpoAtEmsp: '',
  };
  pair.cpoAtEmsp = (await emsp.ocpi.registerWith(pair.cpo.versionsUrl, pair.cpo.bootstrapToken)).id;
  return pair;
}

/** Waits until `count()` reaches `n`. */
function reach(count: () => number, n: number, timeoutMs: number): Promise<true> {
  return eventually(async () => count() >= n || undefined, timeoutMs);
}

/**
 * Waits until the CPO process has nothing (of `kind`) left in its outbox, as its admin API
 * says. A row leaves the outbox when the partner's answer came, or together with the
 * command row's final state: from then on nothing of it can be sent again.
 */
async function drained(cpo: Served, kind?: string): Promise<void> {
  await eventually(async () => {
    const reply = await call(`${cpo.adminUrl}/outbox`, { headers: { authorization: `Bearer ${ADMIN}` } });
    const { entries } = reply.body.data as { entries: Array<{ kind: string }> };
    return entries.every((e) => kind !== undefined && e.kind !== kind) || undefined;
  }, 20_000);
}

const LOCATION = exampleJson('2.2.1', 'location_example.json') as Record<string, unknown>;

describe.each(SERVED_STORES)(
  'a CPO process killed with SIGKILL, restarted on the same store (%s)',
  (_, store) => {
    it('delivers the location pushes still in its outbox after the restart: in order, once each, ending with the last one loaded', async () => {
      const { cpo, restart, gate, emsp, cpoAtEmsp } = await crashPair(store, []);
      const isPush = (p: Pick<Passage, 'method' | 'path'>) =>
        p.method === 'PUT' && p.path.endsWith('/locations/NL/CPO/CRASH-1');
      gate.block((method, path) => isPush({ method, path }), 503);

      const versions = [1, 2, 3].map((i) => ({
        ...LOCATION,
        country_code: 'NL',
        party_id: 'CPO',
        id: 'CRASH-1',
        name: `Version ${i}`,
        last_updated: `2015-06-29T20:4${i}:00Z`,
      }));
      const file = join(tmpdir(), `ocpi-crash-${process.pid}-${Date.now()}.json`);
      await writeFile(file, JSON.stringify(versions));
      cleanups.push(() => rm(file, { force: true }));
      expect(
        await ocpi(
          'load',
          '--node',
          cpo.adminUrl,
          '--admin-token',
          ADMIN,
          '--version',
          '2.2.1',
          'locations',
          file,
        ),
      ).toMatch(/loaded 3 locations/);
      // The eMSP is down for the first version: the CPO tried, and keeps all three in its outbox.
      await reach(() => gate.refused.filter(isPush).length, 1, 15_000);
      await cpo.kill('SIGKILL');
      expect(gate.passed.filter(isPush)).toEqual([]);

      gate.open();
      const restarted = await restart();
      await reach(
        () => (gate.passed.filter(isPush).some((p) => isDeepStrictEqual(p.body, versions[2])) ? 1 : 0),
        1,
        20_000,
      );
      await drained(restarted);
      const delivered = gate.passed.filter(isPush);
      expect(delivered.every((p) => p.status === 200)).toBe(true);
      // Each once, in order, to the last: the eMSP was behind, so version 2 may be superseded.
      const names = delivered.map((p) => (p.body as { name: string }).name);
      expect(new Set(names).size, 'no version twice').toBe(names.length);
      expectInOrderToLast(
        names,
        versions.map((v) => v.name),
        'CRASH-1',
      );
      expect(
        await emsp.ocpi.locations.received(cpoAtEmsp, { countryCode: 'NL', partyId: 'CPO', id: 'CRASH-1' }),
      ).toMatchObject({ name: 'Version 3', last_updated: '2015-06-29T20:43:00Z' });
    }, 120_000);

    it('sends TIMEOUT once after a restart for a command whose charger never answered', async () => {
      const { cpo, restart, gate, emsp, cpoAtEmsp } = await crashPair(store, [
        '--demo',
        '--simulate',
        'DEMO-E2=silent',
        '--command-timeout',
        '3',
      ]);
      const sent = await emsp.ocpi.commands.send(cpoAtEmsp, 'START_SESSION', {
        token: demoToken('DE', 'MSP'),
        location_id: 'DEMO-1',
        evse_uid: 'DEMO-E2',
      });
      expect(sent.response).toEqual({ result: 'ACCEPTED', timeout: 3 });
      // Killed between CommandResponse and CommandResult.
      await cpo.kill('SIGKILL');
      const results = () => gate.passed.filter((p) => p.method === 'POST' && p.path.endsWith(`/${sent.id}`));
      expect(results()).toEqual([]);

      const restarted = await restart();
      expect(await sent.result).toEqual({ result: 'TIMEOUT', source: 'partner' });
      // The TIMEOUT left the outbox with the command row final: no second one can be made.
      await drained(restarted, 'command-result');
      expect(results().map((p) => [p.status, p.body])).toEqual([[200, { result: 'TIMEOUT' }]]);
      // --demo loads its Location and Tariff once per store, not again on each restart.
      expect(gate.passed.filter((p) => /\/(locations|tariffs)\//.test(p.path))).toEqual([]);
    }, 120_000);

    it("delivers the charger's ACCEPTED once after a restart when the eMSP was down before the kill", async () => {
      const { cpo, restart, gate, emsp, cpoAtEmsp } = await crashPair(store, [
        '--demo',
        '--command-timeout',
        '2',
      ]);
      const isResult = (method: string, path: string) =>
        method === 'POST' && path.includes('/sender/commands/');
      gate.block(isResult, 503);
      const sent = await emsp.ocpi.commands.send(cpoAtEmsp, 'START_SESSION', {
        token: demoToken('DE', 'MSP'),
        location_id: 'DEMO-1',
        evse_uid: 'DEMO-E1',
      });
      expect(sent.response).toEqual({ result: 'ACCEPTED', timeout: 2 });
      const mine = (p: Passage) => p.method === 'POST' && p.path.endsWith(`/${sent.id}`);
      // The charger answered and the CPO tried to tell the eMSP, which was down.
      await reach(() => gate.refused.filter(mine).length, 1, 15_000);
      // --demo's charger is a simulated OCPP 1.6J one: its answer comes with the CPO's message.
      const accepted = {
        result: 'ACCEPTED',
        message: [{ language: 'en', text: 'the charger answered Accepted' }],
      };
      expect(gate.refused.filter(mine)[0]?.body).toEqual(accepted);
      await cpo.kill('SIGKILL');

      gate.open();
      const restarted = await restart();
      expect(await sent.result).toMatchObject({ result: 'ACCEPTED', source: 'partner' });
      // The command row became final with the ACCEPTED it enqueued: no TIMEOUT can follow.
      await drained(restarted, 'command-result');
      expect(gate.passed.filter(mine).map((p) => [p.status, p.body])).toEqual([[200, accepted]]);
    }, 120_000);

    // The lease a delivery worker takes on a message (60 s) outlives the process; the
    // restarted node sees that the process holding it no longer runs, and takes it over at once.
    it("re-sends a push that was on the wire when it was killed, without waiting out the dead process's lease", async () => {
      const { cpo, restart, gate, emsp, cpoAtEmsp } = await crashPair(store, []);
      const isPush = (p: Pick<Passage, 'method' | 'path'>) =>
        p.method === 'PUT' && p.path.endsWith('/locations/NL/CPO/CRASH-2');
      gate.block((method, path) => isPush({ method, path }), 'hang');
      const location = {
        ...LOCATION,
        country_code: 'NL',
        party_id: 'CPO',
        id: 'CRASH-2',
        name: 'On the wire',
      };
      const loaded = await call(`${cpo.adminUrl}/objects/locations?version=2.2.1`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ADMIN}` },
        body: location,
      });
      expect(loaded.body.data).toEqual({ loaded: 1 });
      // The request reached the eMSP's door and hangs there: killed while waiting for the answer.
      await reach(() => gate.refused.filter(isPush).length, 1, 15_000);
      await cpo.kill('SIGKILL');

      gate.open();
      const restarted = await restart();
      // Well within the 60 s lease.
      await reach(() => gate.passed.filter(isPush).length, 1, 20_000);
      await drained(restarted);
      expect(gate.passed.filter(isPush).map((p) => [p.status, p.body])).toEqual([[200, location]]);
      expect(
        await emsp.ocpi.locations.received(cpoAtEmsp, { countryCode: 'NL', partyId: 'CPO', id: 'CRASH-2' }),
      ).toMatchObject({ name: 'On the wire' });
    }, 120_000);
  },
);
