import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium: the tests never download a browser of their own. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run',
];

export interface ConsoleBrowser {
  readonly context: BrowserContext;
  /** The first tab, reused by the tests of a suite. */
  readonly page: Page;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile (a new `--user-data-dir`), 1280×900, US English. */
export async function openBrowser(): Promise<ConsoleBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'ledger-console-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: FLAGS, locale: 'en-US', viewport: { width: 1280, height: 900 }, acceptDownloads: true,
  });
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(20_000);
  return {
    context, page,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Opens the console at `path` with `token` as the tab's key (what pasting it in the form does). */
export async function openAs(page: Page, url: string, token: string, path: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.evaluate(`sessionStorage.setItem('license-ledger.api-key', ${JSON.stringify(token)})`);
  await page.goto(`${url}${path}`);
}

/**
 * Where screenshots go: `test-results/console` (ignored by git), or CONSOLE_SCREENSHOTS (e.g.
 * `docs/console` to refresh the user guide's pictures).
 */
export const SCREENSHOTS = resolve(process.env.CONSOLE_SCREENSHOTS ?? 'test-results/console');

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}
