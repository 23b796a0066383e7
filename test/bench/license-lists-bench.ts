import { QueryBus } from '@nestjs/cqrs';
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { withLedger } from '../../apps/cli/src/ledger-context.js';
import type { LicenseListName } from '../../libs/contracts/src/licenses.js';
import type { LedgerDatabase } from '../../libs/database/src/database.js';
import { query } from '../../libs/database/src/testing/query.js';
import { loadConfig } from '../../libs/platform/src/config.js';
import { LEDGER_DATABASE } from '../../libs/platform/src/tokens.js';
import { LicenseListQuery, LicensesOverviewQuery } from '../../libs/reports/src/reports.service.js';
import { log, runAsScript, summarizeLatencies, type LatencySummary } from './bench-support.js';

/**
 * The license overview whole (the SPEC body) against what the console now asks for it: the overview
 * with `listLimit=0` and the first page of each list (`GET …/licenses/{product}/{list}`). Each case
 * runs the QueryBus query the HTTP route runs and serializes the body as the route does (JSON), on the
 * account with the most events of an existing PostgreSQL schema; body sizes raw and gzipped (the API
 * compresses). Writes bench-results/license-lists.json.
 *
 *   node dist/test/bench/license-lists-bench.js --schema perf_1m [--runs 20] [--database-url URL]
 */
const USAGE = 'Usage: node dist/test/bench/license-lists-bench.js --schema SCHEMA [--runs N] [--database-url URL]';
const LISTS: readonly LicenseListName[] = ['licensed-users', 'online-licenses', 'offline-licenses', 'machines'];

interface CaseResult extends LatencySummary {
  readonly label: string;
  /** The JSON body (bodies, for several requests), bytes. */
  readonly bytes: number;
  readonly gzipBytes: number;
}

export async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { schema: { type: 'string' }, runs: { type: 'string' }, 'database-url': { type: 'string' }, out: { type: 'string' } },
  });
  if (!values.schema) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const runs = Number(values.runs ?? 20);
  const databaseUrl = values['database-url'] ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const config = loadConfig({ ...process.env, DATABASE_URL: databaseUrl, DATABASE_SCHEMA: values.schema });
  const result = await withLedger(config, async (_gateway, nest) => {
    const [top] = await query<{ stream_id: string; events: number }>(
      nest.get<LedgerDatabase>(LEDGER_DATABASE),
      `SELECT stream_id, count(*)::int AS events FROM events WHERE stream_id LIKE 'account-%' GROUP BY stream_id ORDER BY count(*) DESC LIMIT 1`,
    );
    if (!top) throw new Error('the log has no account');
    const accountId = top.stream_id.slice('account-'.length);
    const queries = nest.get(QueryBus);
    const overview = (parameters: Record<string, string>) => queries.execute(new LicensesOverviewQuery({ accountId, ...parameters }));
    const list = (product: string, name: LicenseListName) =>
      queries.execute(new LicenseListQuery({ accountId, product, list: name, page: '1', pageSize: '50' }));

    const whole = await overview({});
    const product = [...whole.products].sort((a, b) => b.licensedUsers.length + b.machines.length - (a.licensedUsers.length + a.machines.length))[0]!;
    const sizes = {
      licensedUsers: product.licensedUsers.length,
      onlineLicenses: product.onlineLicenses.length,
      offlineLicenses: product.offlineLicenses.length,
      machines: product.machines.length,
    };
    log('license-lists', `account ${accountId} (${top.events} events on its account stream); product ${product.product}: ${JSON.stringify(sizes)}`);

    /** Runs `bodies` (the requests of one view, side by side) `runs` times after one warm-up: time to every body serialized. */
    const time = async (label: string, bodies: () => Promise<unknown>[]): Promise<CaseResult> => {
      const once = async () => (await Promise.all(bodies())).map((body) => JSON.stringify(body));
      const texts = await once();
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        await once();
        samples.push(performance.now() - t);
      }
      const bytes = texts.reduce((n, text) => n + Buffer.byteLength(text), 0);
      const gzipBytes = texts.reduce((n, text) => n + gzipSync(text).length, 0);
      const timing = { label, ...summarizeLatencies(samples), bytes, gzipBytes };
      log('license-lists', `${label}: p50 ${timing.p50Ms} ms, p95 ${timing.p95Ms} ms, ${bytes} bytes (${gzipBytes} gzipped)`);
      return timing;
    };

    const cases: CaseResult[] = [];
    cases.push(await time('overview, every product, whole (the SPEC body, before)', () => [overview({})]));
    cases.push(await time(`overview, ${product.product}, whole`, () => [overview({ product: product.product })]));
    cases.push(await time('overview, every product, listLimit=0', () => [overview({ listLimit: '0' })]));
    cases.push(await time('overview, every product, listLimit=50', () => [overview({ listLimit: '50' })]));
    for (const name of LISTS) cases.push(await time(`${name}, ${product.product}, page 1 of 50`, () => [list(product.product, name)]));
    cases.push(
      await time(`the console's first view (after): overview listLimit=0 + the 4 lists' first pages of ${product.product}`, () => [
        overview({ listLimit: '0' }),
        ...LISTS.map((name) => list(product.product, name)),
      ]),
    );
    return { schema: values.schema!, accountId, accountStreamEvents: top.events, product: product.product, listSizes: sizes, runs, cases };
  });
  const out = resolve(values.out ?? 'bench-results/license-lists.json');
  await mkdir(resolve(out, '..'), { recursive: true });
  await writeFile(out, `${JSON.stringify({ measuredAt: new Date().toISOString(), ...result }, null, 2)}\n`);
  log('license-lists', `written to ${out}`);
  return 0;
}

runAsScript(import.meta.url, 'license-lists', main);
