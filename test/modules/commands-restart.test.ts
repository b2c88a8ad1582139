import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimulatedGateway } from '../../src/modules/commands/simulated-gateway.ts';
import { startNode } from '../support/nodes.ts';
import { CPO_PARTY, EMSP_PARTY } from '../support/pair.ts';

const SPEC = new URL('../../../shared/ocpi-spec/', import.meta.url);
const json = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`2.3.0/examples/${file}`, SPEC), 'utf8'));

describe('a CPO stopped between CommandResponse and CommandResult', () => {
  it('sends TIMEOUT after it starts again, exactly once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ocpi-cpo-'));
    const fast = { backoff: { initialMs: 50, maxMs: 200, jitter: 0 }, pollIntervalMs: 50 };
    const silent = new SimulatedGateway({ default: 'silent' });
    const options = {
      versions: ['2.2.1' as const],
      parties: [CPO_PARTY],
      delivery: fast,
      store: { kind: 'pglite' as const, dataDir: dir },
      commands: { gateway: silent, timeoutSeconds: 2 },
    };
    let cpo = await startNode(options);
    const emsp = await startNode({ parties: [EMSP_PARTY], delivery: fast, commands: { graceSeconds: 30 } });
    try {
      const partner = await emsp.ocpi.registerWith(
        cpo.ocpi.versionsUrl(),
        await cpo.ocpi.createRegistrationToken(),
      );
      const example = json('location_example.json');
      const evses = (example.evses as Array<Record<string, unknown>>).map((e) => ({
        ...e,
        capabilities: ['REMOTE_START_STOP_CAPABLE'],
      }));
      const location = { ...example, evses, country_code: 'NL', party_id: 'CPO', id: 'R-LOC' };
      await cpo.ocpi.locations.put(location);
      const token = { ...json('token_example_2_full_rfid.json'), country_code: 'DE', party_id: 'MSP' };
      const sent = await emsp.ocpi.commands.send(partner.id, 'START_SESSION', {
        token,
        location_id: 'R-LOC',
      });
      expect(sent.response.result).toBe('ACCEPTED');
      await cpo.close();

      cpo = await startNode(options);
      let delivered = 0;
      cpo.ocpi.delivery.on('delivered', (e) => {
        if (e.entry.kind === 'command-result') delivered++;
      });
      expect(await sent.result).toEqual({ result: 'TIMEOUT', source: 'partner' });
      await new Promise((r) => setTimeout(r, 500));
      expect(delivered).toBe(1);
      expect(await cpo.ocpi.delivery.pending()).toBe(0);
    } finally {
      silent.close();
      await Promise.all([cpo.close(), emsp.close()]);
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
