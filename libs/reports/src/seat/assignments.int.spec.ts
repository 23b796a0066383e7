import type { LedgerCommand } from '../../../domain/src/commands.js';
import { commandsOf } from '../../../domain/src/testing/command-builders.js';
import { storedHistory } from '../../../../test/support/stored-history.js';
import { assignmentsProjection } from '../../../../projections/assignments.projection.js';
import { toCsv } from '../csv.js';
import type { TableBody } from '../report-definition.js';
import { runReport } from '../reports.service.js';
import { projectionHarness, type ProjectionHarness } from '../testing/projection-harness.js';
import { assignmentsReport } from './assignments.report.js';

const c = commandsOf('asg');

const HISTORY: LedgerCommand[] = [
  c('OpenAccount', '2026-01-05T00:00:00Z', { name: 'Assignments', timezone: 'Europe/Paris' }),
  c('CreateOrganization', '2026-01-05T00:01:00Z', { orgId: 'qa', name: 'Quality' }),
  c('CreateOrganization', '2026-01-05T00:02:00Z', { orgId: 'auto', name: 'Automation', parentOrgId: 'qa' }),
  c('CreateOrganization', '2026-01-05T00:03:00Z', { orgId: 'ops', name: 'Operations' }),
  c('RegisterUser', '2026-01-05T00:04:00Z', { userId: 'u1', email: 'ann.lee@asg.example', fullName: 'Ann Lee', orgId: 'qa' }),
  c('RegisterUser', '2026-01-05T00:05:00Z', { userId: 'u2', email: 'bob@asg.example', fullName: 'Bob Stone', orgId: 'auto' }),
  c('RegisterUser', '2026-01-05T00:06:00Z', { userId: 'u3', email: 'carla_d@asg.example', fullName: 'Carla Díaz', orgId: 'ops' }),
  c('RegisterUser', '2026-01-05T00:07:00Z', { userId: 'u4', email: 'eve@asg.example', fullName: '=Eve', orgId: 'ops' }),
  c('RegisterUser', '2026-01-05T00:08:00Z', { userId: 'u5', email: 'dan@asg.example', fullName: 'Dan Fox', orgId: 'auto' }),
  c('CreateProject', '2026-01-05T00:09:00Z', { projectId: 'web', name: 'Web', orgId: 'qa' }),
  c('CreateProject', '2026-01-05T00:10:00Z', { projectId: 'mob', name: 'Mobile', orgId: 'auto' }),
  c('AddUserToProject', '2026-01-05T00:11:00Z', { projectId: 'web', userId: 'u2' }),
  c('AddUserToProject', '2026-01-05T00:12:00Z', { projectId: 'mob', userId: 'u2' }),
  c('AddUserToProject', '2026-01-05T00:13:00Z', { projectId: 'web', userId: 'u1' }),
  c('PurchaseLicenses', '2026-01-05T01:00:00Z', {
    purchaseId: 'p1',
    product: 'KSE',
    quantity: 10,
    startsAt: '2026-01-01T00:00:00Z',
    expiresAt: '2027-01-01T00:00:00Z',
  }),
  c('PurchaseLicenses', '2026-01-05T01:01:00Z', {
    purchaseId: 'p2',
    product: 'TESTOPS',
    quantity: 2,
    startsAt: '2026-01-01T00:00:00Z',
    expiresAt: '2027-01-01T00:00:00Z',
  }),
  c('DedicateLicenses', '2026-01-05T02:00:00Z', { product: 'KSE', orgId: 'qa', quantity: 4 }),
  c('AssignSeat', '2026-01-06T10:00:00Z', { product: 'KSE', userId: 'u1' }),
  c('AssignSeat', '2026-01-06T11:00:00Z', { product: 'KSE', userId: 'u2' }),
  c('AssignSeat', '2026-01-07T09:00:00Z', { product: 'KSE', userId: 'u3' }),
  c('AssignSeat', '2026-01-08T09:00:00Z', { product: 'KSE', userId: 'u4' }),
  c('RecordLogin', '2026-01-08T12:00:00Z', { product: 'KSE', userId: 'u4' }),
  c('RecordLogin', '2026-01-09T08:00:00Z', { product: 'KSE', userId: 'u2' }),
  c('RecordActivity', '2026-01-10T08:00:00Z', { product: 'KSE', userId: 'u3', action: 'run' }),
  c('StartSession', '2026-01-11T08:00:00Z', { product: 'KSE', sessionId: 's1', userId: 'u1', machineId: 'm1' }),
  c('RecordLogin', '2026-01-12T08:00:00Z', { product: 'KSE', userId: 'u5' }),
  c('UnassignSeat', '2026-01-13T08:00:00Z', { product: 'KSE', userId: 'u4' }),
  c('AssignSeat', '2026-01-14T08:00:00Z', { product: 'KSE', userId: 'u4' }),
  c('AssignSeat', '2026-01-14T09:00:00Z', { product: 'TESTOPS', userId: 'u5' }),
  c('RecordLogin', '2026-01-14T09:30:00Z', { product: 'TESTOPS', userId: 'u5' }),
];

