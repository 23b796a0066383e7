import type { LedgerCommand } from '../../../domain/src/commands.js';
import { cmd } from '../../../domain/src/testing/decider-spec.js';
import { storedHistory } from '../../../../test/support/stored-history.js';
import { sessionsProjection } from '../../../../projections/sessions.projection.js';
import { runReport } from '../reports.service.js';
import { projectionHarness, type ProjectionHarness } from '../testing/projection-harness.js';
import type { TableBody } from '../report-definition.js';
import { sessionsReport } from './sessions-table.js';

const NY = 'America/New_York';
const at = (iso: string) => Date.parse(iso);

const HISTORY: LedgerCommand[] = [
  cmd('OpenAccount', '2026-01-05T13:00:00Z', { name: 'Acme', timezone: NY }),
  cmd('CreateOrganization', '2026-01-05T13:01:00Z', { orgId: 'qa', name: 'Quality' }),
  cmd('CreateOrganization', '2026-01-05T13:02:00Z', { orgId: 'auto', name: 'Automation', parentOrgId: 'qa' }),
  cmd('CreateOrganization', '2026-01-05T13:03:00Z', { orgId: 'ops', name: 'Ops' }),
  cmd('RegisterUser', '2026-01-05T13:04:00Z', { userId: 'u1', email: 'ann@acme.example', fullName: 'Ann Lee', orgId: 'qa' }),
  cmd('RegisterUser', '2026-01-05T13:05:00Z', { userId: 'u2', email: 'bob@acme.example', fullName: 'Bob Stone', orgId: 'auto' }),
  cmd('RegisterUser', '2026-01-05T13:06:00Z', { userId: 'u3', email: 'cy@acme.example', fullName: 'Cy 100%_Done', orgId: 'ops' }),
  cmd('PurchaseLicenses', '2026-01-05T14:00:00Z', {
    purchaseId: 'p1',
    product: 'KRE',
    quantity: 2,
    startsAt: '2026-01-01T00:00:00Z',
    expiresAt: '2027-01-01T00:00:00Z',
  }),
  cmd('PurchaseLicenses', '2026-01-05T14:01:00Z', {
    purchaseId: 'p2',
    product: 'KSE',
    quantity: 5,
    startsAt: '2026-01-01T00:00:00Z',
    expiresAt: '2027-01-01T00:00:00Z',
  }),
  cmd('DedicateLicenses', '2026-01-05T15:00:00Z', { product: 'KRE', orgId: 'qa', quantity: 1 }),
  cmd('AssignSeat', '2026-01-05T15:01:00Z', { product: 'KSE', userId: 'u1' }),
  // 2026-03-02 (EST): s1 u1 KRE 10:00–10:30 local, ended.
  cmd('StartSession', '2026-03-02T15:00:00Z', { product: 'KRE', sessionId: 's1', userId: 'u1', machineId: 'm-alpha' }),
  cmd('HeartbeatSession', '2026-03-02T15:10:00Z', { sessionId: 's1' }),
  cmd('HeartbeatSession', '2026-03-02T15:20:00Z', { sessionId: 's1' }),
  cmd('EndSession', '2026-03-02T15:30:00Z', { sessionId: 's1' }),
  // s2 u3 KRE from 11:00 local, never heard of again: expired at 11:15 local by SessionExpired (appended by s3's start).
  cmd('StartSession', '2026-03-02T16:00:00Z', { product: 'KRE', sessionId: 's2', userId: 'u3', machineId: 'm-beta' }),
  // 2026-03-03: s3 u2 KRE (draws from qa), s4 denied (qa full), s5 u1 KSE.
  cmd('StartSession', '2026-03-03T15:00:00Z', { product: 'KRE', sessionId: 's3', userId: 'u2', machineId: 'm-gamma' }),
  cmd('StartSession', '2026-03-03T15:01:00Z', { product: 'KRE', sessionId: 's4', userId: 'u1', machineId: 'm-alpha' }),
  cmd('StartSession', '2026-03-03T15:02:00Z', { product: 'KSE', sessionId: 's5', userId: 'u1', machineId: 'm-alpha' }),
  cmd('HeartbeatSession', '2026-03-03T15:10:00Z', { sessionId: 's3' }),
  // s6 u3 KRE: its lease lapses at 15:35Z with no SessionExpired appended yet.
  cmd('StartSession', '2026-03-03T15:20:00Z', { product: 'KRE', sessionId: 's6', userId: 'u3', machineId: 'm-delta' }),
];

