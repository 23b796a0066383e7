import type { ActivityActions } from '../../domain/src/activity-rules.js';
import type { LedgerCommand } from '../../domain/src/commands.js';
import { cmd } from '../../domain/src/testing/decider-spec.js';
import { spec7Example } from '../../domain/src/testing/spec-7-example.js';
import { REPORTS } from '../../reports/src/catalog.js';
import type { SeriesBody, TableBody } from '../../contracts/src/index.js';
import { parseReportRequest } from '../../report-contract/src/report-request.js';
import { runReport } from '../../reports/src/reports.service.js';
import { projectionHarness } from '../../reports/src/testing/projection-harness.js';
import { storedHistory } from '../../../test/support/stored-history.js';
import { assignmentsProjection } from '../../../projections/assignments.projection.js';
import { seatUsageProjection } from '../../../projections/seat-usage.projection.js';
import { REPLAYED_REPORTS } from './catalog.js';

/**
 * `ACTIVITY_ACTIONS` decides which recorded actions make a user active (seat-usage) and are the
 * `lastActiveUse` of assignments: the replay applies the rule exactly as the projections fold it.
 * The SPEC §7 history, then on 2026-03-10 u1 'run's a suite, u2 and u3 only 'browse'.
 */
const commands: LedgerCommand[] = [
  ...spec7Example(),
  cmd('RecordActivity', '2026-03-10T15:00:00Z', { product: 'KSE', userId: 'u1', action: 'run' }),
  cmd('RecordActivity', '2026-03-10T16:00:00Z', { product: 'KSE', userId: 'u2', action: 'browse' }),
  cmd('RecordActivity', '2026-03-10T17:00:00Z', { product: 'KSE', userId: 'u3', action: 'browse' }),
];
const events = storedHistory(commands, { onRejected: 'skip' });
const now = Date.parse('2026-04-01T00:00:00Z');
const USAGE = { accountId: 'acme', product: 'KSE', from: '2026-03-10', to: '2026-03-10', interval: 'day' };
const ASSIGNMENTS = { accountId: 'acme', product: 'KSE' };

async function projectedAndReplayed(activityActions: ActivityActions, name: string, parameters: Record<string, string>) {
  const harness = await projectionHarness([seatUsageProjection, assignmentsProjection], events, { activityActions });
  try {
    const definition = REPORTS.find((r) => r.name === name)!;
    const projected = await runReport(definition, parameters, harness.context(now));
    const replayed = REPLAYED_REPORTS.find((r) => r.name === name)!.run(events, parseReportRequest(parameters, definition), {
      now,
      leaseMs: 900_000,
      activityActions,
    });
    return { projected, replayed };
  } finally {
    await harness.close();
  }
}

const lastUse = (body: TableBody, userId: string) => body.rows.find((r) => r.userId === userId)?.lastActiveUse;

test.each([
  { rule: null, activeUsers: 3, u2LastUse: '2026-03-10T16:00:00.000Z' },
  { rule: ['run', 'triage'], activeUsers: 1, u2LastUse: '2026-01-07T04:30:00.000Z' },
])('ACTIVITY_ACTIONS=$rule: seat-usage and lastActiveUse replayed as projected', async ({ rule, activeUsers, u2LastUse }) => {
  const usage = await projectedAndReplayed(rule, 'seat-usage', USAGE);
  expect(usage.replayed).toEqual(usage.projected);
  expect((usage.replayed as SeriesBody).buckets![0]!.activeUsers).toBe(activeUsers);

  const assignments = await projectedAndReplayed(rule, 'assignments', ASSIGNMENTS);
  expect(assignments.replayed).toEqual(assignments.projected);
  expect(lastUse(assignments.replayed as TableBody, 'u2')).toBe(u2LastUse);
});
