import { readFile } from 'node:fs/promises';
import { DateTime } from 'luxon';
import type { Locator, Page } from 'playwright-core';
import type { DenialsBody, ForecastBody, IdleSeatsBody, ReclaimBacktestBody, SeriesExplanation, WhatIfBody } from '../../libs/contracts/src/index.js';
import { SQL_BACKENDS } from '../support/ledger-backends.js';
import { openAs, openBrowser, screenshot, type ConsoleBrowser } from './support/console-browser.js';
import { startConsoleLedger, type ConsoleLedger } from './support/console-ledger.js';
import { hoverBucket, tableRow } from './support/console-page.js';

const ZONE = 'America/New_York';

/**
 * A small seat history of TestOps, beside the SPEC §7 example, with figures computed by hand below:
 * 4 seats bought on 2026-04-01; u1, u2, u3 assigned that day; u1 active on 04-02 and 04-15, u2 on
 * 04-02 and 05-05, u3 never; u4 registered and assigned on 05-20, never active. And one TrueTest
 * application at a time from 06-01: a1 active 10:00–12:00 local on 06-02, a2 denied at 11:00.
 */
const TESTOPS_HISTORY = [
  {
    type: 'PurchaseLicenses',
    at: '2026-04-01T13:00:00Z',
    purchaseId: 'cap-p1',
    product: 'TESTOPS',
    quantity: 4,
    startsAt: '2026-04-01T04:00:00Z',
    expiresAt: '2027-04-01T04:00:00Z',
  },
  { type: 'AssignSeat', at: '2026-04-01T15:00:00Z', product: 'TESTOPS', userId: 'u1' },
  { type: 'AssignSeat', at: '2026-04-01T15:01:00Z', product: 'TESTOPS', userId: 'u2' },
  { type: 'AssignSeat', at: '2026-04-01T15:02:00Z', product: 'TESTOPS', userId: 'u3' },
  { type: 'RecordActivity', at: '2026-04-02T14:00:00Z', product: 'TESTOPS', userId: 'u1', action: 'run' },
  { type: 'RecordActivity', at: '2026-04-02T14:01:00Z', product: 'TESTOPS', userId: 'u2', action: 'run' },
  { type: 'RecordActivity', at: '2026-04-15T14:00:00Z', product: 'TESTOPS', userId: 'u1', action: 'run' },
  { type: 'RecordActivity', at: '2026-05-05T14:00:00Z', product: 'TESTOPS', userId: 'u2', action: 'run' },
  { type: 'RegisterUser', at: '2026-05-20T14:00:00Z', userId: 'u4', email: 'u4@acme.example', fullName: 'User Four', orgId: 'qa' },
  { type: 'AssignSeat', at: '2026-05-20T15:00:00Z', product: 'TESTOPS', userId: 'u4' },
  {
    type: 'PurchaseLicenses',
    at: '2026-06-01T13:00:00Z',
    purchaseId: 'cap-p2',
    product: 'TRUETEST',
    quantity: 1,
    startsAt: '2026-06-01T04:00:00Z',
    expiresAt: '2027-06-01T04:00:00Z',
  },
  { type: 'ActivateApplication', at: '2026-06-02T14:00:00Z', applicationId: 'a1' },
  { type: 'ActivateApplication', at: '2026-06-02T15:00:00Z', applicationId: 'a2' },
  { type: 'ReleaseApplication', at: '2026-06-02T16:00:00Z', applicationId: 'a1' },
]
  .map((command, i) => JSON.stringify({ accountId: 'acme', commandId: `cap-${i + 1}`, ...command }))
  .join('\n');

/** Local calendar days from `date` to today in New York: what `idleDays` counts (SPEC §8.2). */
function daysSince(date: string): number {
  const today = DateTime.now().setZone(ZONE).startOf('day');
  return Math.round(today.diff(DateTime.fromISO(date, { zone: ZONE }), 'days').days);
}

/**
 * The capacity views (SPEC §8) in real headless Chromium against a real `ledger serve`: the SPEC §7
 * example's KRE day (one denial) for what-if and denials, the TestOps history above for idle seats,
 * the reclaim back-test and the forecast. Every figure read from the page is checked against the
 * API's body and against the value worked out by hand. On PostgreSQL: the ledger's commands start
 * faster there than on the embedded store, which keeps the suite short.
 */
