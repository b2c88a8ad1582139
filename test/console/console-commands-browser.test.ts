import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedGateway } from '../../src/modules/commands/simulated-gateway.ts';
import {
  chromiumFound,
  contrastFailures,
  SLOW,
  screenshot,
  signedInPage,
  unlabelledControls,
  withBuiltConsole,
} from '../support/browser.ts';
import { CONSOLE_TOKEN } from '../support/console.ts';
import { call, startNode } from '../support/nodes.ts';
import { location, token } from '../support/objects.ts';
import { CPO_PARTY, EMSP_PARTY } from '../support/pair.ts';
import { STORES } from '../support/stores.ts';

describe.skipIf(!chromiumFound).each(STORES)(
  'sending commands from the console in Chromium (%s)',
  (name, store) => {
    let cpo: FastifyInstance;
    let emsp: FastifyInstance;
    let closeBrowser: () => Promise<void>;
    let page: Page;
    let problems: string[];
    const gateway = new SimulatedGateway({ evses: { E1: 'accept', E2: 'reject' }, tickMs: 200 });

    beforeAll(async () => {
      const fast = { backoff: { initialMs: 50, maxMs: 200, jitter: 0 }, pollIntervalMs: 50 };
      cpo = await startNode({ parties: [CPO_PARTY], store: store(), delivery: fast, commands: { gateway } });
      emsp = await startNode({
        parties: [EMSP_PARTY],
        store: store(),
        delivery: fast,
        ...withBuiltConsole(),
      });
      const place = location('LOC1', 2);
      for (const evse of place.evses as Array<Record<string, unknown>>)
        evse.capabilities = ['REMOTE_START_STOP_CAPABLE'];
      await cpo.ocpi.locations.put(place as Parameters<typeof cpo.ocpi.locations.put>[0], '2.3.0');
      const admin = { authorization: `Bearer ${CONSOLE_TOKEN}` };
      const loaded = await call(`${emsp.ocpi.adminUrl()}/objects/tokens`, {
        method: 'PUT',
        headers: admin,
        body: token('RFID-1'),
      });
      expect(loaded.body.status_code).toBe(1000);
      await emsp.ocpi.registerWith(cpo.ocpi.versionsUrl(), await cpo.ocpi.createRegistrationToken());
      ({
        page,
        problems,
        close: closeBrowser,
      } = await signedInPage(emsp.ocpi.consoleUrl() ?? '', CONSOLE_TOKEN));
    }, 180_000);
    afterAll(async () => {
      gateway.close();
      await closeBrowser?.();
      await Promise.all([cpo?.close(), emsp?.close()]);
    });

    const send = async (command: string, request: object) => {
      await page.getByLabel('Command', { exact: true }).selectOption(command);
      await page.getByLabel('Request', { exact: true }).fill(JSON.stringify(request));
      await page.getByRole('button', { name: 'Send command' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Send', exact: true }).click();
    };
    const progress = () => page.getByRole('list', { name: 'What happened to the command' }).textContent();

    it('sends START_SESSION as eMSP and shows the answer, the result and the live session arrive', async () => {
      await page.getByRole('link', { name: 'Commands' }).click();
      await page.getByRole('heading', { name: 'Send a command to a CPO' }).waitFor();
      // The partner list loads after the page shows: wait for it.
      await expect
        .poll(() => page.getByLabel('CPO partner').textContent(), SLOW)
        .toContain('NL*CPO Charge Co');
      await send('START_SESSION', { token: 'RFID-1', location_id: 'LOC1', evse_uid: 'E1' });
      await expect
        .poll(progress, SLOW)
        .toMatch(/The CPO answered ACCEPTED, result within 30 s \(after [\d.]+ s\)\./);
      await expect.poll(progress, SLOW).toMatch(/Result: ACCEPTED, [\d.]+ s after sending\./);
      await expect.poll(progress, SLOW).toMatch(/Session \S+: ACTIVE/);
      const row = page.getByRole('row').filter({ hasText: 'START_SESSION' });
      await expect.poll(() => row.first().textContent(), SLOW).toMatch(/sent.*done.*ACCEPTED/);
      expect(await unlabelledControls(page)).toEqual([]);
      expect(await contrastFailures(page)).toEqual([]);
      await screenshot(page, `${name}-commands`);
      await page.getByRole('link', { name: 'Overview' }).click();
      await page.getByText('live sessions').waitFor();
      await expect
        .poll(() => page.locator('.figure', { hasText: 'live sessions' }).textContent(), SLOW)
        .toMatch(/^1/);
    });

    it('shows a refusal in plain words, and a request that is not JSON is not sent', async () => {
      await page.getByRole('link', { name: 'Commands' }).click();
      await page.getByRole('heading', { name: 'Send a command to a CPO' }).waitFor();
      await send('START_SESSION', { token: 'NO-SUCH-TOKEN', location_id: 'LOC1', evse_uid: 'E1' });
      await expect.poll(progress, SLOW).toContain('START_SESSION failed: token: no own token NO-SUCH-TOKEN');
      await send('START_SESSION', { token: 'RFID-1', location_id: 'LOC1', evse_uid: 'E2' });
      await expect.poll(progress, SLOW).toMatch(/Result: REJECTED/);
      await page.getByLabel('Request', { exact: true }).fill('{ not json');
      await page.getByRole('button', { name: 'Send command' }).click();
      await expect
        .poll(() => page.getByRole('status').first().textContent(), SLOW)
        .toContain('The request is not valid JSON');
      expect(await page.getByRole('dialog').count()).toBe(0);
      expect(problems).toEqual([]);
    });
  },
);
