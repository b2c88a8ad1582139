import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  builtConsole,
  chromiumFound,
  contrastFailures,
  launchChromium,
  NO_CHROMIUM,
  SLOW,
  screenshot,
  tabStops,
  unlabelledControls,
  watchProblems,
} from '../support/browser.ts';
import { addDeadLetter, CONSOLE_TOKEN } from '../support/console.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { call, startNode } from '../support/nodes.ts';
import { location } from '../support/objects.ts';
import { CPO_PARTY, EMSP_PARTY } from '../support/pair.ts';
import { STORES } from '../support/stores.ts';

import { waitFor } from '../support/wait-for.ts';

/** The README's picture of the console: written when UPDATE_SCREENSHOTS=1. */
const README_SHOT = process.env.UPDATE_SCREENSHOTS === '1' ? 'docs/console-overview.png' : undefined;

/** A port of 127.0.0.1 nothing listens on: a partner that is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 9;
}

async function signInWith(page: Page, token: string): Promise<void> {
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Answers the confirmation dialog an action opens with its action button. */
async function confirm(page: Page, action: string): Promise<void> {
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await dialog.getByRole('button', { name: action, exact: true }).click();
}

if (!chromiumFound) console.warn(NO_CHROMIUM);

describe.skipIf(!chromiumFound).each(STORES)('the console in Chromium (%s)', (name, store) => {
  let cpo: FastifyInstance;
  let emsp: FastifyInstance;
  let context: BrowserContext;
  let closeBrowser: () => Promise<void>;
  let page: Page;
  let problems: string[];
  let consoleUrl: string;

  beforeAll(async () => {
    const assetsDir = builtConsole();
    const fast = { backoff: { initialMs: 50, maxMs: 200, jitter: 0 }, pollIntervalMs: 50 };
    cpo = await startNode({
      parties: [CPO_PARTY],
      store: store(),
      delivery: fast,
      adminToken: CONSOLE_TOKEN,
      adminListener: { port: 0 },
      console: { assetsDir, sampleMs: 500 },
    });
    emsp = await startNode({ parties: [EMSP_PARTY], store: store(), delivery: fast });
    const place = location('LOC1', 4);
    const evses = place.evses as Array<Record<string, unknown>>;
    for (const [i, status] of ['AVAILABLE', 'CHARGING', 'AVAILABLE', 'OUTOFORDER'].entries())
      evses[i] = { ...evses[i], status };
    const loaded = await call(`${cpo.ocpi.adminUrl()}/objects/locations`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${CONSOLE_TOKEN}` },
      body: place,
    });
    expect(loaded.body.status_code).toBe(1000);
    consoleUrl = cpo.ocpi.consoleUrl() ?? '';
    ({ context, close: closeBrowser } = await launchChromium());
    page = await context.newPage();
    problems = watchProblems(page);
  }, 180_000);
  afterAll(async () => {
    await closeBrowser?.();
    await Promise.all([cpo?.close(), emsp?.close()]);
  });

  it('refuses a wrong token and shows nothing of the node', async () => {
    await page.goto(consoleUrl);
    await screenshot(page, `${name}-sign-in`);
    await signInWith(page, 'this-is-not-the-admin-token');
    await expect.poll(() => page.getByRole('status').textContent(), SLOW).toContain('not the admin token');
    expect(await page.getByRole('navigation', { name: 'Pages' }).count()).toBe(0);
    const cookies = await context.cookies();
    expect(cookies.filter((c) => c.name.startsWith('ocpi_console_'))).toEqual([]);
  });

  it('signs in with the admin token and shows the overview', async () => {
    await signInWith(page, CONSOLE_TOKEN);
    await page.getByRole('heading', { name: 'This node' }).waitFor();
    await page.getByText('Ready: the store answers').waitFor();
    const [cookie] = (await context.cookies()).filter((c) => c.name.startsWith('ocpi_console_'));
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    // Nothing of the session where a script could read it.
    expect(await page.evaluate(() => [document.cookie, localStorage.length, sessionStorage.length])).toEqual([
      '',
      0,
      0,
    ]);
    expect(page.url()).not.toContain(CONSOLE_TOKEN);
    await screenshot(page, `${name}-overview`);
  });

  it('registers with a partner node, and says in plain words when a partner is down', async () => {
    await page.getByRole('link', { name: 'Partners' }).click();
    await page.getByText('no partners yet').waitFor();
    const down = await closedPort();
    await page.getByLabel('Partner versions URL').fill(`http://127.0.0.1:${down}/ocpi/versions`);
    await page.getByLabel('Token A from the partner').fill('a-token-for-nobody');
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await confirm(page, 'Register');
    await expect
      .poll(() => page.getByRole('status').first().textContent(), SLOW)
      .toMatch(/Registering failed: .+/);
    expect(await cpo.ocpi.partners()).toEqual([]); // nothing half-stored

    const tokenA = await emsp.ocpi.createRegistrationToken();
    await page.getByLabel('Partner versions URL').fill(emsp.ocpi.versionsUrl());
    await page.getByLabel('Token A from the partner').fill(tokenA);
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await confirm(page, 'Register');
    await expect
      .poll(() => page.getByRole('status').first().textContent(), SLOW)
      .toMatch(/Registered with .+ over OCPI 2\.3\.0/);
    await page.getByRole('cell', { name: 'registered', exact: true }).waitFor();
    expect(await cpo.ocpi.partners()).toHaveLength(1);
    await screenshot(page, `${name}-partners`);
  });

  it('creates a token A and shows it once only', async () => {
    await page.getByLabel('Label (optional)').fill('next partner');
    await page.getByRole('button', { name: 'Create token A' }).click();
    const shown = (await page.locator('#new-token').textContent()) ?? '';
    expect(shown).toMatch(/^\S{8,}$/);
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('link', { name: 'Partners' }).click();
    await page.getByRole('button', { name: 'Create token A' }).waitFor();
    expect(await page.content()).not.toContain(shown);
  });

  it('shows a dead letter with its reason and replays it to the partner', async () => {
    const [partner] = await cpo.ocpi.partners();
    const endpoint = partner?.endpoints.find((e) => e.identifier === 'locations' && e.role === 'RECEIVER');
    const place = { ...location('LOC9', 1), country_code: 'NL', party_id: 'CPO' };
    const url = `${endpoint?.url}/NL/CPO/LOC9`;
    const id = await addDeadLetter(
      cpo.ocpi.store.db,
      partner?.id ?? '',
      url,
      place,
      'HTTP 503 from the partner',
    );
    await page.getByRole('link', { name: 'Outbox' }).click();
    const row = page.getByRole('row').filter({ hasText: 'HTTP 503 from the partner' });
    await row.waitFor();
    await screenshot(page, `${name}-outbox`);
    await row.getByRole('button', { name: `Replay dead letter ${id}` }).click();
    await confirm(page, 'Replay');
    await expect
      .poll(() => page.getByRole('status').first().textContent(), SLOW)
      .toContain(`Dead letter ${id} is back`);
    await waitFor(
      async () =>
        (
          await emsp.ocpi.store.db
            .selectFrom('ocpi_objects')
            .select('object_id')
            .where('object_id', '=', 'LOC9')
            .execute()
        ).length === 1,
      { what: 'the replayed Location at the partner' },
    );
    await page.getByText('Dead letters: no dead letters').waitFor();
  });

  it('replays every dead letter at once', async () => {
    const [partner] = await cpo.ocpi.partners();
    const endpoint = partner?.endpoints.find((e) => e.identifier === 'locations' && e.role === 'RECEIVER');
    for (const id of ['LOC10', 'LOC11']) {
      const place = { ...location(id, 1), country_code: 'NL', party_id: 'CPO' };
      await addDeadLetter(
        cpo.ocpi.store.db,
        partner?.id ?? '',
        `${endpoint?.url}/NL/CPO/${id}`,
        place,
        'HTTP 502',
      );
    }
    // Read the outbox page again: the dead letters were written behind the node's back.
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('link', { name: 'Outbox' }).click();
    await page.getByRole('row').filter({ hasText: 'HTTP 502' }).first().waitFor();
    await page.getByRole('button', { name: 'Replay all dead letters' }).click();
    await confirm(page, 'Replay all');
    await expect
      .poll(() => page.getByRole('status').first().textContent(), SLOW)
      .toContain('2 dead letters are back in the outbox');
    await waitFor(
      async () =>
        (
          await emsp.ocpi.store.db
            .selectFrom('ocpi_objects')
            .select('object_id')
            .where('object_id', 'in', ['LOC10', 'LOC11'])
            .execute()
        ).length === 2,
      { what: 'both replayed Locations at the partner' },
    );
    await page.getByText('Dead letters: no dead letters').waitFor();
  });

  it('is usable by keyboard, labels every control, and keeps text readable', async () => {
    for (const [link, heading] of [
      ['Overview', 'This node'],
      ['Partners', 'Register with a partner'],
      ['Outbox', 'Depth over the last hour'],
      ['Commands', 'Send a command to a CPO'],
    ] as const) {
      await page.getByRole('link', { name: link }).click();
      await page.getByRole('heading', { name: heading }).waitFor();
      if (link === 'Overview') {
        await page.getByRole('cell', { name: 'CHARGING' }).waitFor();
        await screenshot(page, `${name}-overview-with-partner`, name === 'pglite' ? README_SHOT : undefined);
      }
      expect(await unlabelledControls(page), link).toEqual([]);
      expect(await contrastFailures(page), link).toEqual([]);
    }
    await page.getByRole('link', { name: 'Partners' }).click();
    await page.reload(); // the Tab key starts at the top of a page just loaded
    await page.getByRole('heading', { name: 'Register with a partner' }).waitFor();
    const stops = await tabStops(page, 40);
    const links = ['Overview', 'Partners', 'Outbox', 'Commands', 'Locations', 'Sessions', 'CDRs'];
    expect(stops.slice(0, links.length + 2)).toEqual(['Skip to the page', ...links, 'Sign out']);
    expect(stops).toContain('Register');
    expect(stops).toContain('Create token A');
    // The confirmation is a modal the keyboard can answer: Escape cancels.
    await page.getByRole('button', { name: /^Rotate tokens with/ }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  });

  it('rotates the tokens with a partner, then unregisters it, each after a confirmation', async () => {
    const [partner] = await cpo.ocpi.partners();
    const id = partner?.id ?? '';
    await page.getByRole('link', { name: 'Partners' }).click();
    await page.getByRole('button', { name: `Rotate tokens with ${id}` }).click();
    await confirm(page, 'Rotate tokens');
    await expect
      .poll(() => page.getByRole('status').first().textContent(), SLOW)
      .toContain(`Tokens rotated with ${id}`);
    // Both sides hold new tokens, and still reach each other with them.
    const loaded = await call(`${cpo.ocpi.adminUrl()}/objects/locations`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${CONSOLE_TOKEN}` },
      body: location('LOC12', 1),
    });
    expect(loaded.body.status_code).toBe(1000);
    await waitFor(
      async () =>
        (
          await emsp.ocpi.store.db
            .selectFrom('ocpi_objects')
            .select('object_id')
            .where('object_id', '=', 'LOC12')
            .execute()
        ).length === 1,
      { what: 'a push with the rotated tokens' },
    );

    await page.getByRole('button', { name: `Unregister ${id}` }).click();
    await confirm(page, 'Unregister');
    await expect
      .poll(() => page.getByRole('status').first().textContent(), SLOW)
      .toContain(`${id} is unregistered, on both sides.`);
    await page.getByText('no partners yet').waitFor();
    expect(await cpo.ocpi.partners()).toEqual([]);
    await screenshot(page, `${name}-partners-unregistered`);
  });

  it('signs out: back to sign-in, and the old cookie opens nothing', async () => {
    const [cookie] = (await context.cookies()).filter((c) => c.name.startsWith('ocpi_console_'));
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Admin token').waitFor();
    const origin = new URL(consoleUrl).origin;
    const res = await fetch(`${origin}/console/api/overview`, {
      headers: { cookie: `${cookie?.name}=${cookie?.value}` },
    });
    expect(res.status).toBe(401);
    expect(problems).toEqual([]);
  });
});

describe.skipIf(!chromiumFound)('an expired console session in Chromium', () => {
  it('goes back to sign-in, with no data left on screen', async () => {
    const clock = new ManualClock();
    const node = await startNode({
      clock,
      adminToken: CONSOLE_TOKEN,
      adminListener: { port: 0 },
      console: { assetsDir: builtConsole(), idleMinutes: 5 },
    });
    const { context, close } = await launchChromium();
    try {
      const page = await context.newPage();
      await page.goto(node.ocpi.consoleUrl() ?? '');
      await signInWith(page, CONSOLE_TOKEN);
      await page.getByRole('heading', { name: 'This node' }).waitFor();
      // The live stream notices the idle session's end and the page signs out by itself.
      await clock.advance(6 * 60_000);
      await page.getByLabel('Admin token').waitFor();
      await expect.poll(() => page.getByRole('status').textContent(), SLOW).toContain('session has ended');
      expect(await page.getByRole('heading', { name: 'This node' }).count()).toBe(0);
      expect(await page.getByRole('table').count()).toBe(0);
      await screenshot(page, 'expired');
    } finally {
      await close();
      await node.close();
    }
  }, 120_000);
});
