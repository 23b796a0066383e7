import type { LedgerCommand } from '../../domain/src/commands.js';
import { cmd } from '../../domain/src/testing/decider-spec.js';
import type { LicenseListName, LicenseListPage, LicensesOverview, ProductOverview } from '../../contracts/src/licenses.js';
import type { LedgerDatabase } from '../../database/src/database.js';
import { freshTestSchema, type TestSchema } from '../../database/src/testing/test-postgres.js';
import { buildLicensesOverview } from '../../reports/src/licenses/licenses-overview.js';
import { ReportsService } from '../../reports/src/reports.service.js';
import { projectionHarness, type ProjectionHarness } from '../../reports/src/testing/projection-harness.js';
import { FixedClock } from '../../../test/support/fixed-clock.js';
import { historyStore, type HistoryStore } from '../../../test/support/history-store.js';
import { storedHistory } from '../../../test/support/stored-history.js';
import { licensesProjection } from '../../../projections/licenses.projection.js';
import { ReplayedAsOfAnswers } from './as-of-answers.js';

/**
 * The overview's lists paged (`GET …/licenses/{product}/{list}`, `listLimit`), on PostgreSQL: the
 * projected tables at now and the replayed events as of an instant. A page holds the rows the whole
 * overview lists at the same instant, in its order; `total` counts the rows matching `q`.
 */
const NOW = Date.parse('2026-03-01T12:00:00Z');
const MID = '2026-02-10T00:00:00Z';
const minute = (base: string, n: number) => new Date(Date.parse(base) + n * 60_000).toISOString();

/** 60 users over three orgs (ids chosen so code-point order differs from a natural one), seats, machines, offline licenses, open sessions. */
function history(): LedgerCommand[] {
  const commands: LedgerCommand[] = [
    cmd('OpenAccount', '2026-01-05T13:00:00Z', { name: 'Acme', timezone: 'America/New_York' }),
    cmd('CreateOrganization', '2026-01-05T13:01:00Z', { orgId: 'qa', name: 'QA' }),
    cmd('CreateOrganization', '2026-01-05T13:02:00Z', { orgId: 'mobile', name: 'Mobile', parentOrgId: 'qa' }),
    cmd('CreateOrganization', '2026-01-05T13:03:00Z', { orgId: 'ops', name: 'Ops' }),
    cmd('PurchaseLicenses', '2026-01-05T14:00:00Z', {
      purchaseId: 'p1',
      product: 'KSE',
      quantity: 500,
      startsAt: '2026-01-01T00:00:00Z',
      expiresAt: '2027-01-01T00:00:00Z',
    }),
    cmd('PurchaseLicenses', '2026-01-05T14:01:00Z', {
      purchaseId: 'p2',
      product: 'KRE',
      quantity: 100,
      startsAt: '2026-01-01T00:00:00Z',
      expiresAt: '2027-01-01T00:00:00Z',
    }),
    cmd('DedicateLicenses', '2026-01-05T15:00:00Z', { product: 'KSE', orgId: 'qa', quantity: 200 }),
  ];
  const users = Array.from({ length: 60 }, (_, i) => ({
    userId: i % 3 === 0 ? `U${i}` : `u${i}`,
    orgId: ['qa', 'mobile', 'ops'][i % 3]!,
    fullName: i % 7 === 0 ? `Grace Hopper ${i}` : `User ${i}`,
  }));
  users.forEach((u, i) =>
    commands.push(
      cmd('RegisterUser', minute('2026-01-06T00:00:00Z', i), {
        userId: u.userId,
        email: `${u.userId}@acme.example`,
        fullName: u.fullName,
        orgId: u.orgId,
      }),
    ),
  );
  // Half of the holdings before MID, half after: as of MID the lists are shorter.
  users.forEach((u, i) => {
    const base = i < 30 ? '2026-01-10T00:00:00Z' : '2026-02-20T00:00:00Z';
    commands.push(cmd('AssignSeat', minute(base, i * 4), { product: 'KSE', userId: u.userId }));
    commands.push(cmd('RegisterMachine', minute(base, i * 4 + 1), { product: 'KSE', machineId: `m-${60 - i}`, userId: u.userId }));
    if (i % 2 === 0) {
      commands.push(
        cmd('GenerateOfflineLicense', minute(base, i * 4 + 2), {
          product: 'KRE',
          userId: u.userId,
          machineId: `off-${i % 5}-${i}`,
          expiresAt: i % 4 === 0 ? '2026-02-25T00:00:00Z' : '2026-12-01T00:00:00Z',
        }),
      );
    }
  });
  users.slice(0, 25).forEach((u, i) =>
    commands.push(
      cmd('StartSession', minute('2026-03-01T11:50:00Z', i / 5), {
        product: 'KRE',
        sessionId: `s${i}`,
        userId: u.userId,
        machineId: `host-${i % 9}`,
      }),
    ),
  );
  return commands;
}

