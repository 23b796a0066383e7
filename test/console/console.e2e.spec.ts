import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
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
    expect(await table.locator('thead th').allTextContents()).toEqual([
      'start (America/New_York)',
      'availableSessions',
      'peakUsage',
      'averagePeak',
      'denied',
    ]);
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
  /** Clicks `button` and answers the text of the file the browser downloads. */
  async function downloaded(button: Locator): Promise<{ name: string; text: string }> {
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    return { name: download.suggestedFilename(), text: await readFile((await download.path())!, 'utf8') };
  }

  it('as of an instant, seat-history is replayed from the events: before u1 was assigned, January shows 1 seat', async () => {
    await open('/seat-history?product=KSE&from=2026-01-01&to=2026-02-28&interval=month&show=table');
    const table = page.getByTestId('metric-table');
    expect(await tableRow(table, '2026-01-01')).toMatchObject({ assigned: '2', activated: '2' });
    // 08:01:30 in New York is 13:01:30Z: after u2's seat (#4), before u1's (#6) and any login.
    await page.getByLabel(/As of/).fill('2026-01-06T08:01:30');
    await page.getByRole('button', { name: 'Replay' }).click();
    await page.waitForURL(/asOf=2026-01-06T13%3A01%3A30/);
    await page.getByTestId('stamp').getByText('Replayed as of').waitFor();
    expect(await tableRow(table, '2026-01-01')).toMatchObject({ purchased: '5', assigned: '1', activated: '0' });
    expect(await table.locator('tbody tr').count()).toBe(1);
    await page.getByRole('button', { name: 'Now', exact: true }).click();
    await page.waitForURL((url) => !url.searchParams.has('asOf'));
    await table.locator('tbody tr').nth(1).waitFor();
    expect(await tableRow(table, '2026-01-01')).toMatchObject({ assigned: '2', activated: '2' });
  }, 90_000);

  it("assignments: search, Reset Filters, sorting, paging, and Export downloads exactly the API's CSV", async () => {
    await open('/assignments?product=KSE');
    const table = page.getByTestId('report-table');
    const users = () => table.locator('tbody tr td:first-child').allTextContents();
    await table.locator('tbody tr').first().waitFor();
    expect(await users()).toEqual(['User One', 'User Two']);
    await shoot('assignments');

    await page.getByLabel('Search').fill('two');
    await page.waitForURL(/q=two/);
    await table.locator('tbody tr').nth(1).waitFor({ state: 'detached' });
    expect(await users()).toEqual(['User Two']);
    await page.getByRole('button', { name: 'Reset Filters' }).click();
    await page.waitForURL((url) => !url.searchParams.has('q'));
    await table.getByText('User One').waitFor();
    expect(await page.getByLabel('Search').inputValue()).toBe('');

    await table.getByRole('button', { name: 'User', exact: true }).click();
    await page.waitForURL(/sort=user/);
    await table.getByRole('button', { name: /^User ▲/ }).click();
    await page.waitForURL(/sort=-user/);
    await table.locator('tbody tr').first().getByText('User Two').waitFor();
    expect(await users()).toEqual(['User Two', 'User One']);
    expect(await table.locator('th[aria-sort="descending"]').textContent()).toContain('User');

    await open('/assignments?product=KSE&pageSize=1&sort=user');
    await page.getByTestId('pager').getByText('Rows 1–1 of 2 · page 1 of 2').waitFor();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.waitForURL(/page=2/);
    await page.getByTestId('pager').getByText('Rows 2–2 of 2 · page 2 of 2').waitFor();
    expect(await users()).toEqual(['User Two']);

    await page.getByLabel('License source').selectOption('qa');
    await page.waitForURL(/licenseSource=qa/);
    const file = await downloaded(page.getByRole('button', { name: 'Export CSV' }));
    const api = await ledger.api('/v1/accounts/acme/reports/assignments?product=KSE&licenseSource=qa&sort=user&format=csv');
    expect(file.text).toBe(api.text);
    expect(file.text.split('\r\n')[0]).toBe('userId,user,email,licenseSource,organization,projects,lastAssignment,lastActiveUse,activated');
    expect(file.text).toContain('u1,User One');
    expect(file.text).not.toContain('u2,');
  }, 90_000);

  it("sessions: filters by status and search; Export is the API's CSV of every page", async () => {
    await open('/sessions?product=KRE&sort=started&pageSize=2');
    const table = page.getByTestId('report-table');
    await table.locator('tbody tr').first().waitFor();
    expect(await table.locator('tbody tr td:first-child').allTextContents()).toEqual(['s1', 's2']);
    await shoot('sessions');
    const all = await downloaded(page.getByRole('button', { name: 'Export CSV' }));
    expect(all.text).toBe((await ledger.api('/v1/accounts/acme/reports/sessions?product=KRE&sort=started&format=csv')).text);
    expect(all.text.trim().split('\r\n')).toHaveLength(4);
    await page.getByLabel('Search').fill('m3');
    await page.waitForURL(/q=m3/);
    await table.getByText('s3').waitFor();
    expect(await table.locator('tbody tr').count()).toBe(1);
    await page.getByLabel('Status').selectOption('active');
    await page.getByText('No row matches these filters.').waitFor();
  }, 90_000);

  it("License Management: the tree of pools; assigning u3 shows the quota rule's words and changes nothing", async () => {
    const head = (await ledger.api('/v1/accounts/acme/events?limit=1')).text;
    await open('/licenses?product=KSE');
    const mobile = page.getByTestId('scope-mobile');
    await mobile.waitFor();
    expect(await mobile.locator('.figure').allTextContents()).toEqual(['1', '1', '1', '0', '0']);
    expect(await page.locator('[data-scope="qa"] [data-scope="mobile"]').count()).toBe(1);
    await shoot('licenses');

    await page.getByRole('button', { name: 'Assign seat' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('User').fill('u3');
    await dialog.getByRole('button', { name: 'Assign' }).click();
    await dialog.getByTestId('problem').waitFor();
    expect(await dialog.getByTestId('problem').textContent()).toContain('The number of the licenses cannot exceed the license quota');
    await shoot('licenses-refused');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await mobile.locator('.figure').allTextContents()).toEqual(['1', '1', '1', '0', '0']);
    expect(JSON.parse((await ledger.api('/v1/accounts/acme/events?limit=1')).text).untilPosition).toBe(JSON.parse(head).untilPosition);

    await page.getByRole('button', { name: 'Generate offline license' }).click();
    expect(await page.getByRole('dialog').textContent()).toContain('can never be revoked');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

    await mobile.getByRole('button', { name: /explain used/ }).click();
    const explain = page.getByTestId('explain');
    await explain.getByTestId('explain-value').waitFor();
    expect(await explain.getByTestId('explain-value').textContent()).toBe('1');
    expect(await explain.textContent()).toContain('u2');
    await explain.getByRole('button', { name: 'Close the explanation' }).click();

    // As of a past instant the overview is replayed, and read-only.
    await page.getByLabel(/As of/).fill('2026-01-06T08:01:30');
    await page.getByRole('button', { name: 'Replay' }).click();
    await page.getByTestId('stamp').getByText('Replayed as of').waitFor();
    expect(await page.getByTestId('scope-qa').locator('.figure').allTextContents()).toEqual(['3', '2', '0', '2', '0']);
    expect(await page.getByRole('button', { name: 'Assign seat' }).count()).toBe(0);
  }, 90_000);

  it('an auditor key sees no write action; an ingest key is told it cannot read reports', async () => {
    await open('/licenses?product=KSE', ledger.tokens.auditor);
    await page.getByTestId('scope-mobile').waitFor();
    expect(await page.getByTestId('role').textContent()).toBe('auditor');
    for (const name of ['Assign seat', 'Dedicate licenses', 'Generate offline license', 'Register machine', 'Unassign', 'Change', 'Deactivate']) {
      expect({ name, count: await page.getByRole('button', { name, exact: true }).count() }).toEqual({ name, count: 0 });
    }
    expect(await page.getByRole('link', { name: 'Projections and Health' }).count()).toBe(0);

    await open('/seat-history', ledger.tokens.ingest);
    await page.getByTestId('no-reports').waitFor();
    expect(await page.getByTestId('no-reports').textContent()).toContain('cannot read reports');
    expect(await page.getByRole('navigation', { name: 'Views' }).getByRole('link').count()).toBe(0);
    await shoot('ingest-key');
  }, 90_000);

  it('Explain links each event to the event log, which pages, filters and exports NDJSON stamped with its position', async () => {
    await open(
      '/session-usage?product=KRE&from=2026-03-02&to=2026-03-02&interval=day&show=table&explain=peakUsage&bucket=2026-03-02T00%3A00%3A00.000-05%3A00',
    );
    const explain = page.getByTestId('explain');
    await explain.getByTestId('event-list').waitFor();
    const first = explain.getByTestId('event-list').locator('tbody tr').first();
    const position = (await first.locator('td').first().textContent())!;
    await first.getByRole('link').click();
    await page.waitForURL(/\/events\?/);
    const highlighted = page.locator('tr[aria-current="true"]');
    await highlighted.waitFor();
    expect(await highlighted.locator('td').first().textContent()).toBe(position);
    expect(await highlighted.locator('td').nth(1).textContent()).toBe('SessionStarted');

    await open('/events?limit=20');
    await page.getByTestId('event-list').waitFor();
    expect(await page.getByTestId('event-list').locator('tbody tr').count()).toBe(20);
    await shoot('events');
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.waitForURL(/after=/);
    const rest = await page.getByTestId('event-list').locator('tbody tr').count();
    expect(rest).toBeGreaterThan(0);
    expect(rest).toBeLessThanOrEqual(20);
    expect(await page.getByTestId('event-list').locator('tbody tr td:first-child').first().textContent()).not.toBe(position);
    await page.getByLabel('Event types (comma-separated)').fill('SeatAssigned,SeatUnassigned');
    await page.getByLabel('Event types (comma-separated)').press('Enter');
    await page.waitForURL(/type=SeatAssigned%2CSeatUnassigned/);
    // The URL changes first; the filtered page replaces the previous one when its answer is in.
    await page.waitForFunction(`(() => {
      const types = [...document.querySelectorAll('[data-testid="event-list"] tbody tr td:nth-child(2)')].map((td) => td.textContent);
      return types.length > 0 && types.every((type) => type === 'SeatAssigned' || type === 'SeatUnassigned');
    })()`);
    expect(await page.getByTestId('event-list').locator('tbody tr td:nth-child(2)').allTextContents()).toEqual([
      'SeatAssigned',
      'SeatAssigned',
      'SeatUnassigned',
      'SeatAssigned',
    ]);
    const until = (await page.getByTestId('stamp').locator('strong').textContent())!;
    const file = await downloaded(page.getByRole('button', { name: 'Export NDJSON' }));
    expect(JSON.parse(file.text.split('\n')[0]!)).toEqual({ accountId: 'acme', untilPosition: until });
    expect(file.text).toBe(
      (await ledger.api(`/v1/accounts/acme/events?format=ndjson&type=SeatAssigned%2CSeatUnassigned&until=${encodeURIComponent(until)}`)).text,
    );
    expect(file.name).toContain(until.replace('/', '-'));
  }, 90_000);

  it('an operator key sees operations only: projections with their lag, a live rebuild, health', async () => {
    await open('/', ledger.tokens.operator);
    await page.waitForURL(/\/operations$/);
    expect(await page.getByRole('navigation', { name: 'Views' }).getByRole('link').allTextContents()).toEqual(['Projections and Health']);
    const table = page.getByTestId('projections');
    await table.locator('tr[data-projection="sessions"]').waitFor();
    const generation = async () => Number(await table.locator('tr[data-projection="sessions"][data-status="active"] td').nth(1).textContent());
    const before = await generation();
    expect(await page.getByTestId('health').textContent()).toContain('ok');
    await table.locator('tr[data-projection="sessions"]').getByRole('button', { name: 'Rebuild' }).click();
    await page.waitForFunction(
      `[...document.querySelectorAll('tr[data-projection="sessions"][data-status="active"]')].some((tr) => Number(tr.children[2]?.textContent) > ${before})`,
      undefined,
      { timeout: 60_000 },
    );
    expect(await generation()).toBe(before + 1);
    await shoot('operations');
  }, 120_000);

  it("an admin's action goes through and the overview shows it: a machine registered, then deactivated", async () => {
    await open('/licenses?product=KSE');
    await page.getByTestId('scope-mobile').waitFor();
    await page.getByRole('button', { name: 'Register machine' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('User').fill('u1');
    await dialog.getByLabel('Machine').fill('m-console');
    await dialog.getByRole('button', { name: 'Register' }).click();
    await dialog.waitFor({ state: 'detached' });
    const machines = page.getByRole('region', { name: 'Registered machines' });
    await machines.getByText('m-console').waitFor();
    expect(await page.getByTestId('product-card').textContent()).toContain('Machines 1 of unlimited');
    await machines
      .getByRole('row', { name: /m-console/ })
      .getByRole('button', { name: 'Deactivate' })
      .click();
    await page.getByRole('dialog').getByRole('button', { name: 'Deactivate' }).click();
    await machines.getByText('m-console').waitFor({ state: 'detached' });
    const log = JSON.parse((await ledger.api('/v1/accounts/acme/events?type=MachineRegistered,MachineDeactivated')).text) as {
      events: { type: string; data: { machineId: string } }[];
    };
    expect(log.events.filter((e) => e.data.machineId === 'm-console').map((e) => e.type)).toEqual(['MachineRegistered', 'MachineDeactivated']);
  }, 90_000);

  it('License Management pages a long list on the server: next page, search, and Export of every matching row', async () => {
    for (let i = 0; i < 30; i++) {
      const response = await fetch(`${ledger.url}/v1/accounts/acme/machines`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ledger.tokens.admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ product: 'KSE', machineId: `m-page-${String(i).padStart(2, '0')}`, userId: 'u1' }),
      });
      expect(response.status).toBe(201);
    }
    const overviews: string[] = [];
    const recordOverview = (request: { url(): string }) => {
      if (/\/v1\/accounts\/acme\/licenses\?/.test(request.url())) overviews.push(request.url());
    };
    page.on('request', recordOverview);
    await open('/licenses?product=KSE');
    const machines = page.getByTestId('list-machines');
    await machines.getByTestId('pager').getByText('Rows 1–25 of 30').waitFor();
    // The overview itself carries no list rows: each list asks for its page.
    page.off('request', recordOverview);
    expect(overviews.length).toBeGreaterThan(0);
    expect(overviews.every((url) => url.includes('listLimit=0'))).toBe(true);
    expect(await machines.locator('tbody tr').count()).toBe(25);
    expect(await machines.locator('tbody tr td:first-child').first().textContent()).toBe('m-page-00');

    const pageTwo = page.waitForResponse((r) => r.url().includes('/licenses/KSE/machines?') && r.url().includes('page=2'));
    await machines.getByRole('button', { name: 'Next' }).click();
    expect((await (await pageTwo).json()).rows).toHaveLength(5);
    await machines.getByTestId('pager').getByText('Rows 26–30 of 30').waitFor();
    expect(await machines.locator('tbody tr td:first-child').allTextContents()).toEqual([
      'm-page-25',
      'm-page-26',
      'm-page-27',
      'm-page-28',
      'm-page-29',
    ]);

    await machines.getByLabel('Find in registered machines').fill('PAGE-1');
    await machines.getByTestId('pager').getByText('Rows 1–10 of 10').waitFor();
    const csv = await downloaded(machines.getByRole('button', { name: 'Export CSV' }));
    expect(csv.name).toBe('machines-KSE.csv');
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('machineId,userId,registeredAt');
    expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(Array.from({ length: 10 }, (_, i) => `m-page-1${i}`));
    await shoot('licenses-paged');
  }, 90_000);

  it('every other view opens, and the layout holds on a tablet', async () => {
    for (const [name, path] of [
      ['seat-usage', '/seat-usage?product=KSE&from=2026-01-05&to=2026-01-11&interval=day'],
      ['session-usage', '/session-usage?product=KRE&from=2026-03-02&to=2026-03-02&interval=hour'],
      ['aut-usage', '/aut-usage?product=TRUETEST&from=2026-03-01&to=2026-03-31&interval=week'],
    ] as const) {
      await open(path);
      await chartRendered(page);
      await shoot(name);
    }
    await page.setViewportSize({ width: 820, height: 1100 });
    await open('/licenses?product=KSE');
    await page.getByTestId('scope-mobile').waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await shoot('licenses-tablet');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${ledger.url}/`);
    await page.evaluate('sessionStorage.clear()');
    await page.goto(`${ledger.url}/`);
    await page.getByRole('textbox', { name: 'API key' }).waitFor();
    await shoot('connect');
  }, 120_000);
});
