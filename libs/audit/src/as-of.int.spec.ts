import { cmd } from '../../domain/src/testing/decider-spec.js';
import type { LicensesOverview } from '../../reports/src/licenses/licenses-overview.js';
import type { SeriesBody, TableBody } from '../../contracts/src/index.js';
import { ReportsService } from '../../reports/src/reports.service.js';
import { projectionHarness, type ProjectionHarness } from '../../reports/src/testing/projection-harness.js';
import { SPEC7_SEATS } from '../../domain/src/testing/spec-7-example.js';
import { FixedClock } from '../../../test/support/fixed-clock.js';
import { historyStore, type HistoryStore } from '../../../test/support/history-store.js';
import { storedHistory } from '../../../test/support/stored-history.js';
import { assignmentsProjection } from '../../../projections/assignments.projection.js';
import { licensesProjection } from '../../../projections/licenses.projection.js';
import { seatHistoryProjection } from '../../../projections/seat-history.projection.js';
import { ReplayedAsOfAnswers } from './as-of-answers.js';

/**
 * asOf (SPEC §5) through ReportsService on the SPEC §7 worked example: the account's events up to the
 * instant, replayed. The projections hold the whole history; as-of answers must not read them.
 */
describe('as-of answers replay the worked example (SPEC §5, §7)', () => {
  const NOW = Date.parse('2026-06-01T00:00:00Z');
  const history = storedHistory(SPEC7_SEATS, { onRejected: 'skip' });
  let events: HistoryStore;
  let harness: ProjectionHarness;
  let reports: ReportsService;

  beforeAll(async () => {
    events = await historyStore(history);
    harness = await projectionHarness([seatHistoryProjection, assignmentsProjection, licensesProjection], history);
    reports = new ReportsService(harness.reader, new FixedClock(NOW), undefined, new ReplayedAsOfAnswers(events.store));
  });
  afterAll(async () => {
    await harness.close();
    await events.close();
  });

  const licenses = (asOf: string) => reports.licenses({ accountId: 'acme', product: 'KSE', asOf });
  const scopes = (overview: LicensesOverview) =>
    Object.fromEntries(
      overview.products[0]!.scopes.map((s) => [s.scope, { dedicated: s.dedicated, pool: s.pool, used: s.used, available: s.available }]),
    );
  const assignments = async (asOf: string) =>
    (await reports.run('assignments', { accountId: 'acme', product: 'KSE', sort: 'userId', asOf })).body as TableBody;
  const months = async (asOf: string | undefined, orgId?: string) => {
    const { body } = await reports.run('seat-history', {
      accountId: 'acme',
      product: 'KSE',
      from: '2026-01-01',
      to: '2026-02-28',
      interval: 'month',
      ...(orgId ? { orgId } : {}),
      ...(asOf ? { asOf } : {}),
    });
    return (body as SeriesBody).buckets!.map(({ start, purchased, assigned, activated }) => ({ start, purchased, assigned, activated }));
  };

  it('licenses as of 2026-01-06T13:01:30Z (when u3 was refused): mobile used 1, available 0', async () => {
    const overview = await licenses('2026-01-06T13:01:30Z');
    expect(overview.asOf).toBe('2026-01-06T13:01:30.000Z');
    expect(scopes(overview)).toEqual({
      account: { dedicated: 5, pool: 2, used: 0, available: 2 },
      qa: { dedicated: 3, pool: 2, used: 0, available: 2 },
      mobile: { dedicated: 1, pool: 1, used: 1, available: 0 },
    });
    expect(overview.products[0]!.licensedUsers.map((u) => [u.userId, u.licenseSource])).toEqual([['u2', 'mobile']]);
  });

  it('licenses as of an instant between the two dedications: qa holds 3, mobile has none yet', async () => {
    expect(scopes(await licenses('2026-01-05T15:02:00Z'))).toEqual({
      account: { dedicated: 5, pool: 2, used: 0, available: 2 },
      qa: { dedicated: 3, pool: 3, used: 0, available: 3 },
    });
  });

  it('assignments as of 2026-02-10T12:01Z: u1 unassigned; as of 12:06Z: u1 re-assigned and not activated', async () => {
    const before = await assignments('2026-02-10T11:59:00Z');
    expect(before.rows.map((r) => [r.userId, r.activated, r.lastAssignment])).toEqual([
      ['u1', true, '2026-01-06T13:02:00.000Z'],
      ['u2', true, '2026-01-06T13:00:00.000Z'],
    ]);
    expect((await assignments('2026-02-10T12:01:00Z')).rows.map((r) => r.userId)).toEqual(['u2']);
    const after = await assignments('2026-02-10T12:06:00Z');
    expect(after.rows.map((r) => [r.userId, r.activated, r.lastAssignment, r.licenseSource])).toEqual([
      ['u1', false, '2026-02-10T12:05:00.000Z', 'QA'],
      ['u2', true, '2026-01-06T13:00:00.000Z', 'Mobile'],
    ]);
  });

  it('assignments as of a login shows the seat activated from that instant, not before', async () => {
    const u2 = async (asOf: string) => (await assignments(asOf)).rows.find((r) => r.userId === 'u2');
    expect(await u2('2026-01-07T04:29:59Z')).toMatchObject({ activated: false, lastActiveUse: null });
    expect(await u2('2026-01-07T04:30:00Z')).toMatchObject({ activated: true, lastActiveUse: '2026-01-07T04:30:00.000Z' });
  });

  it('seat-history as of after the history: the SPEC §7 months; as of mid-January: January up to then, February omitted', async () => {
    const late = '2026-03-01T00:00:00Z';
    expect(await months(late)).toEqual([
      { start: '2026-01-01T00:00:00.000-05:00', purchased: 5, assigned: 2, activated: 2 },
      { start: '2026-02-01T00:00:00.000-05:00', purchased: 5, assigned: 2, activated: 1 },
    ]);
    expect((await months(late, 'qa')).map(({ purchased, assigned, activated }) => [purchased, assigned, activated])).toEqual([
      [3, 2, 2],
      [3, 2, 1],
    ]);
    expect((await months(late, 'mobile')).map(({ purchased, assigned, activated }) => [purchased, assigned, activated])).toEqual([
      [1, 1, 1],
      [1, 1, 1],
    ]);
    expect(await months('2026-01-06T13:01:00Z')).toEqual([{ start: '2026-01-01T00:00:00.000-05:00', purchased: 5, assigned: 1, activated: 0 }]);
  });

  it('asOf carries the position of the last event at or before it', async () => {
    const { body } = await reports.run('seat-history', {
      accountId: 'acme',
      product: 'KSE',
      from: '2026-01-01',
      to: '2026-01-31',
      asOf: '2026-01-06T13:00:00Z',
    });
    const stream = await events.store.readStream('account-acme');
    const last = stream.filter((e) => Date.parse(e.metadata.occurredAt) <= Date.parse('2026-01-06T13:00:00Z')).at(-1)!;
    expect(body.asOfPosition).toBe(`${last.position.commit}/${last.position.prepare}`);
    expect(body.asOfPosition).not.toBe(
      (await reports.run('seat-history', { accountId: 'acme', product: 'KSE', from: '2026-01-01', to: '2026-01-31' })).body.asOfPosition,
    );
  });

  it('CSV (every row) works with asOf', async () => {
    const { body } = await reports.run(
      'assignments',
      { accountId: 'acme', product: 'KSE', pageSize: '1', asOf: '2026-02-10T12:06:00Z' },
      { allRows: true },
    );
    expect(body).toMatchObject({ total: 2, page: 1, pageSize: 2 });
    expect((body as TableBody).rows).toHaveLength(2);
  });

  it('an event appended after T does not change the answer as of T', async () => {
    const asOf = '2026-02-10T12:06:00Z';
    const before = await assignments(asOf);
    const more = storedHistory([...SPEC7_SEATS, cmd('UnassignSeat', '2026-03-01T09:00:00Z', { product: 'KSE', userId: 'u2' })], {
      onRejected: 'skip',
    });
    await events.append(more.slice(history.length));
    expect(await assignments(asOf)).toEqual(before);
    expect((await assignments('2026-03-01T09:00:00Z')).rows.map((r) => r.userId)).toEqual(['u1']);
  });

  it('refuses asOf after now, naming asOf; an instant without a zone; asOf on other reports, saying which take it', async () => {
    await expect(licenses('2026-06-01T00:00:01Z')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'asOf', message: expect.stringContaining('must not be after now') }],
    });
    await expect(assignments('2027-01-01T00:00:00Z')).rejects.toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'asOf' }] });
    await expect(licenses('2026-01-06T13:01:30')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'asOf', message: expect.stringContaining('ISO-8601 instant') }],
    });
    await expect(
      reports.run('seat-usage', { accountId: 'acme', product: 'KSE', from: '2026-01-01', to: '2026-01-02', asOf: '2026-01-02T00:00:00Z' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'asOf', message: expect.stringContaining('only seat-history, assignments and the licenses overview take it') }],
    });
  });

  it('an unknown account, or an instant before the account was opened → NOT_FOUND; an unknown org → NOT_FOUND', async () => {
    await expect(reports.licenses({ accountId: 'other', asOf: '2026-02-01T00:00:00Z' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(assignments('2026-01-01T00:00:00Z')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(reports.licenses({ accountId: 'acme', orgId: 'nope', asOf: '2026-02-01T00:00:00Z' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
