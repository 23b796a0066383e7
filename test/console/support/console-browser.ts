import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../chromium.js';

export interface ConsoleBrowser {
  readonly context: BrowserContext;
  /** The first tab, reused by the tests of a suite. */
  readonly page: Page;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile, 1280×900, US English, downloads accepted. */
export async function openBrowser(): Promise<ConsoleBrowser> {
  const { context, close } = await launchChromium({ acceptDownloads: true });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);
  return { context, page, close };
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