const [store, makeBackend] = SQL_BACKENDS.find(([name]) => name === 'PostgreSQL')!;
describe(`the console's capacity views on ${store}`, () => {
  let ledger: ConsoleLedger;
  let browser: ConsoleBrowser;
  let page: Page;

  beforeAll(async () => {
    ledger = await startConsoleLedger(await makeBackend('capacity_console'));
    const imported = await fetch(`${ledger.url}/v1/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ledger.tokens.admin}`, 'content-type': 'application/x-ndjson' },
      body: TESTOPS_HISTORY,
    });
    expect(await imported.json()).toMatchObject({ accepted: 13, rejected: 1, errors: [{ line: 13, code: 'CONCURRENCY_LIMIT_REACHED' }] });
    // The reports read the projections: wait until they have folded the last seat.
    for (const deadline = Date.now() + 20_000; ;) {
      const seats = await ledger.api('/v1/accounts/acme/reports/idle-seats?product=TESTOPS');
      if (seats.status === 200 && (JSON.parse(seats.text) as IdleSeatsBody).total === 4) break;
      if (Date.now() > deadline) throw new Error(`the TestOps seats did not show: ${seats.text}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    browser = await openBrowser();
    page = browser.page;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await ledger?.stop();
  }, 60_000);

  const open = (path: string) => openAs(page, ledger.url, ledger.tokens.auditor, path);
  const body = async <B>(path: string): Promise<B> => {
    const answer = await ledger.api(`/v1/accounts/acme/reports/${path}`);
    expect(answer.status).toBe(200);
    return JSON.parse(answer.text) as B;
  };
  /** The figure the page shows for a top-level field of the body. */
  const figure = (field: string, within: Page | Locator = page) => within.locator(`[data-figure="${field}"] dd`).textContent();
  async function downloaded(button: Locator): Promise<string> {
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    return readFile((await download.path())!, 'utf8');
  }
  /** The API's explanation of a bucket figure of a capacity report. */
  const explanation = async <E = SeriesExplanation>(report: string, query: string, bucket: string, metric: string): Promise<E> => {
    const answer = await ledger.api(`/v1/accounts/acme/reports/${report}/explain?${query}&bucket=${encodeURIComponent(bucket)}&metric=${metric}`);
    expect(answer.status).toBe(200);
    return JSON.parse(answer.text) as E;
  };
  /** The open Explain panel's value, its events (position and type) and the cells of one column of a detail table. */
  async function explainShown(detail?: { name: string; column: string }) {
    const panel = page.getByTestId('explain');
    const list = panel.getByTestId('event-list');
    await list.waitFor();
    const column = detail
      ? await panel
          .locator('.detail', { has: page.getByRole('heading', { name: detail.name, exact: true }) })
          .locator('table')
          .evaluate((table, name) => {
            const index = [...table.querySelectorAll('thead th')].findIndex((th) => th.textContent === name);
            return [...table.querySelectorAll('tbody tr')].map((tr) => tr.children[index]?.textContent ?? '');
          }, detail.column)
      : [];
    return {
      value: await panel.getByTestId('explain-value').textContent(),
      positions: await list.locator('tbody tr td:nth-child(1)').allTextContents(),
      types: await list.locator('tbody tr td:nth-child(2)').allTextContents(),
      column,
    };
  }

  it("what-if: linked from session-usage with its window; quantity 3 admits s4, quantity 1 refuses s2 and s4; recommendation 3; Export is the API's CSV", async () => {
    const window = 'product=KRE&from=2026-03-02&to=2026-03-02&interval=day';
    await open(`/session-usage?${window}`);
    await page.getByRole('link', { name: 'What if the quantity were different?' }).click();
    await page.getByRole('heading', { name: 'What-if' }).waitFor();
    const url = new URL(page.url());
    expect(url.pathname).toBe('/what-if');
    expect(Object.fromEntries(url.searchParams)).toEqual({ product: 'KRE', from: '2026-03-02', to: '2026-03-02', interval: 'day' });

    await page.getByLabel('Account quantity').fill('3');
    await page.getByRole('button', { name: 'Replay' }).click();
    await page.waitForURL(/quantity=3/);
    await page.locator('[data-figure="refused"]').waitFor();
    // The chart puts each figure beside what happened; seconds stay in the table.
    expect((await hoverBucket(page, 0, 1)).values).toEqual({
      'Available Sessions (what-if)': '3',
      'Available Sessions (actual)': '2',
      'Peak Usage (what-if)': '3',
      'Peak Usage (actual)': '2',
      'Average Peak (what-if)': '0.25',
      'Average Peak (actual)': '0.17',
      'Denied (what-if)': '0',
      'Denied (actual)': '1',
    });
    await page.getByRole('button', { name: 'Table', exact: true }).click();
    const table = page.getByTestId('metric-table');
    await table.waitFor();
    // At 1280 px its 11 columns fit: nothing scrolls off the right of the view.
    expect(page.viewportSize()?.width).toBe(1280);
    const fit = await table.evaluate((element) => {
      const frame = element.parentElement!;
      return {
        tableRight: Math.round(element.getBoundingClientRect().right),
        frameRight: Math.round(frame.getBoundingClientRect().right),
        overflow: frame.scrollWidth - frame.clientWidth,
      };
    });
    expect(fit.overflow).toBe(0);
    expect(fit.tableRight).toBeLessThanOrEqual(fit.frameRight);
    const three = await body<WhatIfBody>(`what-if?${window}&quantity=3`);
    const day = three.buckets[0]!;
    // s1 [10:00, 11:00), s2 [10:30, 12:00), s3 [11:00, 11:30) and s4 [10:45, 11:45): s4 demands the median accepted 1 h.
    expect(await tableRow(table, '2026-03-02')).toEqual({
      start: '2026-03-02',
      availableSessions: '3',
      'actual.availableSessions': '2',
      peakUsage: '3',
      'actual.peakUsage': '2',
      averagePeak: '0.25',
      'actual.averagePeak': '0.17',
      denied: '0',
      'actual.denied': '1',
      unmetSeconds: '0',
    });
    expect([day.availableSessions, day.peakUsage, day.averagePeak, day.denied, day.unmetSeconds]).toEqual([3, 3, 0.25, 0, 0]);
    expect(day.actual).toEqual({ availableSessions: 2, peakUsage: 2, averagePeak: 0.17, denied: 1 });
    expect(await figure('demand')).toContain('4');
    expect(await figure('refused')).toBe('0');
    expect(await figure('deniedDuration')).toBe('1 h 00 min (3,600 s, the median accepted)');
    expect([three.demand, three.refused, three.deniedDuration]).toEqual([4, 0, 3600]);
    expect(await figure('recommendation.noDenials')).toBe('3');
    expect(await figure('recommendation.atMostOnePercent')).toBe('3');
    expect(three.recommendation).toEqual({ noDenials: 3, atMostOnePercent: 3 });

    await page.getByLabel('Account quantity').fill('1');
    await page.getByRole('button', { name: 'Replay' }).click();
    await page.waitForURL(/quantity=1/);
    await page.locator('[data-figure="refused"] dd').getByText('2', { exact: true }).waitFor();
    const one = await body<WhatIfBody>(`what-if?${window}&quantity=1`);
    // One session at a time: s1 runs, s2 and s4 are refused (1 h 30 + 1 h unmet), s3 starts as s1 ends.
    expect(await tableRow(table, '2026-03-02')).toMatchObject({
      availableSessions: '1',
      peakUsage: '1',
      averagePeak: '0.08',
      denied: '2',
      unmetSeconds: '9,000',
    });
    expect(one.buckets[0]).toMatchObject({ availableSessions: 1, peakUsage: 1, averagePeak: 0.08, denied: 2, unmetSeconds: 9000 });
    expect(one.recommendation).toEqual(three.recommendation);
    await screenshot(page, 'what-if-table');

    // A figure explains itself: under 1 session at a time s2 and s4 are the 2 refused, with their events.
    await table.getByRole('button', { name: /^2: explain denied of 2026-03-02$/ }).click();
    await page.waitForURL(/explain=denied/);
    const shown = await explainShown({ name: 'refused', column: 'id' });
    const api = await explanation<SeriesExplanation & { refused: { id: string }[] }>('what-if', `${window}&quantity=1`, day.start, 'denied');
    expect(shown.value).toBe('2');
    expect(api.value).toBe(2);
    expect([...shown.column].sort()).toEqual(['s2', 's4']);
    expect(api.refused.map((r) => r.id).sort()).toEqual(['s2', 's4']);
    expect(shown.positions).toEqual(api.events.map((e) => e.position));
    expect(shown.types).toContain('SessionDenied');
    expect(shown.types).toContain('SessionStarted');
    await screenshot(page, 'what-if-explain');
    await page.getByRole('button', { name: 'Close the explanation' }).click();
    await page.getByTestId('explain').waitFor({ state: 'detached' });
    expect(new URL(page.url()).searchParams.get('explain')).toBeNull();

    const csv = await downloaded(page.getByRole('button', { name: 'Export CSV' }));
    expect(csv).toBe((await ledger.api(`/v1/accounts/acme/reports/what-if?${window}&quantity=1&format=csv`)).text);
    expect(csv.split('\r\n')[0]).toContain('unmetSeconds,actual.availableSessions');
  }, 60_000);

  it('what-if for TrueTest, from Application Usage: 2 applications at once would have admitted a2 (2 h, the median)', async () => {
    const window = 'product=TRUETEST&from=2026-06-02&to=2026-06-02&interval=day';
    await open(`/aut-usage?${window}`);
    await page.getByRole('link', { name: 'What if the quantity were different?' }).click();
    await page.waitForURL(/\/what-if\?/);
    await page.getByLabel('Account quantity').fill('2');
    await page.getByRole('button', { name: 'Replay' }).click();
    await page.waitForURL(/quantity=2/);
    await page.getByRole('button', { name: 'Table', exact: true }).click();
    const table = page.getByTestId('metric-table');
    await table.waitFor();
    // a1 10:00–12:00 and a2 11:00–13:00: hourly peaks 1, 2, 1 (4 / 24) against 1, 1 (2 / 24).
    expect(await tableRow(table, '2026-06-02')).toEqual({
      start: '2026-06-02',
      purchased: '2',
      'actual.purchased': '1',
      peakActiveApplications: '2',
      'actual.peakActiveApplications': '1',
      averagePeak: '0.17',
      'actual.averagePeak': '0.08',
      denied: '0',
      'actual.denied': '1',
      unmetSeconds: '0',
    });
    const api = await body<WhatIfBody>(`what-if?${window}&quantity=2`);
    expect(api.buckets[0]).toMatchObject({
      purchased: 2,
      peakActiveApplications: 2,
      averagePeak: 0.17,
      denied: 0,
      actual: { purchased: 1, peakActiveApplications: 1, averagePeak: 0.08, denied: 1 },
    });
    expect(await figure('recommendation.noDenials')).toBe('2');
    expect(api.recommendation.noDenials).toBe(2);
  }, 60_000);

  it('denials: 1 attempt, 1 true denial, u3 unmet with a 600 s retry window but met with 900 s (s3 starts 15 min after s4)', async () => {
    const window = 'product=KRE&from=2026-03-02&to=2026-03-02&interval=day';
    await open(`/denials?${window}&show=table`);
    const table = page.getByTestId('metric-table');
    await table.waitFor();
    const row = await tableRow(table, '2026-03-02');
    expect(row).toEqual({ start: '2026-03-02', attempts: '1', uniqueUsers: '1', trueDenials: '1', unmetUsers: '1' });
    expect((await body<DenialsBody>(`denials?${window}`)).buckets![0]).toMatchObject({ attempts: 1, uniqueUsers: 1, trueDenials: 1, unmetUsers: 1 });

    await page.getByLabel('Retry window (s)').fill('900');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/retryWindow=900/);
    await page.getByText('Retries within 900 s').waitFor();
    expect(await tableRow(table, '2026-03-02')).toMatchObject({ attempts: '1', trueDenials: '1', unmetUsers: '0' });
    expect((await body<DenialsBody>(`denials?${window}&retryWindow=900`)).buckets![0]).toMatchObject({ unmetUsers: 0 });

    // The one true denial, explained: u3's denied attempt s4 and its event.
    await table.getByRole('button', { name: /^1: explain trueDenials of 2026-03-02$/ }).click();
    await page.waitForURL(/explain=trueDenials/);
    const shown = await explainShown();
    const bucket = (await body<DenialsBody>(`denials?${window}`)).buckets![0]!.start;
    const api = await explanation('denials', `${window}&retryWindow=900`, bucket, 'trueDenials');
    expect(shown.value).toBe('1');
    expect(api.value).toBe(1);
    expect(shown.types).toEqual(['SessionDenied']);
    expect(shown.positions).toEqual(api.events.map((e) => e.position));
    expect(api.events.map((e) => [e.type, (e.data as { userId?: string }).userId])).toEqual([['SessionDenied', 'u3']]);
  }, 60_000);

  it('idle seats: never-active and longest idle first, the minIdleDays filter, Export; N days of the slider change what reclaiming saves', async () => {
    const reclaimWindow = 'windowFrom=2026-04-01&windowTo=2026-06-30&windowInterval=month';
    await open(`/idle-seats?product=TESTOPS&${reclaimWindow}`);
    const table = page.getByTestId('report-table');
    await table.locator('tbody tr').nth(3).waitFor();
    const rows = () =>
      table.evaluate((element) => {
        const headers = [...element.querySelectorAll('thead th')].map((th) => th.textContent!.replace(/ [▲▼]$/, ''));
        return [...element.querySelectorAll('tbody tr')].map((tr) =>
          Object.fromEntries([...tr.children].map((td, i) => [headers[i]!, td.textContent!])),
        );
      });
    const api = await body<IdleSeatsBody>('idle-seats?product=TESTOPS');
    const shown = await rows();
    // Idle since the later of the assignment and the last activity, as local dates.
    const expected = [
      ['u3', '2026-04-01'],
      ['u1', '2026-04-15'],
      ['u2', '2026-05-05'],
      ['u4', '2026-05-20'],
    ] as const;
    expect(shown.map((r) => [r['User ID'], r['Idle Days']])).toEqual(expected.map(([user, since]) => [user, String(daysSince(since))]));
    expect(api.rows.map((r) => [r.userId, r.idleDays])).toEqual(expected.map(([user, since]) => [user, daysSince(since)]));
    expect(shown.map((r) => r['Last Active Use'])).toEqual(['—', '2026-04-15 10:00:00', '2026-05-05 10:00:00', '—']);
    await screenshot(page, 'idle-seats');

    await page.getByLabel('Idle at least (days)').fill(String(daysSince('2026-05-05') + 1));
    await page.waitForURL(/minIdleDays=/);
    await table.locator('tbody tr').nth(2).waitFor({ state: 'detached' });
    expect((await rows()).map((r) => r['User ID'])).toEqual(['u3', 'u1']);
    const csv = await downloaded(page.getByRole('button', { name: 'Export CSV' }).first());
    expect(csv).toBe(
      (await ledger.api(`/v1/accounts/acme/reports/idle-seats?product=TESTOPS&minIdleDays=${daysSince('2026-05-05') + 1}&format=csv`)).text,
    );
    expect(
      csv
        .trim()
        .split('\r\n')
        .map((line) => line.split(',')[0]),
    ).toEqual(['userId', 'u3', 'u1']);

    const backtest = page.getByRole('region', { name: /What would \d+ days save/ });
    const figures = async () =>
      Object.fromEntries(
        await Promise.all(
          ['reclaimed', 'returnedWithin7Days', 'returnedWithin30Days', 'neverReturned'].map(async (field) => [field, await figure(field, backtest)]),
        ),
      );
    // 30 days (the default): u3 reclaimed 05-01, u2 05-02 (back 05-05, again 06-04), u1 05-15, u4 06-19.
    await backtest.getByText('What would 30 days save?').waitFor();
    await backtest.locator('[data-figure="reclaimed"]').waitFor();
    expect(await figures()).toEqual({ reclaimed: '5', returnedWithin7Days: '1', returnedWithin30Days: '1', neverReturned: '4' });
    expect(await figure('peakAssigned', backtest)).toBe('3 vs 4 in reality');
    const thirty = await body<ReclaimBacktestBody>('reclaim-backtest?product=TESTOPS&from=2026-04-01&to=2026-06-30&interval=month&idleDays=30');
    expect(thirty).toMatchObject({
      reclaimed: 5,
      returnedWithin7Days: 1,
      returnedWithin30Days: 1,
      neverReturned: 4,
      peakAssigned: 3,
      peakAssignedActual: 4,
    });
    await backtest.getByRole('button', { name: 'Table', exact: true }).click();
    const months = backtest.getByTestId('metric-table');
    expect(await tableRow(months, '2026-04-01')).toEqual({ start: '2026-04-01', assigned: '3', assignedActual: '3' });
    expect(await tableRow(months, '2026-05-01')).toEqual({ start: '2026-05-01', assigned: '2', assignedActual: '4' });
    expect(await tableRow(months, '2026-06-01')).toEqual({ start: '2026-06-01', assigned: '0', assignedActual: '4' });
    expect(thirty.buckets!.map((b) => [b.assigned, b.assignedActual])).toEqual([
      [3, 3],
      [2, 4],
      [0, 4],
    ]);

    // 10 days: u3 04-11, u1 04-12 (back 04-15, again 04-25), u2 04-12 (back 05-05, again 05-15), u4 05-30.
    await backtest.getByRole('spinbutton', { name: 'Idle days' }).fill('10');
    await page.waitForURL(/idleDays=10/);
    await backtest.getByText('What would 10 days save?').waitFor();
    await backtest.locator('[data-figure="reclaimed"] dd').getByText('6', { exact: true }).waitFor();
    expect(await figures()).toEqual({ reclaimed: '6', returnedWithin7Days: '1', returnedWithin30Days: '2', neverReturned: '4' });
    expect(await tableRow(months, '2026-05-01')).toEqual({ start: '2026-05-01', assigned: '0', assignedActual: '4' });
    expect(
      await body<ReclaimBacktestBody>('reclaim-backtest?product=TESTOPS&from=2026-04-01&to=2026-06-30&interval=month&idleDays=10'),
    ).toMatchObject({ reclaimed: 6, returnedWithin7Days: 1, returnedWithin30Days: 2, neverReturned: 4, peakAssigned: 3, peakAssignedActual: 4 });
    await screenshot(page, 'reclaim-backtest');
  }, 60_000);

  it('forecast: assigned 3, 4, 4 by month gives slope 0.50, projections 4.67 and 5.17, and runs out of the 4 seats in July', async () => {
    const query = 'product=TESTOPS&interval=month&to=2026-06-30&history=3&horizon=2';
    await open(`/forecast?${query}&show=table`);
    const table = page.getByTestId('metric-table');
    await table.waitFor();
    expect(await page.getByTestId('metric').textContent()).toBe('assigned');
    const expected: Record<string, { value: string; projected: string }> = {
      '2026-04-01': { value: '3', projected: '—' },
      '2026-05-01': { value: '4', projected: '—' },
      '2026-06-01': { value: '4', projected: '—' },
      '2026-07-01': { value: '—', projected: '4.67' },
      '2026-08-01': { value: '—', projected: '5.17' },
    };
    for (const [start, values] of Object.entries(expected)) expect(await tableRow(table, start)).toEqual({ start, ...values });
    expect(await figure('slope')).toBe('0.50');
    expect(await figure('dedicated')).toBe('4');
    expect(await figure('exhaustedAt')).toContain('2026-07-01');
    const api = await body<ForecastBody>(`forecast?${query}`);
    expect(api).toMatchObject({ metric: 'assigned', slope: 0.5, dedicated: 4, exhaustedAt: '2026-07-01T00:00:00.000-04:00' });
    expect(api.buckets!.map((b) => b.value ?? b.projected)).toEqual([3, 4, 4, 4.67, 5.17]);

    // May's value explained: the 4 seats held at its latest record, each with the event that assigned it.
    expect(await table.getByRole('button', { name: /explain value of 2026-07-01$/ }).count()).toBe(0);
    await table.getByRole('button', { name: /^4: explain value of 2026-05-01$/ }).click();
    await page.waitForURL(/explain=value/);
    const shown = await explainShown({ name: 'seats', column: 'userId' });
    const explained = await explanation<SeriesExplanation & { seats: { userId: string }[] }>('forecast', query, api.buckets![1]!.start, 'value');
    expect(shown.value).toBe('4');
    expect(explained.value).toBe(4);
    expect([...shown.column].sort()).toEqual(['u1', 'u2', 'u3', 'u4']);
    expect(explained.seats.map((seat) => seat.userId).sort()).toEqual(['u1', 'u2', 'u3', 'u4']);
    expect(shown.types).toEqual(['SeatAssigned', 'SeatAssigned', 'SeatAssigned', 'SeatAssigned']);
    expect(shown.positions).toEqual(explained.events.map((e) => e.position));
  }, 60_000);

  it("a bad parameter in a link shows the API's own words and names the field", async () => {
    await open('/forecast?product=TESTOPS&interval=month&history=1');
    const problem = page.getByTestId('problem');
    await problem.waitFor();
    const api = JSON.parse(
      (await ledger.api('/v1/accounts/acme/reports/forecast?product=TESTOPS&metric=assigned&interval=month&history=1')).text,
    ) as { detail: string; code: string; errors: { path: string }[] };
    expect(api.errors.map((e) => e.path)).toEqual(['history']);
    expect(await problem.locator('strong').textContent()).toBe(api.detail);
    expect(await problem.textContent()).toContain(api.code);
    expect(await problem.locator('li code').allTextContents()).toEqual(['history']);
  }, 60_000);
});
