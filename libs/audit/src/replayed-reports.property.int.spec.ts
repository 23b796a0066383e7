import type { LedgerCommand } from '../../domain/src/commands.js';
import type { Product } from '../../domain/src/products.js';
import type { StoredLedgerEvent } from '../../event-store/src/stored-ledger-event.js';
import { IN_MEMORY, openDatabase, type LedgerDatabase } from '../../database/src/database.js';
import { TEST_DATABASE_URL } from '../../database/src/testing/test-postgres.js';
import { buildLicensesOverview } from '../../reports/src/licenses/licenses-overview.js';
import type { LicensesRequest } from '../../report-contract/src/licenses-request.js';
import type { ReportDefinition } from '../../reports/src/report-definition.js';
import { parseReportRequest } from '../../report-contract/src/report-request.js';
import { runReport } from '../../reports/src/reports.service.js';
import { assignmentsReport } from '../../reports/src/seat/assignments.report.js';
import { seatHistoryReport } from '../../reports/src/seat/seat-history.report.js';
import { randomHistory, seededRandom } from '../../reports/src/testing/random-history.js';
import { projectionHarness, type ProjectionHarness } from '../../reports/src/testing/projection-harness.js';
import { randomSeatHistory, randomSeriesQueries } from '../../reports/src/testing/random-seat-history.js';
import { SPEC7_SEATS } from '../../domain/src/testing/spec-7-example.js';
import { storedHistory } from '../../../test/support/stored-history.js';
import { assignmentsProjection } from '../../../projections/assignments.projection.js';
import { licensesProjection } from '../../../projections/licenses.projection.js';
import { seatHistoryProjection } from '../../../projections/seat-history.projection.js';
import { assignmentsReplay } from './assignments.replay.js';
import { replayLicensesOverview } from './licenses.replay.js';
import type { ReplayedReport } from './replayed-report.js';
import { seatHistoryReplay } from './seat-history.replay.js';

/**
 * Property (what `asOf` answers and `ledger verify` rely on): the reports replayed from raw events give
 * the very body the projected reports give — deep equality, asOfPosition included — for the same
 * events and now, over random histories, several instants of each, and random requests. Errors
 * (an unknown org, a bad licenseSource) must agree too.
 */

const LEASE = 900_000;
const PROJECTIONS = [seatHistoryProjection, assignmentsProjection, licensesProjection];

type Outcome = { body: unknown } | { error: string };

async function outcome(run: () => unknown): Promise<Outcome> {
  try {
    return { body: await run() };
  } catch (error) {
    const e = error as { code?: string; message: string };
    if (e.code === undefined) throw error;
    return { error: `${e.code}: ${e.message}` };
  }
}

interface Case {
  readonly accountId: string;
  readonly commands: readonly LedgerCommand[];
  /** Instants the projections are compared at (each folds the events up to it). */
  readonly instants: readonly number[];
  readonly seed: number;
}

function seatCase(seed: number): Case {
  const h = randomSeatHistory(seed);
  const first = Date.parse(h.commands[0]!.at);
  return { accountId: h.accountId, commands: h.commands, instants: [first + (h.now - first) / 2, h.now], seed };
}

function sessionCase(seed: number): Case {
  const h = randomHistory(seed, { steps: 250, timezone: seed % 2 === 0 ? 'Asia/Kolkata' : 'America/New_York' });
  const first = Date.parse(h.commands[0]!.at);
  return { accountId: 'acme', commands: h.commands, instants: [first + (h.end - first) * 0.4, h.end - 600_000, h.end + 7_200_000], seed };
}

/** Seat and TESTOPS requests of assignments: random filters, sort and paging. */
function assignmentRequests(seed: number, orgIds: readonly string[], orgNames: readonly string[]): Record<string, unknown>[] {
  const rnd = seededRandom(seed * 104_729);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const columns = ['userId', 'user', 'email', 'licenseSource', 'organization', 'lastAssignment', 'lastActiveUse', 'activated'];
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < 10; i += 1) {
    const request: Record<string, unknown> = { product: pick(['KSE', 'KSE', 'TESTOPS']) };
    if (rnd() < 0.3) request.orgId = pick(orgIds);
    if (rnd() < 0.3) request.licenseSource = pick(['account', 'Account', ...orgIds, ...orgNames.map((n) => n.toLowerCase())]);
    if (rnd() < 0.2) request.q = pick(['user 1', 'U', '@', 'example', 'nobody']);
    if (rnd() < 0.7) request.sort = `${rnd() < 0.5 ? '-' : ''}${pick(columns)}`;
    if (rnd() < 0.5) {
      request.pageSize = String(1 + Math.floor(rnd() * 4));
      request.page = String(1 + Math.floor(rnd() * 3));
    }
    out.push(request);
  }
  return out;
}

function licensesRequests(seed: number, orgIds: readonly string[], products: readonly Product[]): LicensesRequest[] {
  const rnd = seededRandom(seed * 7_727);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  return [
    { accountId: '' },
    ...Array.from({ length: 5 }, () => ({
      accountId: '',
      ...(rnd() < 0.5 ? { product: pick(products) } : {}),
      ...(rnd() < 0.5 ? { orgId: pick(orgIds) } : {}),
    })),
  ];
}

