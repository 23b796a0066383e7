import type { Page } from 'playwright-core';
import { SQL_BACKENDS } from '../support/ledger-backends.js';
import { openAs, openBrowser, screenshot, type ConsoleBrowser } from './support/console-browser.js';
import { startConsoleLedger, type ConsoleLedger } from './support/console-ledger.js';
import { chartRendered, hoverBucket, readTooltip, tableRow } from './support/console-page.js';

/**
 * The web console in real headless Chromium, against a real `ledger serve` loaded with the SPEC §7
 * example: on the embedded store (screenshots of every view) and on PostgreSQL. One server and one
 * browser per store; the tests share the tab and open each view by its URL.
 */
describe.each(SQL_BACKENDS)('the web console on %s (SPEC §7 example)', (store, makeBackend) => {
  let ledger: ConsoleLedger;
  let browser: ConsoleBrowser;
  let page: Page;
  const shoot = (name: string) => (store === 'PGlite' ? screenshot(page, name) : Promise.resolve());

  beforeAll(async () => {
    ledger = await startConsoleLedger(await makeBackend('console'));
    browser = await openBrowser();
    page = browser.page;
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await ledger?.stop();
  }, 60_000);

  const open = (path: string, token = ledger.tokens.admin) => openAs(page, ledger.url, token, path);

  it('serves the console at / and any view URL, with long-cached hashed assets', async () => {
    const index = await fetch(`${ledger.url}/seat-history?product=KSE`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const asset = await fetch(`${ledger.url}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-encoding')).toBe('gzip');
    expect((await fetch(`${ledger.url}/v1/nothing-here`)).headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await fetch(`${ledger.url}/assets/missing.js`)).status).toBe(404);
  }, 60_000);

  it('asks for a key, keeps it for the tab only and never puts it in the URL', async () => {
    await page.goto(`${ledger.url}/seat-history`);
    await page.getByRole('textbox', { name: 'API key' }).fill(ledger.tokens.admin);
    await page.getByRole('button', { name: 'Open the console' }).click();
    await page.getByRole('heading', { name: 'Assignment and Activation History' }).waitFor();
    expect(page.url()).not.toContain(ledger.tokens.admin);
    expect(await page.evaluate('localStorage.length')).toBe(0);
    expect(await page.getByTestId('zone').textContent()).toBe('America/New_York');
  }, 60_000);

  it('seat-history: the tooltip and the table read Purchased 5, Assigned 2, Activated 2 for January (account), 3/2/2 for qa', async () => {
    await open('/seat-history?product=KSE&from=2026-01-01&to=2026-02-28&interval=month');
    const january = await hoverBucket(page, 0, 2);
    expect(january.values).toEqual({ Purchased: '5', Assigned: '2', Activated: '2' });
    expect(january.range).toContain('2026-01-01 00:00 → 2026-02-01 00:00');
    expect(january.range).toContain('America/New_York');
    await shoot('seat-history');

    await page.getByRole('button', { name: 'Table', exact: true }).click();
    const table = page.getByTestId('metric-table');
    expect(await table.locator('thead th').allTextContents()).toEqual(['start (America/New_York)', 'purchased', 'assigned', 'activated']);
    expect(await tableRow(table, '2026-01-01')).toMatchObject({ purchased: '5', assigned: '2', activated: '2' });
    expect(await tableRow(table, '2026-02-01')).toMatchObject({ purchased: '5', assigned: '2', activated: '1' });
    await shoot('seat-history-table');

    await page.getByLabel('Scope').selectOption('qa');
    await page.waitForURL(/orgId=qa/);
    await table.getByText('3', { exact: true }).first().waitFor();
    expect(await tableRow(table, '2026-01-01')).toMatchObject({ purchased: '3', assigned: '2', activated: '2' });
    await page.getByRole('button', { name: 'Chart', exact: true }).click();
    expect((await hoverBucket(page, 0, 2)).values).toEqual({ Purchased: '3', Assigned: '2', Activated: '2' });
  }, 90_000);

  it('session-usage KRE by day: Available 2, Peak 2, Average Peak 0.17, Denied 1 on 2026-03-02; Explain lists s1 and s2', async () => {
    await open('/session-usage?product=KRE&from=2026-03-02&to=2026-03-02&interval=day');
    await chartRendered(page);
    await page.getByTestId('chart').focus();
    await page.keyboard.press('ArrowRight');
    const day = await readTooltip(page);
    expect(day.values).toEqual({ 'Available Sessions': '2', 'Peak Usage': '2', 'Average Peak': '0.17', Denied: '1' });
    expect(day.range).toContain('2026-03-02 00:00 → 2026-03-03 00:00');

    await page.getByRole('button', { name: 'Table', exact: true }).click();
    const table = page.getByTestId('metric-table');
    expect(await table.locator('thead th').allTextContents()).toEqual(['start (America/New_York)', 'availableSessions', 'peakUsage', 'averagePeak', 'denied']);
    expect(await tableRow(table, '2026-03-02')).toMatchObject({ availableSessions: '2', peakUsage: '2', averagePeak: '0.17', denied: '1' });
    await shoot('session-usage-table');

    await table.getByRole('button', { name: /explain peakUsage/ }).click();
    const explain = page.getByTestId('explain');
    await explain.getByTestId('explain-value').waitFor();
    expect(await explain.getByTestId('explain-value').textContent()).toBe('2');
    const sessions = await explain.locator('.detail', { hasText: 'sessions' }).locator('tbody tr td:first-child').allTextContents();
    expect(sessions).toEqual(['s1', 's2']);
    expect(await explain.textContent()).toContain('2026-03-02 10:30:00');
    const events = await explain.getByTestId('event-list').locator('tbody tr td:nth-child(2)').allTextContents();
    expect(events).toContain('SessionStarted');
    await shoot('explain');
    await page.keyboard.press('Escape');
    await explain.waitFor({ state: 'detached' });
    expect(page.url()).not.toContain('explain=');
  }, 90_000);

  it('the URL holds the view: a link reopens it, and the back button returns to the previous choice', async () => {
    await open('/seat-history?product=KSE&from=2026-01-01&to=2026-02-28&interval=month');
    await page.getByLabel('Scope').selectOption('mobile');
    await page.getByRole('button', { name: 'Table', exact: true }).click();
    await page.waitForURL(/show=table/);
    const link = page.url();
    expect(new URL(link).searchParams.get('orgId')).toBe('mobile');

    // A fresh load of the link opens the same view.
    await page.goto(link);
    expect(await page.getByLabel('Scope').inputValue()).toBe('mobile');
    expect(await page.getByLabel('Interval').inputValue()).toBe('month');
    const table = page.getByTestId('metric-table');
    expect(await tableRow(table, '2026-01-01')).toMatchObject({ purchased: '1', assigned: '1', activated: '1' });

    // Another choice, then back: the previous one again.
    await page.getByLabel('Scope').selectOption('qa');
    await page.waitForURL(/orgId=qa/);
    await table.getByText('3', { exact: true }).first().waitFor();
    await page.goBack({ waitUntil: 'commit' });
    await page.waitForURL((url) => url.searchParams.get('orgId') === 'mobile', { waitUntil: 'commit' });
    expect(await page.getByLabel('Scope').inputValue()).toBe('mobile');
    expect(await tableRow(table, '2026-01-01')).toMatchObject({ purchased: '1', assigned: '1', activated: '1' });
  }, 90_000);
});
