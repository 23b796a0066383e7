import { createServer } from 'node:net';
import { DateTime } from 'luxon';
import pg from 'pg';
import type { Page, Response } from 'playwright-core';
import { launchChromium } from '../console/chromium.js';
import { existingPostgresStore, freshStore, log, round, runNode, type BenchStore, type ChildRun } from './bench-support.js';

/**
 * The web console on the ~1M-event history (PostgreSQL): the history is imported with
 * `ledger import --no-wait`, `ledger serve` folds it, then headless Chromium (Debian's, fresh
 * profile) opens the console on the account with the most events and measures
 * - the JavaScript transferred for the first view (encoded bytes of every script the page loads, from
 *   an empty cache; the server sends gzip), against 350 KB;
 * - the time from navigation start to a rendered chart (the chart's `data-rendered-at`, read from the
 *   page's own clock) for seat-history day × 365 and session-usage hour × 31 days, against 1 s: from
 *   an empty cache (cold) and with the assets cached (warm, a reload), median of `runs` each.
 */

export const FIRST_VIEW_JS_TARGET_KB = 350;
export const CHART_TARGET_MS = 1_000;

export interface ConsoleBenchOptions {
  readonly file: string;
  readonly databaseUrl: string;
  readonly timeoutMs: number;
  readonly runs: number;
  readonly existingSchema?: string;
}

export interface ChartTiming {
  readonly label: string;
  readonly path: string;
  readonly buckets: number;
  /** The report's answer alone (a fetch with the key), median. */
  readonly apiMedianMs: number;
  readonly coldMedianMs: number;
  readonly warmMedianMs: number;
  readonly coldRunsMs: readonly number[];
  readonly warmRunsMs: readonly number[];
  readonly meetsTarget: boolean;
}

