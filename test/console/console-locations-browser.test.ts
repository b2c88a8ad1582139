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
import { CONSOLE_TOKEN, signIn } from '../support/console.ts';
import { call, startNode } from '../support/nodes.ts';
import { type Json, location } from '../support/objects.ts';
import { CPO_PARTY } from '../support/pair.ts';
import { STORES } from '../support/stores.ts';

/** Presses Tab until the element with `id` has the focus; how many presses it took. */
async function tabTo(page: Page, id: string, most = 40): Promise<number> {
  for (let i = 1; i <= most; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((want) => document.activeElement?.id === want, id)) return i;
  }
  throw new Error(`#${id} is not reached by Tab`);
}

describe.skipIf(!chromiumFound).each(STORES)('the Locations page in Chromium (%s)', (name, store) => {
  let cpo: FastifyInstance;
  let closeBrowser: () => Promise<void>;
  let page: Page;
  let problems: string[];
  const admin = { authorization: `Bearer ${CONSOLE_TOKEN}` };

  beforeAll(async () => {
    cpo = await startNode({
      parties: [CPO_PARTY],
      store: store(),
      ...withBuiltConsole(),
    });
    const station: Json = { ...location('LOC1', 3), name: 'Station Utrecht' };
    const evses = station.evses as Array<Record<string, unknown>>;
    for (const [i, status] of ['AVAILABLE', 'CHARGING', 'OUTOFORDER'].entries())
      evses[i] = { ...evses[i], status };
    // 30 EVSEs in all: two pages of 25.
    const loaded = await call(`${cpo.ocpi.adminUrl()}/objects/locations`, {
      method: 'PUT',
      headers: admin,
      body: [station, location('LOC2', 27)],
    });
    expect(loaded.body.status_code).toBe(1000);
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

  const rows = () => page.getByRole('table', { name: 'EVSEs' }).locator('tbody tr');
  const pagerText = () => page.getByRole('navigation', { name: 'Pages of EVSEs' }).textContent();

  it('lists our EVSEs with their Location and status, paged by the node', async () => {
    await page.getByRole('link', { name: 'Locations' }).click();
    await page.getByRole('heading', { name: 'EVSEs and their status' }).waitFor();
    await expect.poll(pagerText, SLOW).toContain('1–25 of 30');
    expect(await rows().count()).toBe(25);
    // No OCPP bridge on this node: no Chargers page, not even by its address.
    expect(await page.getByRole('link', { name: 'Chargers' }).count()).toBe(0);
    const charging = rows().filter({ hasText: 'Station Utrecht (LOC1)' }).filter({ hasText: 'CHARGING' });
    expect(await charging.textContent()).toMatch(/Stationsplein 1, Utrecht.*E2.*CHARGING/);
    await screenshot(page, `${name}-locations`);
    await page.getByRole('button', { name: 'Next page of EVSEs' }).click();
    await expect.poll(pagerText, SLOW).toContain('26–30 of 30');
    expect(await rows().count()).toBe(5);
    expect(await rows().last().textContent()).toContain('E27');
  });

  it('filters by status, and a status change shows without reloading', async () => {
    await page.getByLabel('Status', { exact: true }).selectOption('CHARGING');
    await expect.poll(pagerText, SLOW).toContain('1–1 of 1');
    expect(await rows().textContent()).toContain('LOC1');
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
    const patched = await call(`${cpo.ocpi.adminUrl()}/objects/locations/NL/CPO/LOC2/E5`, {
      method: 'PATCH',
      headers: admin,
      body: { status: 'CHARGING' },
    });
    expect(patched.body.status_code).toBe(1000);
    await expect.poll(pagerText, SLOW).toContain('1–2 of 2');
    expect(await rows().last().textContent()).toMatch(/LOC2.*E5.*CHARGING/);
    expect(await page.evaluate(() => 'notReloaded' in window)).toBe(true);
    await page.getByLabel('Status', { exact: true }).selectOption('RESERVED');
    await page.getByText('EVSEs: no EVSE is RESERVED').waitFor();
    await page.getByLabel('Status', { exact: true }).selectOption('');
    await expect.poll(pagerText, SLOW).toContain('1–25 of 30');
  });

  it('refuses a status that is not one, and a request without a session', async () => {
    const origin = new URL(cpo.ocpi.consoleUrl() ?? '').origin;
    const login = await signIn(origin);
    const bad = await fetch(`${origin}/console/api/evses?status=BROKEN`, {
      headers: { cookie: login.cookie },
    });
    const refusal = await bad.json();
    expect(refusal.status_code).toBe(2001);
    expect(refusal.status_message).toContain('status');
    expect(refusal.data).toBeUndefined();
    const tooFar = await fetch(`${origin}/console/api/evses?offset=1000`, {
      headers: { cookie: login.cookie },
    });
    expect((await tooFar.json()).data).toEqual({ total: 30, items: [] });
    const anonymous = await fetch(`${origin}/console/api/evses`);
    expect(anonymous.status).toBe(401);
  });

  it('is usable by keyboard, labels every control, and keeps text readable', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'EVSEs and their status' }).waitFor();
    await expect.poll(pagerText, SLOW).toContain('1–25 of 30');
    await tabTo(page, 'evse-status');
    await page.keyboard.press('Tab');
    // The next stop after the filter is the pager (Previous is disabled on the first page).
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Next page of EVSEs',
    );
    await page.keyboard.press('Enter');
    await expect.poll(pagerText, SLOW).toContain('26–30 of 30');
    expect(await unlabelledControls(page)).toEqual([]);
    expect(await contrastFailures(page)).toEqual([]);
    expect(problems).toEqual([]);
  });
});