const NOW = at('2026-03-03T15:40:00Z'); // every lease has lapsed: s3 at 15:25Z, s6 at 15:35Z

describe('sessions table (SPEC §4.4)', () => {
  let harness: ProjectionHarness;
  beforeAll(async () => {
    harness = await projectionHarness([sessionsProjection], storedHistory(HISTORY, { onRejected: 'skip' }), { batchSize: 3 });
  });
  afterAll(() => harness.close());

  const table = async (params: Record<string, string>, now = NOW) =>
    (await runReport(sessionsReport, { accountId: 'acme', product: 'KRE', ...params }, harness.context(now))) as TableBody;
  const ids = (body: TableBody) => body.rows.map((r) => r.sessionId);

  it('one row per started session, newest first; denied attempts are not rows', async () => {
    const body = await table({}, at('2026-03-03T15:21:00Z'));
    expect(body).toMatchObject({ report: 'sessions', accountId: 'acme', product: 'KRE', total: 4, page: 1, pageSize: 50 });
    expect(body.asOfPosition).toMatch(/^\d+\/\d+$/);
    expect(ids(body)).toEqual(['s6', 's3', 's2', 's1']);
    expect(body.rows[3]).toEqual({
      sessionId: 's1',
      userId: 'u1',
      user: 'Ann Lee',
      email: 'ann@acme.example',
      machineId: 'm-alpha',
      licenseSource: 'Quality',
      organization: 'Quality',
      licenseType: 'online',
      started: '2026-03-02T15:00:00.000Z',
      ended: '2026-03-02T15:30:00.000Z',
      durationSeconds: 1800,
      status: 'ended',
    });
    expect(body.rows[2]).toMatchObject({
      sessionId: 's2',
      status: 'expired',
      ended: '2026-03-02T16:15:00.000Z',
      durationSeconds: 900,
      licenseSource: 'Account',
      organization: 'Ops',
    });
    // At 15:21Z: s3 last seen 15:10 (lease to 15:25) is active, 21 minutes so far.
    expect(body.rows[1]).toMatchObject({
      sessionId: 's3',
      status: 'active',
      ended: null,
      durationSeconds: 21 * 60,
      organization: 'Quality / Automation',
      licenseSource: 'Quality',
    });
    expect(body.rows[0]).toMatchObject({ sessionId: 's6', status: 'active', ended: null, durationSeconds: 60 });
  });

  it('a lapsed lease is expired at lastSeen + lease before SessionExpired is appended', async () => {
    const body = await table({});
    expect(body.rows.find((r) => r.sessionId === 's3')).toMatchObject({
      status: 'expired',
      ended: '2026-03-03T15:25:00.000Z',
      durationSeconds: 25 * 60,
    });
    expect(body.rows.find((r) => r.sessionId === 's6')).toMatchObject({
      status: 'expired',
      ended: '2026-03-03T15:35:00.000Z',
      durationSeconds: 15 * 60,
    });
    expect(ids(await table({ status: 'expired' }))).toEqual(['s6', 's3', 's2']);
    expect(ids(await table({ status: 'active' }))).toEqual([]);
    expect(ids(await table({ status: 'active' }, at('2026-03-03T15:21:00Z')))).toEqual(['s6', 's3']);
    expect(ids(await table({ status: 'ended' }))).toEqual(['s1']);
  });

  it('searches user name, email, session id and machine id, case-insensitively, with % and _ taken literally', async () => {
    expect(ids(await table({ q: 'ann' }))).toEqual(['s1']);
    expect(ids(await table({ q: 'BOB@' }))).toEqual(['s3']);
    expect(ids(await table({ q: 'S2' }))).toEqual(['s2']);
    expect(ids(await table({ q: 'delta' }))).toEqual(['s6']);
    expect(ids(await table({ q: '100%_' }))).toEqual(['s6', 's2']);
    expect(ids(await table({ q: '%' }))).toEqual(['s6', 's2']);
  });

  it('filters by orgId (with descendants), licenseSource (name, id or Account) and started dates (local)', async () => {
    expect(ids(await table({ orgId: 'qa' }))).toEqual(['s3', 's1']);
    expect(ids(await table({ orgId: 'auto' }))).toEqual(['s3']);
    expect(ids(await table({ licenseSource: 'quality' }))).toEqual(['s3', 's1']);
    expect(ids(await table({ licenseSource: 'qa' }))).toEqual(['s3', 's1']);
    expect(ids(await table({ licenseSource: 'Account' }))).toEqual(['s6', 's2']);
    expect(ids(await table({ licenseSource: 'nobody' }))).toEqual([]);
    expect(ids(await table({ from: '2026-03-03', to: '2026-03-03' }))).toEqual(['s6', 's3']);
    expect(ids(await table({ to: '2026-03-02' }))).toEqual(['s2', 's1']);
    await expect(table({ orgId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('sorts by any column, and pages', async () => {
    expect(ids(await table({ sort: 'started' }))).toEqual(['s1', 's2', 's3', 's6']);
    expect(ids(await table({ sort: 'user' }))).toEqual(['s1', 's3', 's2', 's6']);
    expect(ids(await table({ sort: '-durationSeconds' }))).toEqual(['s1', 's3', 's6', 's2']);
    expect(ids(await table({ sort: 'organization' }))).toEqual(['s2', 's6', 's1', 's3']);
    const page2 = await table({ sort: 'sessionId', page: '2', pageSize: '3' });
    expect(page2).toMatchObject({ total: 4, page: 2, pageSize: 3 });
    expect(ids(page2)).toEqual(['s6']);
    await expect(table({ sort: 'colour' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(table({ status: 'paused' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('totals agree with the rows, whichever way they are counted', async () => {
    for (const now of [NOW, at('2026-03-03T15:21:00Z'), at('2026-03-02T15:10:00Z')]) {
      const cases: Record<string, string>[] = [
        {},
        { status: 'active' },
        { status: 'ended' },
        { status: 'expired' },
        { orgId: 'qa' },
        { orgId: 'ops', status: 'expired' },
        { q: 'cy' },
        { licenseSource: 'Account' },
        { from: '2026-03-03', to: '2026-03-03', status: 'expired' },
        { product: 'KSE' },
      ];
      for (const params of cases) {
        const all = (await runReport(sessionsReport, { accountId: 'acme', product: 'KRE', ...params }, harness.context(now), {
          allRows: true,
        })) as TableBody;
        const paged = await table({ ...params, pageSize: '1' }, now);
        expect({ params, now, total: paged.total }).toEqual({ params, now, total: all.rows.length });
      }
    }
  });

  it('lists seat-product sessions under their product', async () => {
    const body = await table({ product: 'KSE' });
    expect(body.rows).toEqual([expect.objectContaining({ sessionId: 's5', licenseSource: 'Account', status: 'expired' })]);
  });

  it('shows an active session drawn from its source as the tree stands now', async () => {
    const more = storedHistory([...HISTORY, cmd('DedicateLicenses', '2026-03-03T15:21:00Z', { product: 'KRE', orgId: 'ops', quantity: 1 })], {
      onRejected: 'skip',
    });
    const h = await projectionHarness([sessionsProjection], more, { database: harness.database });
    try {
      const body = (await runReport(sessionsReport, { accountId: 'acme', product: 'KRE' }, h.context(at('2026-03-03T15:22:00Z')))) as TableBody;
      expect(body.rows.find((r) => r.sessionId === 's6')).toMatchObject({ status: 'active', licenseSource: 'Ops' });
      expect(body.rows.find((r) => r.sessionId === 's2')).toMatchObject({ status: 'expired', licenseSource: 'Account' });
    } finally {
      await h.close();
    }
  });
});
