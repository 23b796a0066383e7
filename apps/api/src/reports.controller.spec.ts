import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { Clock } from '../../../libs/ledger/src/clock.js';
import { CommandGateway } from '../../../libs/ledger/src/command-gateway.js';
import { PROJECTION_READER } from '../../../libs/reports/src/tokens.js';
import { WORKED_EXAMPLE } from '../../../libs/reports/src/testing/worked-example.js';
import { projectionHarness, type ProjectionHarness } from '../../../libs/reports/src/testing/projection-harness.js';
import { FixedClock } from '../../../test/support/fixed-clock.js';
import { RecordingGateway } from '../../../test/support/recording-gateway.js';
import { storedHistory } from '../../../test/support/stored-history.js';
import { assignmentsProjection } from '../../../projections/assignments.projection.js';
import { seatHistoryProjection } from '../../../projections/seat-history.projection.js';
import { seatUsageProjection } from '../../../projections/seat-usage.projection.js';
import { ApiModule } from './api.module.js';
import { configureApp } from './configure-app.js';

describe('GET /v1/accounts/{accountId}/reports/{name}', () => {
  let harness: ProjectionHarness;
  let app: NestExpressApplication;
  let url: string;

  beforeAll(async () => {
    harness = await projectionHarness([seatHistoryProjection, seatUsageProjection, assignmentsProjection], storedHistory(WORKED_EXAMPLE, { onRejected: 'skip' }));

    @Global()
    @Module({
      providers: [
        { provide: PROJECTION_READER, useValue: harness.reader },
        { provide: Clock, useValue: new FixedClock(Date.parse('2026-06-01T00:00:00Z')) },
        { provide: CommandGateway, useValue: new RecordingGateway() },
      ],
      exports: [PROJECTION_READER, Clock, CommandGateway],
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
  });

  it('answers the JSON body of SPEC §6 (§7 numbers)', async () => {
    const response = await fetch(`${url}/acme/reports/seat-history?product=KSE&from=2026-01-01&to=2026-02-28&interval=month&orgId=qa`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { asOfPosition: string };
    expect(body).toMatchObject({
      report: 'seat-history', accountId: 'acme', product: 'KSE', orgId: 'qa', interval: 'month', timezone: 'America/New_York',
      from: '2026-01-01', to: '2026-02-28',
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
      'start,end,activeUsers,averageDailyActive,peakDailyActive,assigned\r\n'
      + '2026-01-06T00:00:00.000-05:00,2026-01-07T00:00:00.000-05:00,1,1,1,2\r\n'
      + '2026-01-07T00:00:00.000-05:00,2026-01-08T00:00:00.000-05:00,1,1,1,2\r\n',
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
});
