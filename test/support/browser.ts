import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { buildConsole } from '../../scripts/console/build.mjs';
import { CONSOLE_TOKEN } from './console.ts';

/** Debian's Chromium (CI installs it: .ci/run); CHROMIUM_PATH names another. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumFound = existsSync(CHROMIUM_PATH);
export const NO_CHROMIUM = `browser tests skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`;

/** Where the tests leave their screenshots (gitignored). */
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/console/', import.meta.url));

/** Flags that keep Chromium headless and from reaching any network (it tries Google's otherwise). */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let built: string | undefined;

/** The console's page built into a folder of the test's (the node serves it from there), once a file. */
export function builtConsole(): string {
  built ??= buildConsole(mkdtempSync(join(tmpdir(), 'ocpi-console-ui-')));
  return built;
}

/** A fresh Chromium with a profile of its own; `close` ends it and removes the profile. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'ocpi-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a screenshot of the page as test-artifacts/console/<name>.png (and to `also`, if given). */
export async function screenshot(page: Page, name: string, also?: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  if (also) await page.screenshot({ path: also });
}

/** What a page broke: uncaught errors, and resources or code the CSP refused. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text()))
      problems.push(`csp: ${message.text()}`);
  });
  return problems;
}

/** Contrast failures (WCAG AA) of the visible text on a page, as `text: ratio` lines. */
export function contrastFailures(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const parse = (colour: string): number[] => (colour.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r = 0, g = 0, b = 0]: number[]) => {
      const channel = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const background = (element: Element | null): number[] => {
      for (let at = element; at; at = at.parentElement) {
        const [r = 0, g = 0, b = 0, a = 1] = parse(getComputedStyle(at).backgroundColor);
        if (a > 0) return [r, g, b];
      }
      return [255, 255, 255];
    };
    const failures: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.trim();
      const element = node.parentElement;
      if (!text || !element?.checkVisibility()) continue;
      const style = getComputedStyle(element);
      const fg = luminance(parse(style.color));
      const bg = luminance(background(element));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      const size = Number.parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) failures.push(`${text.slice(0, 40)}: ${ratio.toFixed(2)}`);
    }
    return failures;
  });
}

/** Form controls without an accessible name, and buttons without one. */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const missing: string[] = [];
    for (const control of document.querySelectorAll('input, select, textarea')) {
      const labelled =
        control.getAttribute('aria-label') ||
        control.getAttribute('aria-labelledby') ||
        (control.id && document.querySelector(`label[for="${control.id}"]`));
      if (!labelled) missing.push(control.outerHTML.slice(0, 80));
    }
    for (const button of document.querySelectorAll('button'))
      if (!(button.getAttribute('aria-label') || button.textContent?.trim()))
        missing.push(button.outerHTML.slice(0, 80));
    return missing;
  });
}

/** The accessible names of the first `count` stops of the Tab key, from where the page starts it. */
export async function tabStops(page: Page, count: number): Promise<string[]> {
  const stops: string[] = [];
  for (let i = 0; i < count; i++) {
    await page.keyboard.press('Tab');
    stops.push(
      await page.evaluate(() => {
        const element = document.activeElement;
        if (!element || element === document.body) return '';
        return (
          element.getAttribute('aria-label') || element.textContent?.trim() || element.id || element.tagName
        );
      }),
    );
  }
  return stops;
}

/** How long a page may take to show what the node did (the test machine may be busy). */
export const SLOW = { timeout: 30_000 };

/** Chromium with a page signed in to the console at `consoleUrl`, and the page's problems as they come. */
export async function signedInPage(
  consoleUrl: string,
  token: string,
): Promise<{ context: BrowserContext; page: Page; problems: string[]; close(): Promise<void> }> {
  const { context, close } = await launchChromium();
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(consoleUrl);
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'This node' }).waitFor();
  return { context, page, problems, close };
}

/** Node options that serve the built console on an admin listener of its own (outbox sampled every 500 ms). */
export function withBuiltConsole() {
  return {
    adminToken: CONSOLE_TOKEN,
    adminListener: { port: 0 },
    console: { assetsDir: builtConsole(), sampleMs: 500 },
  };
}
