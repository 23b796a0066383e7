import { DomainError } from '../../domain/src/errors.js';
import { cmd } from '../../domain/src/testing/decider-spec.js';
import type { StoredLedgerEvent } from '../../event-store/src/stored-ledger-event.js';
import { formatPosition } from '../../event-store/src/event-store.js';
import { storedHistory } from '../../../test/support/stored-history.js';
import { bodyDifferences } from './body-diff.js';
import { accountHistory, formatVerifyResult, verifyAccount, type ProjectedReports } from './verify.js';
import { REPLAYED_REPORTS } from './catalog.js';
import { catalogCheck, verifyChecks } from './verify.js';
import { REPORTS } from '../../reports/src/catalog.js';

const NOW = Date.parse('2026-01-08T12:00:00Z');
const HISTORY = storedHistory([
  cmd('OpenAccount', '2026-01-05T13:00:00Z', { name: 'Acme', timezone: 'America/New_York' }),
  cmd('CreateOrganization', '2026-01-05T13:01:00Z', { orgId: 'qa', name: 'QA' }),
  cmd('RegisterUser', '2026-01-05T13:03:00Z', { userId: 'u1', email: 'u1@acme.example', fullName: 'User One', orgId: 'qa' }),
  cmd('PurchaseLicenses', '2026-01-05T14:00:00Z', {
    purchaseId: 'p1',
    product: 'KSE',
    quantity: 5,
    startsAt: '2026-01-01T00:00:00Z',
    expiresAt: '2027-01-01T00:00:00Z',
  }),
  cmd('AssignSeat', '2026-01-06T13:00:00Z', { product: 'KSE', userId: 'u1' }),
  cmd('RecordLogin', '2026-01-07T04:30:00Z', { product: 'KSE', userId: 'u1' }),
]);
const VERIFY_CHECKS = verifyChecks(REPORTS);
const definitionOf = (name: string) => REPORTS.find((r) => r.name === name)!;
const seatUsage = catalogCheck(
  REPLAYED_REPORTS.find((r) => r.name === 'seat-usage')!,
  definitionOf('seat-usage'),
);

/** Projected reports that answer what the replay answers, at a given position, with optional tampering. */
function projectedAt(events: readonly StoredLedgerEvent[], tamper: (body: any) => void = () => {}): ProjectedReports {
  return {
    async report(name, parameters, options) {
      const check = catalogCheck(
        REPLAYED_REPORTS.find((r) => r.name === name)!,
        definitionOf(name),
      );
      const body = structuredClone(
        check.replayed(events, { label: name, parameters, allRows: options.allRows }, { now: NOW, leaseMs: 900_000 }),
      ) as any;
      tamper(body);
      return body;
    },
    licenses: () => Promise.reject(new Error('not checked here')),
  };
}

