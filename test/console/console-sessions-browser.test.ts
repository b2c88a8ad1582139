import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActiveProfileRepository } from '../../src/store/active-profile-repository.ts';
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
import { session } from '../support/objects.ts';
import { type Pair, startPair } from '../support/pair.ts';
import { STORES } from '../support/stores.ts';

const period = (at: string, kwh: number, kw: number) => ({
  start_date_time: at,
  dimensions: [
    { type: 'ENERGY' as const, volume: kwh },
    { type: 'POWER' as const, volume: kw },
  ],
});

describe.skipIf(!chromiumFound).each(STORES)('the Sessions page in Chromium (%s)', (name, store) => {
  let pair: Pair;
  let closeBrowser: () => Promise<void>;
  let page: Page;
  let problems: string[];
  const ref = (id: string) => ({ countryCode: 'NL', partyId: 'CPO', id });

  beforeAll(async () => {
    pair = await startPair(
      '2.3.0',
      {
        emsp: {
          ...withBuiltConsole(),
        },
      },
      store,
    );
    const { cpo, emsp } = pair;
    await cpo.ocpi.sessions.put(
      {
        ...session('S1'),
        start_date_time: '2030-01-01T10:00:00Z',
        kwh: 4.5,
        charging_periods: [period('2030-01-01T10:00:00Z', 2, 11), period('2030-01-01T10:15:00Z', 2.5, 10)],
        last_updated: '2030-01-01T10:30:00Z',
      },
      '2.3.0',
    );
    await cpo.ocpi.sessions.put(
      {
        ...session('S2'),
        start_date_time: '2030-01-01T08:00:00Z',
        end_date_time: '2030-01-01T09:00:00Z',
        kwh: 20,
        status: 'COMPLETED',
        total_cost: { before_taxes: 10.2, taxes: [{ name: 'VAT', percentage: 21, amount: 2.15 }] },
        last_updated: '2030-01-01T09:00:00Z',
      },
      '2.3.0',
    );
    // The limit a CPO's SetChargingProfile result would have brought: 7.4 kW from the start.
    await new ActiveProfileRepository(emsp.ocpi.store.db).put(
      { partnerId: pair.cpoAtEmsp, party: 'NL*CPO' },
      'S1',
      {
        start_date_time: '2030-01-01T10:00:00Z',
        charging_profile: {
          charging_rate_unit: 'W',
          charging_profile_period: [{ start_period: 0, limit: 7400 }],
        },
      },
      new Date(),
    );
    ({
      page,
      problems,
      close: closeBrowser,
    } = await signedInPage(emsp.ocpi.consoleUrl() ?? '', CONSOLE_TOKEN));
  }, 180_000);
  afterAll(async () => {
    await closeBrowser?.();
    await pair?.close();
  });

  const rows = () => page.getByRole('table', { name: 'Sessions' }).locator('tbody tr');
  const caption = () => page.locator('#session-chart-summary').textContent();

  it('lists the sessions partners pushed, with their energy and priced total', async () => {
    await page.getByRole('link', { name: 'Sessions' }).click();
    await page.getByRole('heading', { name: 'Live and recent sessions' }).waitFor();
    await expect.poll(() => rows().count(), SLOW).toBe(2);
    expect(await rows().first().textContent()).toMatch(/S1.*NL\*CPO \(from .+\).*ACTIVE.*4\.5/);
    expect(await rows().last().textContent()).toMatch(/S2.*COMPLETED.*20.*EUR 12\.35.*LOC1 \/ E1/);
    await page.getByLabel('Status', { exact: true }).selectOption('COMPLETED');
    await expect.poll(() => rows().count(), SLOW).toBe(1);
    expect(await rows().textContent()).toContain('S2');
    await page.getByLabel('Status', { exact: true }).selectOption('');
    await expect.poll(() => rows().count(), SLOW).toBe(2);
  });

  it('shows a session with its energy and power over time and the profile limit over them', async () => {
    await page.getByRole('button', { name: 'Show session S1' }).click();
    await page.getByRole('heading', { name: 'Session S1' }).waitFor();
    expect(await caption()).toBe(
      'Session S1: 4.5 kWh charged; power up to 11 kW; charging profile limit 7400 W.',
    );
    expect(await page.locator('dl.facts').textContent()).toContain('7400 W from');
    expect(await page.locator('.chart-figure canvas').count()).toBeGreaterThan(0);
    await screenshot(page, `${name}-session`);
  });

  it('shows a new charging period without reloading', async () => {
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
    await pair.cpo.ocpi.sessions.patch(ref('S1'), [], {
      kwh: 6,
      charging_periods: [period('2030-01-01T10:30:00Z', 1.5, 12)],
      last_updated: '2030-01-01T10:45:00Z',
    });
    await expect.poll(caption, SLOW).toContain('6 kWh charged; power up to 12 kW');
    await expect.poll(() => rows().first().textContent(), SLOW).toMatch(/S1.*ACTIVE.*6/);
    expect(await page.evaluate(() => 'notReloaded' in window)).toBe(true);
  });

  it('answers an unknown session with 404 and nothing of it', async () => {
    const origin = new URL(pair.emsp.ocpi.consoleUrl() ?? '').origin;
    const login = await signIn(origin);
    const unknown = await fetch(`${origin}/console/api/sessions/own/NL/CPO/S1`, {
      headers: { cookie: login.cookie },
    });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).data).toBeUndefined();
    const bad = await fetch(`${origin}/console/api/sessions?status=CHARGING`, {
      headers: { cookie: login.cookie },
    });
    expect((await bad.json()).status_code).toBe(2001);
  });

  it('opens a session by keyboard, labels every control, and keeps text readable', async () => {
    await page.getByRole('button', { name: 'Show session S2' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Session S2' }).waitFor();
    expect(await caption()).toBe('Session S2: 20 kWh charged.');
    expect(await page.locator('dl.facts').textContent()).toContain('EUR 12.35');
    expect(await unlabelledControls(page)).toEqual([]);
    expect(await contrastFailures(page)).toEqual([]);
    expect(problems).toEqual([]);
  });
});
