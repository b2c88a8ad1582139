import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { startNode } from '../support/nodes.ts';
import { CPO_PARTY } from '../support/pair.ts';
import { exampleJson } from '../support/spec-fixtures.ts';
import { STORES } from '../support/stores.ts';

type Json = Record<string, unknown>;

/** The spec's example CDR as one of NL*CPO's, `n` minutes after the first. */
function cdr(id: string, n: number): Json {
  const example = exampleJson('2.3.0', 'cdr_example.json') as Json;
  for (const tariff of example.tariffs as Json[]) tariff.tax_included ??= 'NO';
  const at = new Date(Date.parse('2030-01-01T00:00:00Z') + n * 60_000).toISOString();
  return { ...example, id, country_code: 'NL', party_id: 'CPO', last_updated: at };
}

describe.skipIf(!chromiumFound).each(STORES)('the CDRs page in Chromium (%s)', (name, store) => {
  let cpo: FastifyInstance;
  let closeBrowser: () => Promise<void>;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    cpo = await startNode({
      parties: [CPO_PARTY],
      store: store(),
      ...withBuiltConsole(),
    });
    // 21 CDRs: two pages of 20, the latest first.
    for (let i = 1; i <= 21; i++) await cpo.ocpi.cdrs.post(cdr(`CDR-${i}`, i), '2.3.0');
    ({
      page,
      problems,
      close: closeBrowser,
    } = await signedInPage(cpo.ocpi.consoleUrl() ?? '', CONSOLE_TOKEN));
  }, 180_000);
  afterAll(async () => {
    await closeBrowser?.();
    await cpo?.close();
  });

  const rows = () => page.getByRole('table', { name: 'CDRs' }).locator('tbody tr');
  const pagerText = () => page.getByRole('navigation', { name: 'Pages of CDRs' }).textContent();

  it('lists the CDRs with their priced totals, latest first, paged by the node', async () => {
    await page.getByRole('link', { name: 'CDRs' }).click();
    await page.getByRole('heading', { name: 'Charge detail records' }).waitFor();
    await expect.poll(pagerText, SLOW).toContain('1–20 of 21');
    const cells = await rows().first().locator('td').allTextContents();
    expect(cells).toEqual([
      'CDR-21',
      'NL*CPO (ours)',
      expect.stringMatching(/^05\/12\/2024, \d\d:39:09$/),
      expect.stringMatching(/^05\/12\/2024, \d\d:37:32$/),
      'LOC1 / 3256',
      '15.342 kWh',
      '1.97 h',
      '—',
      'EUR 4.00',
      'EUR 4.40',
    ]);
    await screenshot(page, `${name}-cdrs`);
    await page.getByRole('button', { name: 'Next page of CDRs' }).click();
    await expect.poll(pagerText, SLOW).toContain('21–21 of 21');
    expect(await rows().first().locator('td').first().textContent()).toBe('CDR-1');
  });

  it('shows a new CDR without reloading', async () => {
    await page.getByRole('button', { name: 'Previous page of CDRs' }).click();
    await expect.poll(pagerText, SLOW).toContain('1–20 of 21');
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
    await cpo.ocpi.cdrs.post(cdr('CDR-NEW', 100), '2.3.0');
    await expect.poll(pagerText, SLOW).toContain('1–20 of 22');
    expect(await rows().first().locator('td').first().textContent()).toBe('CDR-NEW');
    expect(await page.evaluate(() => 'notReloaded' in window)).toBe(true);
  });

  it('pages by keyboard, labels every control, and keeps text readable', async () => {
    await page.getByRole('button', { name: 'Next page of CDRs' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(pagerText, SLOW).toContain('21–22 of 22');
    expect(await unlabelledControls(page)).toEqual([]);
    expect(await contrastFailures(page)).toEqual([]);
    expect(problems).toEqual([]);
  });
});
