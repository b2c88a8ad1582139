import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChargerSimulator } from '../../src/ocpp/simulator.ts';
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
import { chargerGone, simulator, startOcppPair } from '../support/ocpp.ts';
import type { Pair } from '../support/pair.ts';
import { STORES } from '../support/stores.ts';

describe.skipIf(!chromiumFound).each(STORES)('the Chargers page in Chromium (%s)', (name, store) => {
  let pair: Pair;
  let closeBrowser: () => Promise<void>;
  let page: Page;
  let problems: string[];
  let charger: ChargerSimulator | undefined;

  beforeAll(async () => {
    pair = await startOcppPair(store, {
      ...withBuiltConsole(),
    });
    await pair.cpo.ocpi.chargers.add({ id: 'CP-2', locationId: 'LOC1', evses: { '1': 'E2' } });
    ({
      page,
      problems,
      close: closeBrowser,
    } = await signedInPage(pair.cpo.ocpi.consoleUrl() ?? '', CONSOLE_TOKEN));
  }, 180_000);
  afterAll(async () => {
    await charger?.stop(true);
    await closeBrowser?.();
    await pair?.close();
  });

  const row = (id: string) =>
    page.getByRole('table', { name: 'Chargers' }).locator('tbody tr').filter({ hasText: id });

  it('lists the chargers bound to our Locations, offline before they connect', async () => {
    await page.getByRole('link', { name: 'Chargers' }).click();
    await page.getByRole('heading', { name: 'OCPP chargers' }).waitFor();
    await expect
      .poll(() => row('CP-1').locator('td').allTextContents(), SLOW)
      .toEqual(['CP-1', 'offline', '—', 'never', 'LOC1: connector n → its n-th EVSE']);
    expect(await row('CP-2').textContent()).toContain('LOC1: connector 1 → E2');
  });

  it('shows a charger that connects online, with its OCPP version and heartbeat, without reloading', async () => {
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
    charger = simulator(pair.cpo);
    expect(await charger.start()).toBe('Accepted');
    await expect
      .poll(() => row('CP-1').locator('td').allTextContents(), SLOW)
      .toEqual(['CP-1', 'online', '1.6', expect.stringMatching(/^\d\d\/\d\d\/\d{4}, /), expect.any(String)]);
    await screenshot(page, `${name}-chargers`);
    await charger.stop(true);
    charger = undefined;
    await chargerGone(pair.cpo);
    await expect.poll(() => row('CP-1').locator('td').nth(1).textContent(), SLOW).toBe('offline');
    expect(await page.evaluate(() => 'notReloaded' in window)).toBe(true);
    expect(await unlabelledControls(page)).toEqual([]);
    expect(await contrastFailures(page)).toEqual([]);
    expect(problems).toEqual([]);
  });
});