describe('license lists, paged (PostgreSQL)', () => {
  const events = storedHistory(history(), { onRejected: 'throw' });
  let schema: TestSchema;
  let database: LedgerDatabase;
  let store: HistoryStore;
  let harness: ProjectionHarness;
  let reports: ReportsService;

  beforeAll(async () => {
    schema = freshTestSchema('paging');
    database = await schema.open();
    store = await historyStore(events, database);
    harness = await projectionHarness([licensesProjection], events, { database, batchSize: 37 });
    reports = new ReportsService(harness.reader, new FixedClock(NOW), undefined, new ReplayedAsOfAnswers(store.store));
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    await store?.close();
    await database?.close();
    await schema?.drop();
  });

  const LISTS: readonly [LicenseListName, keyof ProductOverview, string][] = [
    ['licensed-users', 'licensedUsers', 'KSE'],
    ['machines', 'machines', 'KSE'],
    ['offline-licenses', 'offlineLicenses', 'KRE'],
    ['online-licenses', 'onlineLicenses', 'KRE'],
  ];
  const page = (parameters: Record<string, unknown>) => reports.licenseList({ accountId: 'acme', ...parameters });
  const wholeList = (overview: LicensesOverview, product: string, key: keyof ProductOverview) =>
    overview.products.find((p) => p.product === product)![key] as readonly unknown[];
  /** Every page of a list, one after another, and the totals they reported. */
  async function allPages(parameters: Record<string, unknown>, pageSize: number): Promise<{ rows: unknown[]; totals: number[] }> {
    const rows: unknown[] = [];
    const totals: number[] = [];
    for (let n = 1; ; n++) {
      const body = await page({ ...parameters, page: String(n), pageSize: String(pageSize) });
      totals.push(body.total);
      expect({ page: body.page, pageSize: body.pageSize }).toEqual({ page: n, pageSize });
      if (body.rows.length === 0) break;
      expect(body.rows.length).toBeLessThanOrEqual(pageSize);
      rows.push(...body.rows);
    }
    return { rows, totals };
  }

  it.each(LISTS)(
    '%s: the pages, one after another, are the whole list of the overview, in its order; total is its length',
    async (list, key, product) => {
      const whole = wholeList(await buildLicensesOverview({ accountId: 'acme', product: product as 'KSE' }, harness.context(NOW)), product, key);
      expect(whole.length).toBeGreaterThan(10);
      const { rows, totals } = await allPages({ product, list }, 7);
      expect(rows).toEqual(whole);
      expect(new Set(totals)).toEqual(new Set([whole.length]));
    },
  );

  it('orders licensed users by id code point (U before u), machines by machine id, offline licenses by machine then generation', async () => {
    const users = (await page({ product: 'KSE', list: 'licensed-users', pageSize: '1000' })).rows as readonly { userId: string }[];
    expect(users.map((u) => u.userId)).toEqual(users.map((u) => u.userId).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(users[0]!.userId).toBe('U0');
    expect(users.findIndex((u) => u.userId.startsWith('u'))).toBe(20);
    const machines = (await page({ product: 'KSE', list: 'machines', pageSize: '3' })).rows as readonly { machineId: string }[];
    expect(machines.map((m) => m.machineId)).toEqual(['m-1', 'm-10', 'm-11']);
    const offline = (await page({ product: 'KRE', list: 'offline-licenses', pageSize: '4' })).rows as readonly { machineId: string }[];
    expect(offline.map((o) => o.machineId)).toEqual(['off-0-0', 'off-0-10', 'off-0-20', 'off-0-30']);
  });

  it('a page past the end is empty and still says the total', async () => {
    const body = await page({ product: 'KSE', list: 'machines', page: '99', pageSize: '50' });
    expect({ total: body.total, rows: body.rows }).toEqual({ total: 60, rows: [] });
  });

  it('q finds text in ids, names and emails, case-insensitively; total counts the matches over every page', async () => {
    const grace = await page({ product: 'KSE', list: 'licensed-users', q: 'GRACE', pageSize: '3' });
    expect(grace.total).toBe(9);
    expect(grace.rows).toHaveLength(3);
    const { rows } = await allPages({ product: 'KSE', list: 'licensed-users', q: 'grace' }, 4);
    expect((rows as { name: string }[]).every((u) => u.name.startsWith('Grace Hopper'))).toBe(true);
    expect(rows).toHaveLength(9);
    const byEmail = await page({ product: 'KSE', list: 'licensed-users', q: 'u14@ACME' });
    expect((byEmail.rows as readonly { userId: string }[]).map((u) => u.userId)).toEqual(['u14']);
    const machines = await page({ product: 'KSE', list: 'machines', q: 'm-5' });
    expect((machines.rows as readonly { machineId: string }[]).map((m) => m.machineId)).toEqual([
      'm-5',
      'm-50',
      'm-51',
      'm-52',
      'm-53',
      'm-54',
      'm-55',
      'm-56',
      'm-57',
      'm-58',
      'm-59',
    ]);
    expect((await page({ product: 'KRE', list: 'online-licenses', q: 'host-3' })).total).toBe(3);
    expect((await page({ product: 'KSE', list: 'licensed-users', q: 'nobody' })).total).toBe(0);
  });

  it('orgId: the page holds the holders of that subtree, as the overview with orgId lists them', async () => {
    const overview = await reports.licenses({ accountId: 'acme', product: 'KSE', orgId: 'qa' });
    const { rows } = await allPages({ product: 'KSE', list: 'licensed-users', orgId: 'qa' }, 9);
    expect(rows).toEqual(overview.products[0]!.licensedUsers);
    expect(rows).toHaveLength(40);
  });

  it.each(LISTS)('%s asOf an instant: the pages are the whole replayed list at that instant', async (list, key, product) => {
    const replayed = await reports.licenses({ accountId: 'acme', product, asOf: MID });
    const whole = wholeList(replayed, product, key);
    const now = wholeList(await reports.licenses({ accountId: 'acme', product }), product, key);
    const { rows, totals } = await allPages({ product, list, asOf: MID }, 6);
    expect(rows).toEqual(whole);
    expect(new Set(totals)).toEqual(new Set([whole.length]));
    const body = await page({ product, list, asOf: MID });
    expect({ asOf: body.asOf, asOfPosition: body.asOfPosition }).toEqual({ asOf: replayed.asOf, asOfPosition: replayed.asOfPosition });
    if (list !== 'online-licenses') expect(whole.length).toBeLessThan(now.length);
  });

  it('the page body names what it pages', async () => {
    const body: LicenseListPage = await page({ product: 'KSE', list: 'machines', orgId: 'ops', pageSize: '2' });
    const overview = await reports.licenses({ accountId: 'acme', product: 'KSE', orgId: 'ops' });
    expect({ ...body, rows: undefined }).toEqual({
      report: 'licenses',
      list: 'machines',
      accountId: 'acme',
      product: 'KSE',
      orgId: 'ops',
      asOf: overview.asOf,
      asOfPosition: overview.asOfPosition,
      timezone: 'America/New_York',
      total: 20,
      page: 1,
      pageSize: 2,
      rows: undefined,
    });
    await expect(reports.licenseList({ accountId: 'acme', product: 'KSE', list: 'machines' }, { allRows: true })).resolves.toMatchObject({
      total: 60,
      pageSize: 60,
    });
  });

  it('without listLimit the overview is the whole SPEC body; with it, the first rows of each list and listTotals', async () => {
    const whole = await reports.licenses({ accountId: 'acme' });
    expect(whole).toEqual(await buildLicensesOverview({ accountId: 'acme' }, harness.context(NOW)));
    expect(whole.products.every((p) => !('listTotals' in p))).toBe(true);
    const limited = await reports.licenses({ accountId: 'acme', listLimit: '5' });
    expect(limited.products.map((p) => p.product)).toEqual(whole.products.map((p) => p.product));
    for (const [i, product] of limited.products.entries()) {
      const full = whole.products[i]!;
      expect(product).toEqual({
        ...full,
        licensedUsers: full.licensedUsers.slice(0, 5),
        onlineLicenses: full.onlineLicenses.slice(0, 5),
        offlineLicenses: full.offlineLicenses.slice(0, 5),
        machines: full.machines.slice(0, 5),
        listTotals: {
          licensedUsers: full.licensedUsers.length,
          onlineLicenses: full.onlineLicenses.length,
          offlineLicenses: full.offlineLicenses.length,
          machines: full.machines.length,
        },
      });
    }
    const none = await reports.licenses({ accountId: 'acme', product: 'KSE', listLimit: '0', asOf: MID });
    expect(none.products[0]).toMatchObject({ licensedUsers: [], machines: [], listTotals: { licensedUsers: 30, machines: 30 } });
  });

  it('refuses bad parameters with VALIDATION_FAILED naming each field', async () => {
    const fields = async (parameters: Record<string, unknown>, call: (p: Record<string, unknown>) => Promise<unknown> = page) => {
      try {
        await call(parameters);
      } catch (error) {
        return { code: (error as { code: string }).code, paths: (error as { errors: { path: string }[] }).errors.map((e) => e.path) };
      }
      throw new Error('accepted');
    };
    expect(await fields({ list: 'machines' })).toEqual({ code: 'VALIDATION_FAILED', paths: ['product'] });
    expect(await fields({ product: 'KSE', list: 'users' })).toEqual({ code: 'VALIDATION_FAILED', paths: ['list'] });
    expect(await fields({ product: 'KSE', list: 'machines', page: '0', pageSize: '1001', q: 'a\u0007b' })).toEqual({
      code: 'VALIDATION_FAILED',
      paths: ['q', 'page', 'pageSize'],
    });
    expect(await fields({ product: 'XYZ', list: 'machines', sort: 'userId', asOf: 'yesterday' })).toEqual({
      code: 'VALIDATION_FAILED',
      paths: ['sort', 'product', 'asOf'],
    });
    const overview = (parameters: Record<string, unknown>) => reports.licenses({ accountId: 'acme', ...parameters });
    expect(await fields({ listLimit: '1001' }, overview)).toEqual({ code: 'VALIDATION_FAILED', paths: ['listLimit'] });
    expect(await fields({ page: '2' }, overview)).toEqual({ code: 'VALIDATION_FAILED', paths: ['page'] });
  });
});
