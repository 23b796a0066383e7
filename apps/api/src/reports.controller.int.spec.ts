import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { cmd } from '../../../libs/domain/src/testing/decider-spec.js';
import { Clock } from '../../../libs/platform/src/clock.js';
import { CommandGateway } from '../../../libs/ledger/src/command-gateway.js';
import { EVENT_STORE } from '../../../libs/platform/src/tokens.js';
import { PROJECTION_READER } from '../../../libs/reports/src/tokens.js';
import { SPEC7_SEATS } from '../../../libs/domain/src/testing/spec-7-example.js';
import { projectionHarness, type ProjectionHarness } from '../../../libs/reports/src/testing/projection-harness.js';
import { FixedClock } from '../../../test/support/fixed-clock.js';
import { historyStore, type HistoryStore } from '../../../test/support/history-store.js';
import { RecordingGateway } from '../../../test/support/recording-gateway.js';
import { storedHistory } from '../../../test/support/stored-history.js';
import { assignmentsProjection } from '../../../projections/assignments.projection.js';
import { licensesProjection } from '../../../projections/licenses.projection.js';
import { seatHistoryProjection } from '../../../projections/seat-history.projection.js';
import { seatUsageProjection } from '../../../projections/seat-usage.projection.js';
import { ApiModule } from './api.module.js';
import { configureApp } from './configure-app.js';