export interface ConsoleBenchResult {
  readonly events: number;
  readonly account: { readonly accountId: string; readonly events: number; readonly firstDate: string; readonly lastDate: string };
  readonly firstView: {
    readonly path: string;
    /** Scripts of the first view as transferred (gzip), KB = 1000 bytes. */
    readonly javascriptKB: number;
    readonly javascriptUncompressedKB: number;
    readonly allTransferredKB: number;
    readonly scripts: readonly { readonly file: string; readonly transferredBytes: number }[];
    readonly targetKB: number;
    readonly meetsTarget: boolean;
  };
  readonly charts: readonly ChartTiming[];
  readonly targetMs: number;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

async function ledger(store: BenchStore, args: readonly string[], timeoutMs: number): Promise<string> {
  let out = '';
  const run = runNode(['bin/ledger.js', ...args], { env: store.env, timeoutMs, onStdoutLine: (line) => (out += `${line}\n`) });
  const exit = await run.exited;
  if (exit.code !== 0) throw new Error(`ledger ${args.join(' ')} exited with ${exit.code ?? exit.signal}`);
  return out;
}

export async function runConsoleScenario(options: ConsoleBenchOptions): Promise<ConsoleBenchResult> {
  const label = 'console-postgres';
  const store =
    options.existingSchema !== undefined
      ? existingPostgresStore(options.databaseUrl, options.existingSchema)
      : await freshStore('postgres', options.databaseUrl, 'console');
  let server: ChildRun | null = null;
  try {
    log(label, `store: ${store.description}`);
    if (options.existingSchema === undefined) {
      const started = performance.now();
      const run = runNode(['bin/ledger.js', 'import', options.file, '--no-wait'], {
        env: store.env,
        timeoutMs: options.timeoutMs,
        onStderrLine: (line) => {
          if (line.startsWith('imported ')) log(`${label} import`, line);
        },
      });
      const exit = await run.exited;
      if (exit.code !== 0 && exit.code !== 3) throw new Error(`ledger import --no-wait exited with ${exit.code ?? exit.signal}`);
      log(label, `imported in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
    const { events } = await store.countEvents();
    const account = await biggestAccount(options.databaseUrl, store.env.DATABASE_SCHEMA!);
    log(label, `${events} events; account ${account.accountId}: ${account.events} events, ${account.firstDate} … ${account.lastDate}`);
    const lastLine = (out: string) => out.trim().split('\n').at(-1)!.trim();
    const token = lastLine(await ledger(store, ['keys', 'create', '--account', account.accountId, '--role', 'auditor'], 120_000));
    const operator = lastLine(await ledger(store, ['keys', 'create', '--role', 'operator'], 120_000));

    const port = await freePort();
    server = runNode(['bin/ledger.js', 'serve'], { env: { ...store.env, PORT: String(port) }, timeoutMs: options.timeoutMs });
    const url = `http://127.0.0.1:${port}`;
    await caughtUp(url, operator, label, options.timeoutMs);

    const last = DateTime.fromISO(account.lastDate);
    const cases = [
      {
        label: 'seat-history day × 365',
        path: `/seat-history?product=KSE&from=${last.minus({ days: 364 }).toISODate()}&to=${account.lastDate}&interval=day`,
        buckets: 365,
      },
      {
        label: 'session-usage hour × 31 days',
        path: `/session-usage?product=KRE&from=${last.minus({ days: 30 }).toISODate()}&to=${account.lastDate}&interval=hour`,
        buckets: 31 * 24,
      },
    ];
    const firstView = await measureFirstView(url, token, cases[0]!.path);
    log(label, `first view: ${firstView.javascriptKB} KB of JavaScript (gzip), ${firstView.scripts.length} scripts`);
    const charts: ChartTiming[] = [];
    for (const c of cases) {
      const timing = await measureChart(url, token, c, options.runs);
      log(label, `${c.label}: cold ${timing.coldMedianMs} ms, warm ${timing.warmMedianMs} ms (report alone ${timing.apiMedianMs} ms)`);
      charts.push(timing);
    }
    return { events, account, firstView, charts, targetMs: CHART_TARGET_MS };
  } finally {
    server?.kill();
    await server?.exited;
    await store.dispose();
  }
}

/** The account with the most events, and its first and last local dates. */
async function biggestAccount(databaseUrl: string, schema: string): Promise<ConsoleBenchResult['account']> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const {
      rows: [top],
    } = await client.query<{ stream_id: string; events: number; first_at: Date; last_at: Date; timezone: string | null }>(`
      SELECT stream_id, count(*)::int AS events, min((metadata->>'occurredAt')::timestamptz) AS first_at,
        max((metadata->>'occurredAt')::timestamptz) AS last_at,
        max(data->>'timezone') FILTER (WHERE type = 'AccountOpened') AS timezone
      FROM ${schema}.events WHERE stream_id LIKE 'account-%' GROUP BY stream_id ORDER BY count(*) DESC LIMIT 1`);
    if (!top) throw new Error('the log has no account');
    const zone = top.timezone ?? 'UTC';
    const date = (at: Date) => DateTime.fromJSDate(at).setZone(zone).toISODate()!;
    return { accountId: top.stream_id.slice('account-'.length), events: top.events, firstDate: date(top.first_at), lastDate: date(top.last_at) };
  } finally {
    await client.end();
  }
}

/**
 * Waits until `ledger serve` answers and every projection has folded the whole log, with progress
 * (`GET /v1/projections`: /health gives up on a slow projection count after 2 s).
 */
async function caughtUp(url: string, operator: string, label: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let said = 0;
  for (;;) {
    try {
      const response = await fetch(`${url}/v1/projections`, { headers: { authorization: `Bearer ${operator}` } });
      const list = response.ok
        ? ((await response.json()) as { projections: { name: string; lagEvents: number; status: string }[] }).projections
        : null;
      const behind = (list ?? []).filter((p) => p.lagEvents > 0 || p.status !== 'active');
      if (list && behind.length === 0) return;
      if (Date.now() - said > 15_000) {
        said = Date.now();
        log(label, `projections catching up: ${behind.map((p) => `${p.name} ${p.lagEvents} behind`).join(', ')}`);
      }
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error('the projections did not catch up in time');
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

async function withPage<T>(token: string, work: (page: Page) => Promise<T>): Promise<T> {
  const browser = await launchChromium();
  try {
    // The key is in the tab before the page's scripts run: the measured navigation is the first one.
    await browser.context.addInitScript(`sessionStorage.setItem('license-ledger.api-key', ${JSON.stringify(token)})`);
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(60_000);
    return await work(page);
  } finally {
    await browser.close();
  }
}

async function renderedAt(page: Page): Promise<number> {
  const handle = await page.waitForFunction(
    `document.querySelector('[data-testid="chart"]')?.getAttribute('data-rendered') === 'true' && document.querySelector('[data-testid="chart"]').getAttribute('data-rendered-at')`,
  );
  return Number(await handle.jsonValue());
}

async function measureFirstView(url: string, token: string, path: string): Promise<ConsoleBenchResult['firstView']> {
  return withPage(token, async (page) => {
    const responses: Response[] = [];
    page.on('response', (r) => responses.push(r));
    await page.goto(`${url}${path}`);
    await renderedAt(page);
    const scripts: { file: string; transferredBytes: number }[] = [];
    let all = 0;
    let uncompressed = 0;
    for (const response of responses) {
      const sizes = await response.request().sizes();
      all += sizes.responseBodySize + sizes.responseHeadersSize;
      if (response.request().resourceType() === 'script') {
        scripts.push({ file: new URL(response.url()).pathname, transferredBytes: sizes.responseBodySize });
        uncompressed += (await response.body()).length;
      }
    }
    const javascriptKB = round(scripts.reduce((sum, s) => sum + s.transferredBytes, 0) / 1000, 1);
    return {
      path,
      javascriptKB,
      javascriptUncompressedKB: round(uncompressed / 1000, 1),
      allTransferredKB: round(all / 1000, 1),
      scripts,
      targetKB: FIRST_VIEW_JS_TARGET_KB,
      meetsTarget: javascriptKB <= FIRST_VIEW_JS_TARGET_KB,
    };
  });
}

async function measureChart(url: string, token: string, c: { label: string; path: string; buckets: number }, runs: number): Promise<ChartTiming> {
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) {
    await withPage(token, async (page) => {
      await page.goto(`${url}${c.path}`);
      cold.push(await renderedAt(page));
      await page.reload();
      warm.push(await renderedAt(page));
    });
  }
  const api: number[] = [];
  const [route, query] = c.path.slice(1).split('?');
  const accountId = ((await (await fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${token}` } })).json()) as { accountId: string })
    .accountId;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const response = await fetch(`${url}/v1/accounts/${accountId}/reports/${route}?${query}`, { headers: { authorization: `Bearer ${token}` } });
    await response.text();
    api.push(performance.now() - started);
  }
  const median = (list: readonly number[]) => round([...list].sort((a, b) => a - b)[Math.floor((list.length - 1) / 2)]!, 0);
  const coldMedianMs = median(cold);
  const warmMedianMs = median(warm);
  return {
    label: c.label,
    path: c.path,
    buckets: c.buckets,
    apiMedianMs: median(api),
    coldMedianMs,
    warmMedianMs,
    coldRunsMs: cold,
    warmRunsMs: warm,
    meetsTarget: coldMedianMs <= CHART_TARGET_MS,
  };
}
