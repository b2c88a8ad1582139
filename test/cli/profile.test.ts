import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ocpi } from '../support/cli.ts';
import { type FakeProfileCpo, startFakeProfileCpo } from '../support/fake-profile-cpo.ts';
import { startNode } from '../support/nodes.ts';
import { EMSP_PARTY } from '../support/pair.ts';
import { memoryStore } from '../support/stores.ts';
import { waitFor } from '../support/wait-for.ts';

const ADMIN = 'profile-cli-admin-secret';

/* `ocpi profile …` talks to a node's admin API as `ocpi command` does, and prints what comes back. */
describe('ocpi profile', () => {
  let node: FastifyInstance;
  let cpo: FakeProfileCpo;
  let admin: string[];

  beforeAll(async () => {
    node = await startNode({ adminToken: ADMIN, parties: [EMSP_PARTY], store: memoryStore() });
    cpo = await startFakeProfileCpo({ version: '2.3.0' });
    await node.ocpi.registerWith(cpo.versionsUrl, 'a1');
    admin = ['--node', node.ocpi.adminUrl() ?? '', '--admin-token', ADMIN];
  }, 120_000);
  afterAll(async () => {
    await Promise.all([node?.close(), cpo?.close()]);
  });

  /** Runs the CLI; when the CPO has the request, answers it with `result`. */
  const run = async (args: string[], result: unknown) => {
    const before = cpo.calls.length;
    const printed = ocpi('profile', ...args, ...admin);
    await waitFor(() => cpo.calls.length > before, { what: 'the request at the CPO', timeoutMs: 30_000 });
    await cpo.postResult(cpo.lastResponseUrl(), result);
    return printed;
  };

  it('sets a profile of one limit', async () => {
    const out = await run(['set', 'NL*CPO', 'S-1', '--limit', '11000', '--unit', 'W', '--duration', '3600'], {
      result: 'ACCEPTED',
    });
    expect(cpo.calls.at(-1)?.body).toMatchObject({
      charging_profile: {
        charging_rate_unit: 'W',
        duration: 3600,
        charging_profile_period: [{ start_period: 0, limit: 11000 }],
      },
    });
    expect(out).toBe('ChargingProfileResponse: ACCEPTED (the CPO answers within 30 s)\nResult: ACCEPTED\n');
  });

  it('gets the active profile and prints it', async () => {
    const active = {
      start_date_time: '2024-05-01T10:00:00Z',
      charging_profile: {
        charging_rate_unit: 'A',
        charging_profile_period: [{ start_period: 0, limit: 16 }],
      },
    };
    const out = await run(['get', 'NL*CPO', 'S-1', '--duration', '900'], {
      result: 'ACCEPTED',
      profile: active,
    });
    expect(cpo.calls.at(-1)?.query).toMatchObject({ duration: '900' });
    expect(out).toContain('Result: ACCEPTED\n{');
    expect(out).toContain('"limit": 16');
  });

  it('clears a profile', async () => {
    const out = await run(['clear', 'NL*CPO', 'S-1'], { result: 'UNKNOWN' });
    expect(cpo.calls.at(-1)?.method).toBe('DELETE');
    expect(out).toMatch(/Result: UNKNOWN\n$/);
  });

  it('prints its usage without arguments', async () => {
    await expect(ocpi('profile')).rejects.toMatchObject({
      stdout: expect.stringMatching(/^Usage: ocpi profile/),
    });
  });
});
