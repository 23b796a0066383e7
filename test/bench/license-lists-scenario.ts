import { QueryBus } from '@nestjs/cqrs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { withLedger } from '../../apps/cli/src/ledger-context.js';
import type { LicenseListName } from '../../libs/contracts/src/licenses.js';
import type { LedgerDatabase } from '../../libs/database/src/database.js';
import { query } from '../../libs/database/src/testing/query.js';
import { writeHistoryNdjson } from '../../libs/history-generator/src/generate-history.js';
import { loadConfig } from '../../libs/platform/src/config.js';
import { LEDGER_DATABASE } from '../../libs/platform/src/tokens.js';
import { LicenseListQuery, LicensesOverviewQuery } from '../../libs/reports/src/reports.service.js';
import { existingPostgresStore, log, runNode, summarizeLatencies, type LatencySummary } from './bench-support.js';

/**
 * `license-lists-postgres`: the license overview whole (the SPEC body) against what the console now asks
 * for it: the overview with `listLimit=0` and the first page of each list (`GET …/licenses/{product}/{list}`).
 * Each case runs the QueryBus query the HTTP route runs and serializes the body as the route does (JSON),
 * on the account with the most events; body sizes raw and gzipped (the API compresses).
 *
 *   npm run bench -- --only license-lists-postgres [--lists-schema SCHEMA] [--lists-commands N] [--lists-runs N]
 *
 * The schema is kept between runs: when it holds no events, a generated history is imported into it
 * (`ledger import --no-wait`) and the overview's projection rebuilt (`ledger projections rebuild licenses`).
 * Results: bench-results/license-lists.json (written whole).
 */
const LISTS: readonly LicenseListName[] = ['licensed-users', 'online-licenses', 'offline-licenses', 'machines'];

export interface LicenseListsOptions {
  readonly databaseUrl: string;
  /** Kept between runs; imported into when it holds no events. */
  readonly schema: string;
  /** The history imported into an empty schema (365 days, seed 1). */
  readonly commands: number;
  readonly users: number;
  /** Timed runs per case, after one warm-up. */
  readonly runs: number;
  readonly timeoutMs: number;
  /** Results file (written whole). */
  readonly out: string;
}

export interface CaseResult extends LatencySummary {
  readonly label: string;
  /** The JSON body (bodies, for several requests), bytes. */
  readonly bytes: number;
  readonly gzipBytes: number;
}

/** Measures (importing first into an empty schema), writes `options.out` and answers the cases. */
export async function runLicenseListsScenario(options: LicenseListsOptions): Promise<readonly CaseResult[]> {
  const { databaseUrl, schema, runs } = options;
  const store = existingPostgresStore(databaseUrl, schema);
  if ((await eventsIn(databaseUrl, schema)) === 0) await importHistory(store.env, options);
  const config = loadConfig(store.env);
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
    return { schema, accountId, accountStreamEvents: top.events, product: product.product, listSizes: sizes, runs, cases };
  });
  const out = resolve(options.out);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify({ measuredAt: new Date().toISOString(), ...result }, null, 2)}\n`);
  log('license-lists', `written to ${out}`);
  return result.cases;
}

/** Events in `schema`'s log (0 when it has none yet). */
async function eventsIn(databaseUrl: string, schema: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ table: string | null }>('SELECT to_regclass($1)::text AS table', [`${schema}.events`]);
    if (rows[0].table === null) return 0;
    return (await client.query<{ events: number }>(`SELECT count(*)::int AS events FROM ${schema}.events`)).rows[0].events;
  } finally {
    await client.end();
  }
}

/** A generated history imported into the empty schema, and the overview's projection rebuilt. */
async function importHistory(env: NodeJS.ProcessEnv, options: LicenseListsOptions): Promise<void> {
  const file = `/tmp/ledger-license-lists-${process.pid}.ndjson`;
  log('license-lists', `schema ${options.schema} is empty: generating ${options.commands} commands (${options.users} users, 365 days)`);
  await writeHistoryNdjson({ commands: options.commands, users: options.users, days: 365, seed: 1 }, file);
  try {
    log('license-lists', `importing into ${options.schema} (kept for the next runs)`);
    const imported = await runNode(['bin/ledger.js', 'import', file, '--no-wait'], { env, timeoutMs: options.timeoutMs, onStderrLine: progress })
      .exited;
    // 3: some commands refused by the rules, as generated.
    if (imported.code !== 0 && imported.code !== 3) throw new Error(`import exited with ${imported.code ?? imported.signal}`);
  } finally {
    await rm(file, { force: true });
  }
  log('license-lists', 'rebuilding the licenses projection');
  const rebuilt = await runNode(['bin/ledger.js', 'projections', 'rebuild', 'licenses'], {
    env,
    timeoutMs: options.timeoutMs,
    onStderrLine: progress,
  }).exited;
  if (rebuilt.code !== 0) throw new Error(`projections rebuild licenses exited with ${rebuilt.code ?? rebuilt.signal}`);
}

/** A child's progress (its stderr), under this scenario's label. */
function progress(line: string): void {
  if (line.trim() !== '') log('license-lists', line.trim());
}