async function expectSameReport(
  projected: ReportDefinition,
  replayed: ReplayedReport,
  parameters: Record<string, unknown>,
  events: readonly StoredLedgerEvent[],
  harness: ProjectionHarness,
  now: number,
  allRows = false,
) {
  const label = { report: projected.name, now: new Date(now).toISOString(), parameters, allRows };
  const expected = await outcome(() => runReport(projected, parameters, harness.context(now), { allRows }));
  const actual = await outcome(() => {
    const request = parseReportRequest(parameters, projected);
    return replayed.run(events, allRows ? { ...request, allRows } : request, { now, leaseMs: LEASE });
  });
  expect({ label, ...actual }).toEqual({ label, ...expected });
  return 'body' in expected;
}

async function compareAt(c: Case, events: readonly StoredLedgerEvent[], harness: ProjectionHarness, now: number): Promise<number> {
  const orgs = events.filter((e) => e.type === 'OrganizationCreated').map((e) => e.data as { orgId: string; name: string });
  const orgIds = orgs.map((o) => o.orgId);
  let bodies = 0;
  const count = (answered: boolean) => {
    if (answered) bodies += 1;
  };
  for (const q of randomSeriesQueries(c.seed + Math.floor(now / 3_600_000), orgIds, now)) {
    const parameters = {
      accountId: c.accountId,
      product: q.interval === 'week' ? 'TESTOPS' : 'KSE',
      from: q.from,
      to: q.to,
      interval: q.interval,
      ...(q.orgId ? { orgId: q.orgId } : {}),
      ...(q.groupBy ? { groupBy: 'org' } : {}),
    };
    count(await expectSameReport(seatHistoryReport, seatHistoryReplay, parameters, events, harness, now));
  }
  for (const [i, parameters] of assignmentRequests(
    c.seed + now,
    orgIds,
    orgs.map((o) => o.name),
  ).entries()) {
    count(await expectSameReport(assignmentsReport, assignmentsReplay, { accountId: c.accountId, ...parameters }, events, harness, now, i % 4 === 0));
  }
  const products = [...new Set(events.filter((e) => e.type === 'LicensesPurchased').map((e) => e.data.product as Product))];
  for (const request of licensesRequests(c.seed + now, orgIds, products)) {
    const wanted = { ...request, accountId: c.accountId };
    const label = { report: 'licenses', now: new Date(now).toISOString(), request: wanted };
    const expected = await outcome(() => buildLicensesOverview(wanted, harness.context(now)));
    const actual = await outcome(() => replayLicensesOverview(events, wanted, { now, leaseMs: LEASE }));
    expect({ label, ...actual }).toEqual({ label, ...expected });
    count('body' in expected);
  }
  return bodies;
}

describe('replayed reports equal the projected reports', () => {
  let database: LedgerDatabase;
  beforeAll(async () => {
    // REPLAY_TEST_POSTGRES=1: the projections on the PostgreSQL server (their own schemas, dropped after) instead of PGlite.
    database =
      process.env.REPLAY_TEST_POSTGRES === '1' ? await openDatabase({ databaseUrl: TEST_DATABASE_URL }) : await openDatabase({ dataDir: IN_MEMORY });
  });
  afterAll(() => database.close());

  async function check(c: Case): Promise<void> {
    const log = storedHistory(c.commands, { onRejected: 'skip', leaseMs: LEASE });
    const harness = await projectionHarness(PROJECTIONS, [], { database, batchSize: 1 + ((c.seed * 37) % 90), leaseMs: LEASE });
    try {
      let folded = 0;
      let bodies = 0;
      for (const now of c.instants.map(Math.floor)) {
        const upTo = log.findIndex((e) => Date.parse(e.metadata.occurredAt) > now);
        const end = upTo === -1 ? log.length : upTo;
        await harness.fold(log.slice(folded, end));
        folded = end;
        bodies += await compareAt(c, log.slice(0, end), harness, now);
      }
      expect(bodies).toBeGreaterThan(20);
    } finally {
      await harness.close();
    }
  }

  it('on the SPEC §7 worked example, at several instants', async () => {
    const instants = [
      '2026-01-05T15:02:00Z',
      '2026-01-06T13:01:30Z',
      '2026-01-07T05:00:00Z',
      '2026-02-10T12:01:00Z',
      '2026-02-10T12:06:00Z',
      '2026-03-01T00:00:00Z',
    ];
    await check({ accountId: 'acme', commands: SPEC7_SEATS, instants: instants.map(Date.parse), seed: 7 });
  });

  it.each([11, 23, 37, 59, 89])('on random seat histories, seed %i', async (seed) => {
    await check(seatCase(seed));
  });

  it.each([3, 4, 8])('on random session, offline, machine and application histories, seed %i', async (seed) => {
    await check(sessionCase(seed));
  });
});