describe('GET /v1/accounts/{accountId}/reports/{name}', () => {
  let harness: ProjectionHarness;
  let events: HistoryStore;
  let app: NestExpressApplication;
  let url: string;
  const history = storedHistory(SPEC7_SEATS, { onRejected: 'skip' });

  beforeAll(async () => {
    harness = await projectionHarness([seatHistoryProjection, seatUsageProjection, assignmentsProjection, licensesProjection], history);
    events = await historyStore(history);

    @Global()
    @Module({
      providers: [
        { provide: PROJECTION_READER, useValue: harness.reader },
        { provide: Clock, useValue: new FixedClock(Date.parse('2026-06-01T00:00:00Z')) },
        { provide: CommandGateway, useValue: new RecordingGateway() },
        { provide: EVENT_STORE, useValue: events.store },
      ],
      exports: [PROJECTION_READER, Clock, CommandGateway, EVENT_STORE],
    })
    class Doubles {}

    @Module({ imports: [Doubles, ApiModule] })
    class TestModule {}

    app = configureApp(await NestFactory.create<NestExpressApplication>(TestModule, { bodyParser: false, logger: false }));
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/v1/accounts`;
  });
  afterAll(async () => {
    await app?.close();
    await harness?.close();
    await events?.close();
  });

  it('answers the JSON body of SPEC §6 (§7 numbers)', async () => {
    const response = await fetch(`${url}/acme/reports/seat-history?product=KSE&from=2026-01-01&to=2026-02-28&interval=month&orgId=qa`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { asOfPosition: string };
    expect(body).toMatchObject({
      report: 'seat-history',
      accountId: 'acme',
      product: 'KSE',
      orgId: 'qa',
      interval: 'month',
      timezone: 'America/New_York',
      from: '2026-01-01',
      to: '2026-02-28',
      buckets: [
        { start: '2026-01-01T00:00:00.000-05:00', end: '2026-02-01T00:00:00.000-05:00', purchased: 3, assigned: 2, activated: 2 },
        { start: '2026-02-01T00:00:00.000-05:00', end: '2026-03-01T00:00:00.000-05:00', purchased: 3, assigned: 2, activated: 1 },
      ],
    });
    expect(body.asOfPosition).toMatch(/^\d+\/\d+$/);
  });

  it('format=csv answers text/csv, a header row and CRLF lines', async () => {
    const response = await fetch(`${url}/acme/reports/seat-usage?product=KSE&from=2026-01-06&to=2026-01-07&format=csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="seat-usage.csv"');
    expect(await response.text()).toBe(
      'start,end,activeUsers,averageDailyActive,peakDailyActive,assigned\r\n' +
        '2026-01-06T00:00:00.000-05:00,2026-01-07T00:00:00.000-05:00,1,1,1,2\r\n' +
        '2026-01-07T00:00:00.000-05:00,2026-01-08T00:00:00.000-05:00,1,1,1,2\r\n',
    );
  });

  it('tables: JSON pages; CSV has every page', async () => {
    const page = await (await fetch(`${url}/acme/reports/assignments?product=KSE&pageSize=1&sort=userId`)).json();
    expect(page).toMatchObject({ total: 2, page: 1, pageSize: 1, rows: [{ userId: 'u1', licenseSource: 'QA', organization: 'QA' }] });
    const csv = await (await fetch(`${url}/acme/reports/assignments?product=KSE&pageSize=1&sort=userId&format=csv`)).text();
    expect(csv.split('\r\n').map((line) => line.split(',')[0])).toEqual(['userId', 'u1', 'u2', '']);
  });

  it('an unknown report → 404 naming the reports', async () => {
    const response = await fetch(`${url}/acme/reports/seat-histroy?product=KSE`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await response.json()) as { detail: string; errors: { path: string }[] };
    expect(problem).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(problem.detail).toContain('seat-history, assignments, seat-usage');
  });

  it('bad parameters → 400 problem+json naming each field', async () => {
    const response = await fetch(`${url}/acme/reports/seat-history?product=KRE&from=2026-01-01&interval=year&colour=red&from=2026-01-02`);
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { detail: string; errors: { path: string }[] };
    expect(problem).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(problem.errors.map((e: { path: string }) => e.path).sort()).toEqual(['colour', 'from', 'interval', 'product', 'to']);
    expect((await fetch(`${url}/acme/reports/seat-history?product=KSE&from=2026-01-01&to=2026-01-02&format=xml`)).status).toBe(400);
    expect((await fetch(`${url}/acme/reports/seat-history?product=KSE&from=2026-01-01&to=2026-01-02&accountId=other`)).status).toBe(400);
  });

  it('an unknown account or organization → 404', async () => {
    expect((await fetch(`${url}/other/reports/seat-history?product=KSE&from=2026-01-01&to=2026-01-02`)).status).toBe(404);
    expect((await fetch(`${url}/acme/reports/seat-history?product=KSE&from=2026-01-01&to=2026-01-02&orgId=nope`)).status).toBe(404);
  });

  describe('GET …/licenses/{product}/{list}: a list of the overview, paged', () => {
    it('answers one page of the JSON list, and CSV with every page', async () => {
      const response = await fetch(`${url}/acme/licenses/KSE/licensed-users?pageSize=1&page=2`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        report: 'licenses',
        list: 'licensed-users',
        accountId: 'acme',
        product: 'KSE',
        total: 2,
        page: 2,
        pageSize: 1,
        rows: [{ userId: 'u2', licenseSource: 'mobile' }],
      });
      const csv = await fetch(`${url}/acme/licenses/KSE/licensed-users?pageSize=1&format=csv`);
      expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(csv.headers.get('content-disposition')).toBe('attachment; filename="licensed-users-KSE.csv"');
      expect((await csv.text()).split('\r\n').map((line) => line.split(',').slice(0, 2).join(','))).toEqual([
        'userId,name',
        'u1,User One',
        'u2,User Two',
        '',
      ]);
      const asOf = await (await fetch(`${url}/acme/licenses/KSE/licensed-users?asOf=2026-01-06T13:01:30Z`)).json();
      expect(asOf).toMatchObject({ asOf: '2026-01-06T13:01:30.000Z', total: 1, rows: [{ userId: 'u2' }] });
    });

    it('the overview keeps its SPEC body unless listLimit is asked', async () => {
      const whole: any = await (await fetch(`${url}/acme/licenses?product=KSE`)).json();
      expect(whole.products[0].licensedUsers).toHaveLength(2);
      expect(whole.products[0]).not.toHaveProperty('listTotals');
      const limited: any = await (await fetch(`${url}/acme/licenses?product=KSE&listLimit=0`)).json();
      expect(limited.products[0]).toMatchObject({ licensedUsers: [], listTotals: { licensedUsers: 2, machines: 0 } });
    });

    it('bad parameters → 400 naming each field; an unknown account → 404', async () => {
      const response = await fetch(`${url}/acme/licenses/KXX/seats?page=0&pageSize=5000&product=KSE&format=xml`);
      expect(response.status).toBe(400);
      const problem = (await response.json()) as { code: string; errors: { path: string }[] };
      expect(problem.code).toBe('VALIDATION_FAILED');
      expect(problem.errors.map((e) => e.path)).toEqual(['product', 'format']);
      const third = (await (await fetch(`${url}/acme/licenses/KXX/seats?page=0&pageSize=5000`)).json()) as typeof problem;
      expect(third.errors.map((e) => e.path)).toEqual(['product', 'list', 'page', 'pageSize']);
      expect((await fetch(`${url}/acme/licenses?listLimit=-1`)).status).toBe(400);
      expect((await fetch(`${url}/other/licenses/KSE/machines`)).status).toBe(404);
      expect((await fetch(`${url}/acme/licenses/KSE/machines?orgId=nope`)).status).toBe(404);
    });
  });

  describe('asOf (SPEC §5): replayed from the events up to the instant', () => {
    const json = async (path: string): Promise<any> => (await fetch(`${url}${path}`)).json();

    it('seat-history and licenses answer as the ledger stood then', async () => {
      const history = await json('/acme/reports/seat-history?product=KSE&from=2026-01-01&to=2026-02-28&interval=month&asOf=2026-01-06T13:01:00Z');
      expect(history.buckets).toEqual([
        { start: '2026-01-01T00:00:00.000-05:00', end: '2026-02-01T00:00:00.000-05:00', purchased: 5, assigned: 1, activated: 0 },
      ]);
      const response = await fetch(`${url}/acme/licenses?product=KSE&asOf=2026-01-06T08:01:30-05:00`);
      expect(response.status).toBe(200);
      const overview: any = await response.json();
      expect(overview.asOf).toBe('2026-01-06T13:01:30.000Z');
      expect(overview.products[0].scopes.find((s: { scope: string }) => s.scope === 'mobile')).toMatchObject({ used: 1, available: 0 });
    });

    it('assignments CSV as of an instant has every row of then', async () => {
      const csv = await (
        await fetch(`${url}/acme/reports/assignments?product=KSE&pageSize=1&sort=userId&format=csv&asOf=2026-02-10T12:01:00Z`)
      ).text();
      expect(csv.split('\r\n').map((line) => line.split(',')[0])).toEqual(['userId', 'u2', '']);
    });

    it('a command appended after T does not change the answer as of T', async () => {
      const asOf = '/acme/reports/assignments?product=KSE&sort=userId&asOf=2026-02-10T12:06:00Z';
      const before = await json(asOf);
      const more = storedHistory([...SPEC7_SEATS, cmd('UnassignSeat', '2026-03-01T09:00:00Z', { product: 'KSE', userId: 'u2' })], {
        onRejected: 'skip',
      });
      await events.append(more.slice(history.length));
      expect(await json(asOf)).toEqual(before);
      expect(before.rows.map((r: { userId: string; activated: boolean }) => [r.userId, r.activated])).toEqual([
        ['u1', false],
        ['u2', true],
      ]);
    });

    it('asOf in the future or without a zone → 400 naming asOf; on seat-usage → 400 saying which reports take it', async () => {
      for (const path of [
        '/acme/licenses?asOf=2026-06-01T00:00:01Z',
        '/acme/reports/assignments?product=KSE&asOf=2026-06-02T00:00:00Z',
        '/acme/reports/seat-history?product=KSE&from=2026-01-01&to=2026-01-02&asOf=2026-01-02T00:00:00',
      ]) {
        const response = await fetch(`${url}${path}`);
        expect(response.status).toBe(400);
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(await response.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'asOf' }] });
      }
      const usage = await json('/acme/reports/seat-usage?product=KSE&from=2026-01-01&to=2026-01-02&asOf=2026-01-02T00:00:00Z');
      expect(usage.errors).toEqual([
        { path: 'asOf', message: expect.stringContaining('only seat-history, assignments and the licenses overview take it') },
      ]);
    });

    it('an unknown account as of an instant → 404', async () => {
      expect((await fetch(`${url}/other/licenses?asOf=2026-02-01T00:00:00Z`)).status).toBe(404);
    });
  });
});
