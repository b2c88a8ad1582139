import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { OcpiVersion } from '../../src/model/versions.ts';
import type { ChargerGateway } from '../../src/modules/commands/gateway.ts';
import type { StoreOptions } from '../../src/store/store.ts';
import { startCatcher } from '../support/loopback-catcher.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { call, startNode } from '../support/nodes.ts';
import { CPO_PARTY, EMSP_PARTY, tokenOf } from '../support/pair.ts';
import { PROFILE } from '../support/profile-pair.ts';
import { exampleJson } from '../support/spec-fixtures.ts';
import { postgresStore, storeCases } from '../support/stores.ts';
import { deliverySettled, waitFor } from '../support/wait-for.ts';

const CASES = (['2.2.1', '2.3.0'] as OcpiVersion[]).flatMap((version) =>
  storeCases<() => Promise<StoreOptions>>(
    async () => ({ kind: 'pglite', dataDir: await mkdtemp(join(tmpdir(), 'ocpi-profiles-')) }),
    async () => postgresStore(),
  ).map(([name, store]) => [version, name, store] as const),
);

/** A charger that takes profile requests and never answers them. */
const silent: ChargerGateway = { execute: () => {}, profile: () => {} };

describe.each(CASES)(
  'a CPO restarted with profile requests pending, OCPI %s on %s',
  (version, _name, storeOf) => {
    it('sends each REJECTED result once: at once for one expired while down, at its deadline for the other', async () => {
      const store = await storeOf();
      const clock = new ManualClock();
      const catcher = await startCatcher();
      const options = {
        clock,
        versions: [version],
        parties: [CPO_PARTY],
        delivery: { backoff: { initialMs: 50, maxMs: 200, jitter: 0 }, pollIntervalMs: 50 },
        store,
        commands: { gateway: silent, timeoutSeconds: 2, responseUrlPolicy: 'any' as const },
      };
      let cpo: FastifyInstance = await startNode(options);
      const emsp = await startNode({ parties: [EMSP_PARTY], clock });
      try {
        const partner = await emsp.ocpi.registerWith(
          cpo.ocpi.versionsUrl(),
          await cpo.ocpi.createRegistrationToken(),
        );
        const session = exampleJson('2.3.0', 'session_example_1_simple_start.json') as Record<
          string,
          unknown
        >;
        await cpo.ocpi.sessions.put(
          {
            ...session,
            country_code: 'NL',
            party_id: 'CPO',
            id: 'R1',
            status: 'ACTIVE',
            cdr_token: { ...(session.cdr_token as object), country_code: 'DE', party_id: 'MSP' },
          },
          '2.3.0',
        );
        const token = await tokenOf(emsp, partner.id);
        const receiver = `${cpo.ocpi.versionsUrl().replace(/versions$/, version)}/receiver/chargingprofiles/R1`;
        const early = catcher.url('early');
        const set = await call(receiver, {
          method: 'PUT',
          token,
          body: { charging_profile: PROFILE, response_url: early },
        });
        expect(set.body.data).toEqual({ result: 'ACCEPTED', timeout: 2 });
        await clock.advance(1500);
        const late = catcher.url('late');
        const get = await call(`${receiver}?duration=60&response_url=${encodeURIComponent(late)}`, { token });
        expect(get.body.data).toEqual({ result: 'ACCEPTED', timeout: 2 });
        await cpo.close();

        // Down for a second: the first request's deadline passes, the second's does not.
        await clock.advance(1000);
        cpo = await startNode(options);
        // Its timer is due at once (0 ms): the manual clock fires it when moved, by nothing.
        await clock.advance(0);
        await waitFor(() => catcher.at(early).length > 0, { what: 'the result that expired while down' });
        await clock.advance(999);
        await deliverySettled(cpo.ocpi.delivery);
        expect(catcher.at(late)).toEqual([]);
        await clock.advance(1);
        await waitFor(() => catcher.at(late).length > 0, { what: 'the result at its deadline' });
        await deliverySettled(cpo.ocpi.delivery);
        await clock.advance(10_000);
        await deliverySettled(cpo.ocpi.delivery);
        // Once each, and as charging profile results: the commands side did not take them up too.
        expect(catcher.at(early).map((c) => c.body)).toEqual([{ result: 'REJECTED' }]);
        expect(catcher.at(late).map((c) => c.body)).toEqual([{ result: 'REJECTED' }]);
        const rows = await cpo.ocpi.store.db
          .selectFrom('ocpi_commands')
          .select(['status', 'result'])
          .execute();
        expect(rows).toEqual([
          { status: 'timed_out', result: 'REJECTED' },
          { status: 'timed_out', result: 'REJECTED' },
        ]);
        expect(await cpo.ocpi.delivery.pending()).toBe(0);
      } finally {
        await Promise.all([cpo.close(), emsp.close(), catcher.close()]);
        if (store.kind === 'pglite') await rm(store.dataDir, { recursive: true, force: true });
      }
    }, 60_000);
  },
);