const NOW = Date.parse('2026-02-01T00:00:00Z');

describe.each([1, 500])('assignments (batches of %i)', (batchSize) => {
  let harness: ProjectionHarness;
  beforeAll(async () => {
    harness = await projectionHarness([assignmentsProjection], storedHistory(HISTORY), { batchSize });
  });
  afterAll(() => harness.close());

  const report = async (params: Record<string, unknown> = {}, allRows = false) =>
    (await runReport(assignmentsReport, { accountId: 'asg', product: 'KSE', ...params }, harness.context(NOW), { allRows })) as TableBody;
  const ids = (body: TableBody) => body.rows.map((r) => r.userId);

  it('one row per current seat, with source, path, projects, last assignment and use, activation', async () => {
    const body = await report({ sort: 'userId' });
    expect(body).toMatchObject({
      report: 'assignments',
      accountId: 'asg',
      product: 'KSE',
      total: 4,
      page: 1,
      pageSize: 50,
      timezone: 'Europe/Paris',
    });
    expect(body.asOfPosition).toMatch(/^\d+\/\d+$/);
    expect(body.rows).toEqual([
      {
        userId: 'u1',
        user: 'Ann Lee',
        email: 'ann.lee@asg.example',
        licenseSource: 'Quality',
        organization: 'Quality',
        projects: ['Web'],
        lastAssignment: '2026-01-06T10:00:00.000Z',
        lastActiveUse: '2026-01-11T08:00:00.000Z',
        activated: false,
      },
      {
        userId: 'u2',
        user: 'Bob Stone',
        email: 'bob@asg.example',
        licenseSource: 'Quality',
        organization: 'Quality / Automation',
        projects: ['Mobile', 'Web'],
        lastAssignment: '2026-01-06T11:00:00.000Z',
        lastActiveUse: '2026-01-09T08:00:00.000Z',
        activated: true,
      },
      {
        userId: 'u3',
        user: 'Carla Díaz',
        email: 'carla_d@asg.example',
        licenseSource: 'Account',
        organization: 'Operations',
        projects: [],
        lastAssignment: '2026-01-07T09:00:00.000Z',
        lastActiveUse: '2026-01-10T08:00:00.000Z',
        activated: false,
      },
      {
        userId: 'u4',
        user: '=Eve',
        email: 'eve@asg.example',
        licenseSource: 'Account',
        organization: 'Operations',
        projects: [],
        lastAssignment: '2026-01-14T08:00:00.000Z',
        lastActiveUse: '2026-01-08T12:00:00.000Z',
        activated: false,
      },
    ]);
  });

  it('another seat product has its own seats; activity of a user without a seat is not a row', async () => {
    const body = await report({ product: 'TESTOPS' });
    expect(body.rows).toEqual([
      expect.objectContaining({ userId: 'u5', licenseSource: 'Account', lastActiveUse: '2026-01-14T09:30:00.000Z', activated: true }),
    ]);
  });

  it('filters by organization subtree', async () => {
    expect(ids(await report({ orgId: 'qa', sort: 'userId' }))).toEqual(['u1', 'u2']);
    expect(ids(await report({ orgId: 'auto' }))).toEqual(['u2']);
    await expect(report({ orgId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('filters by license source: account, an org id or an org name', async () => {
    for (const licenseSource of ['qa', 'Quality', 'QUALITY']) expect(ids(await report({ licenseSource, sort: 'userId' }))).toEqual(['u1', 'u2']);
    for (const licenseSource of ['account', 'Account']) expect(ids(await report({ licenseSource, sort: 'userId' }))).toEqual(['u3', 'u4']);
    expect(ids(await report({ licenseSource: 'auto' }))).toEqual([]);
    await expect(report({ licenseSource: 'Nowhere' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'licenseSource' }] });
  });

  it('searches name or email, case-insensitively, taking % and _ literally', async () => {
    expect(ids(await report({ q: 'STONE' }))).toEqual(['u2']);
    expect(ids(await report({ q: 'díaz' }))).toEqual(['u3']);
    expect(ids(await report({ q: 'ann.lee@' }))).toEqual(['u1']);
    expect(ids(await report({ q: '_d@' }))).toEqual(['u3']);
    expect(ids(await report({ q: '%' }))).toEqual([]);
    expect((await report({ q: 'e', orgId: 'ops', sort: 'userId' })).total).toBe(2);
  });

  it('sorts by any column, descending with -, ties by userId, nulls last', async () => {
    expect(ids(await report({ sort: '-lastAssignment' }))).toEqual(['u4', 'u3', 'u2', 'u1']);
    expect(ids(await report({ sort: 'lastActiveUse' }))).toEqual(['u4', 'u2', 'u3', 'u1']);
    expect(ids(await report({ sort: '-activated' }))).toEqual(['u2', 'u1', 'u3', 'u4']);
    expect(ids(await report({ sort: 'organization' }))).toEqual(['u3', 'u4', 'u1', 'u2']);
    expect(ids(await report({ sort: 'licenseSource' }))).toEqual(['u3', 'u4', 'u1', 'u2']);
    expect(ids(await report({ orgId: 'qa' }))).toEqual(['u1', 'u2']); // default: by name
    await expect(report({ sort: 'password' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'sort' }] });
  });

  it('pages from 1; total counts every matching row', async () => {
    const second = await report({ sort: 'userId', page: '2', pageSize: '3' });
    expect(second).toMatchObject({ total: 4, page: 2, pageSize: 3 });
    expect(ids(second)).toEqual(['u4']);
    expect(await report({ page: '3', pageSize: '3' })).toMatchObject({ total: 4, rows: [] });
  });

  it('CSV has every row, the columns in order, formulas neutralised', async () => {
    const csv = toCsv(await report({ sort: 'userId', pageSize: '1' }, true), assignmentsReport);
    expect(csv.split('\r\n')).toEqual([
      'userId,user,email,licenseSource,organization,projects,lastAssignment,lastActiveUse,activated',
      'u1,Ann Lee,ann.lee@asg.example,Quality,Quality,Web,2026-01-06T10:00:00.000Z,2026-01-11T08:00:00.000Z,false',
      'u2,Bob Stone,bob@asg.example,Quality,Quality / Automation,Mobile; Web,2026-01-06T11:00:00.000Z,2026-01-09T08:00:00.000Z,true',
      'u3,Carla Díaz,carla_d@asg.example,Account,Operations,,2026-01-07T09:00:00.000Z,2026-01-10T08:00:00.000Z,false',
      "u4,'=Eve,eve@asg.example,Account,Operations,,2026-01-14T08:00:00.000Z,2026-01-08T12:00:00.000Z,false",
      '',
    ]);
  });

  it('refuses session products; asOf is for the replay (the projected report answers at now)', async () => {
    await expect(report({ product: 'KRE' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'product' }] });
    await expect(report({ asOf: '2026-01-10T00:00:00Z' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'asOf', message: 'is answered by replaying events, not by the projected report' }],
    });
    await expect(report({ interval: 'day' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'interval' }] });
  });
});

describe('assignments as the tree stands now', () => {
  it('a removed dedication moves the seats below it to the account; an unknown account is NOT_FOUND', async () => {
    const events = storedHistory([...HISTORY, c('DedicateLicenses', '2026-01-20T00:00:00Z', { product: 'KSE', orgId: 'qa', quantity: 0 })]);
    const harness = await projectionHarness([assignmentsProjection], events.slice(0, -1));
    try {
      const sources = async () =>
        ((await runReport(assignmentsReport, { accountId: 'asg', product: 'KSE', sort: 'userId' }, harness.context(NOW))) as TableBody).rows.map(
          (r) => r.licenseSource,
        );
      expect(await sources()).toEqual(['Quality', 'Quality', 'Account', 'Account']);
      await harness.fold(events.slice(-1));
      expect(await sources()).toEqual(['Account', 'Account', 'Account', 'Account']);
      await expect(runReport(assignmentsReport, { accountId: 'other', product: 'KSE' }, harness.context(NOW))).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    } finally {
      await harness.close();
    }
  });
});