describe('verifyAccount', () => {
  test('plans day and month series over the whole history, with and without groupBy, for the products in use', () => {
    const account = accountHistory('acme', HISTORY, NOW);
    expect(account).toMatchObject({ from: '2026-01-05', to: '2026-01-08', products: new Set(['KSE']) });
    expect(seatUsage.requests(account).map((r) => r.label)).toEqual([
      'seat-usage KSE day',
      'seat-usage KSE day groupBy=org',
      'seat-usage KSE month',
      'seat-usage KSE month groupBy=org',
    ]);
  });

  test('no drift when the projection answers what the events say, even while it lags behind', async () => {
    const lagging = HISTORY.slice(0, -1);
    const result = await verifyAccount('acme', HISTORY, projectedAt(lagging), { now: NOW, leaseMs: 900_000, checks: [seatUsage] });
    expect(result).toEqual({ accountId: 'acme', compared: 4, differences: [] });
    expect(formatVerifyResult(result)).toBe('verify acme: 4 report bodies compared, no drift\n');
  });

  test('no drift when the projection is ahead of the events read first (appended while verify runs): they are read again', async () => {
    const firstRead = HISTORY.slice(0, -1);
    let rereads = 0;
    const reread = async () => {
      rereads += 1;
      return { events: HISTORY, covered: HISTORY.at(-1)!.position };
    };
    const result = await verifyAccount('acme', firstRead, projectedAt(HISTORY), {
      now: NOW,
      leaseMs: 900_000,
      checks: [seatUsage],
      covered: firstRead.at(-1)!.position,
      reread,
    });
    expect(result.differences).toEqual([]);
    expect(rereads).toBe(1);
  });

  test('a tampered number is one line naming the request, the bucket, the metric and both values', async () => {
    const tampered = projectedAt(HISTORY, (body) => {
      if (body.interval === 'day' && body.buckets) body.buckets[1].activeUsers = 4;
    });
    const result = await verifyAccount('acme', HISTORY, tampered, { now: NOW, leaseMs: 900_000, checks: [seatUsage] });
    expect(result.differences).toEqual([
      { report: 'seat-usage', request: 'seat-usage KSE day', text: '2026-01-06: activeUsers projected 4, from events 1' },
    ]);
    expect(formatVerifyResult(result)).toBe(
      'seat-usage KSE day 2026-01-06: activeUsers projected 4, from events 1\nverify acme: 4 report bodies compared, 1 difference\n',
    );
  });

  test('a projected report that fails is a difference, not a crash', async () => {
    const failing: ProjectedReports = {
      report: () => Promise.reject(new DomainError('NOT_FOUND', "account 'acme' does not exist")),
      licenses: () => Promise.reject(new Error('not checked here')),
    };
    const result = await verifyAccount('acme', HISTORY, failing, { now: NOW, leaseMs: 900_000, checks: [seatUsage] });
    expect(result.differences[0]).toEqual({
      report: 'seat-usage',
      request: 'seat-usage KSE day',
      text: "projected report fails: NOT_FOUND: account 'acme' does not exist",
    });
    expect(result.differences).toHaveLength(4);
  });

  test('an account with no events is NOT_FOUND', async () => {
    await expect(verifyAccount('nobody', [], projectedAt([]), { now: NOW, leaseMs: 900_000, checks: VERIFY_CHECKS })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  test('the projected position decides which events are replayed', async () => {
    const seen: number[] = [];
    const check = {
      ...seatUsage,
      replayed: (events: readonly StoredLedgerEvent[]) => {
        seen.push(events.length);
        return { asOfPosition: formatPosition(events.at(-1)!.position) };
      },
    };
    const projected: ProjectedReports = {
      report: async () => ({ asOfPosition: formatPosition(HISTORY[2]!.position) }),
      licenses: () => Promise.reject(new Error('not checked here')),
    };
    await verifyAccount('acme', HISTORY, projected, { now: NOW, leaseMs: 900_000, checks: [check] });
    expect(seen).toEqual([3, 3, 3, 3]);
  });
});

describe('bodyDifferences', () => {
  test('rows pair by their id: missing, extra and different rows, and a total', () => {
    const projected = {
      total: 2,
      rows: [
        { sessionId: 's1', status: 'active' },
        { sessionId: 's2', status: 'ended' },
      ],
    };
    const replayed = {
      total: 2,
      rows: [
        { sessionId: 's1', status: 'expired' },
        { sessionId: 's3', status: 'ended' },
      ],
    };
    expect(bodyDifferences(projected, replayed)).toEqual([
      'row s1: status projected "active", from events "expired"',
      'row s2 is projected but not in the events',
      'row s3 is missing from the projection',
    ]);
  });

  test('series pair by org; ignored fields are not compared; equal bodies give nothing', () => {
    const body = { asOfPosition: '1/1', series: [{ orgId: 'qa', buckets: [{ start: '2026-01-06T00:00:00.000-05:00', peakUsage: 2 }] }] };
    const other = { asOfPosition: '2/2', series: [{ orgId: 'qa', buckets: [{ start: '2026-01-06T00:00:00.000-05:00', peakUsage: 1 }] }] };
    expect(bodyDifferences(body, other, { ignore: ['asOfPosition'], bucketLabel: (s) => s.slice(0, 10) })).toEqual([
      'org qa 2026-01-06: peakUsage projected 2, from events 1',
    ]);
    expect(bodyDifferences(body, structuredClone(body))).toEqual([]);
  });
});
