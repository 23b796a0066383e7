import { DateTime } from 'luxon';
import { accountIdOfStream } from '../../../libs/domain/src/streams.js';
import type { StoredEvent } from '../../../libs/event-store/src/event-store.js';
import { readLogPage } from '../../../libs/event-store/src/sql/read-events.js';
import type { LedgerDatabase } from '../../../libs/database/src/database.js';
import { REPORTS } from '../../../libs/reports/src/catalog.js';
import { buildLicensesOverview } from '../../../libs/reports/src/licenses/licenses-overview.js';
import type { ReportContext } from '../../../libs/reports/src/report-definition.js';
import { runReport } from '../../../libs/reports/src/reports.service.js';
import { projectionHarness } from '../../../libs/reports/src/testing/projection-harness.js';
import { ALL_PROJECTIONS } from '../../../projections/catalog.js';
import { ProjectionReader } from '../../../projections/engine/projection-reader.js';
import { pollUntil } from './ledger-process.js';
import { query } from '../../../libs/database/src/testing/query.js';

export interface DriftCheck {
  /** Report bodies compared (every report × product of every account, plus the licenses overview). */
  readonly compared: number;
  /** One line per body that differs: `account/report/product: live … ≠ fresh …`. */
  readonly differences: readonly string[];
}

export interface DriftOptions {
  /** Wall-clock now both sides are computed at (sessions open at that instant, buckets up to it). */
  readonly now: number;
  readonly leaseMs?: number;
  /** Default: every account with events. */
  readonly accounts?: readonly string[];
}

/**
 * Compares every report body the live projections (their active generations in `database`) answer
 * with the same reports over a fresh fold of the whole log into new schemas. Call it once the
 * projections have caught up with the head. `asOfPosition` is left out of the comparison: the
 * harness and the engine write checkpoints at different batch boundaries.
 */
export async function compareWithFreshFold(database: LedgerDatabase, options: DriftOptions): Promise<DriftCheck> {
  const leaseMs = options.leaseMs ?? 900_000;
  const events = await readWholeLog(database);
  const projections = ALL_PROJECTIONS.map((P) => new P());
  const harness = await projectionHarness(projections, events, { database, leaseMs, batchSize: 2_000 });
  try {
    const live: ReportContext = {
      now: options.now,
      leaseMs,
      projections: new ProjectionReader({ db: database.kysely(), baseSchema: database.schema }, (name) => projections.find((p) => p.name === name)!),
    };
    const fresh = harness.context(options.now);
    const accounts = options.accounts ?? [...new Set(events.map((e) => accountIdOfStream(e.streamId)).filter((id): id is string => id !== null))];
    const [from, to] = dateSpan(events, options.now);
    const differences: string[] = [];
    let compared = 0;
    for (const accountId of accounts) {
      const bodies: [string, (context: ReportContext) => Promise<unknown>][] = [
        ['licenses', (context) => buildLicensesOverview({ accountId }, context)],
      ];
      for (const definition of REPORTS) {
        for (const product of definition.products) {
          const parameters = definition.shape === 'series' ? { accountId, product, from, to } : { accountId, product };
          bodies.push([`${definition.name}/${product}`, (context) => runReport(definition, parameters, context, { allRows: true })]);
        }
      }
      for (const [name, body] of bodies) {
        compared += 1;
        const [a, b] = [await comparable(body, live), await comparable(body, fresh)];
        if (a !== b) differences.push(`${accountId}/${name}: live ${a.slice(0, 300)} ≠ fresh ${b.slice(0, 300)}`);
      }
    }
    return { compared, differences };
  } finally {
    await harness.close();
  }
}

/**
 * Every event in the table, in log order. Readers see only events below the oldest transaction still
 * open anywhere on the server, so this waits (up to a minute) until that covers them all.
 */
async function readWholeLog(database: LedgerDatabase): Promise<StoredEvent[]> {
  const [{ n }] = await query<{ n: string }>(database, 'SELECT count(*)::text AS n FROM events');
  return pollUntil(
    'every event of the log to be readable',
    async () => {
      const events: StoredEvent[] = [];
      for (
        let page = await readLogPage(database.kysely(), null, 5_000);
        page.length > 0;
        page = await readLogPage(database.kysely(), page.at(-1)!.position, 5_000)
      ) {
        events.push(...page);
      }
      return events.length >= Number(n) ? events : undefined;
    },
    60_000,
    200,
  );
}

/** The body as JSON without its position, or the error it fails with: both sides must fail alike. */
async function comparable(body: (context: ReportContext) => Promise<unknown>, context: ReportContext): Promise<string> {
  try {
    return JSON.stringify(await body(context), (key, value) => (key === 'asOfPosition' ? undefined : value));
  } catch (error) {
    return `error: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Local dates covering every event's business time, a day wider on each side for time zones. */
function dateSpan(events: readonly StoredEvent[], now: number): [string, string] {
  const times = events.map((e) => Date.parse(e.metadata.occurredAt)).filter(Number.isFinite);
  const first = times.reduce((a, b) => Math.min(a, b), now);
  const last = times.reduce((a, b) => Math.max(a, b), now);
  const day = (ms: number) => DateTime.fromMillis(ms, { zone: 'utc' }).toISODate()!;
  return [day(first - 86_400_000), day(last + 86_400_000)];
}
