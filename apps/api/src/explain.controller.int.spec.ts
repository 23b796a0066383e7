import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { storedLog } from '../../../libs/audit/src/explain/testing/stored-log.js';
import { Clock } from '../../../libs/platform/src/clock.js';
import { CommandGateway } from '../../../libs/ledger/src/command-gateway.js';
import { EVENT_STORE } from '../../../libs/platform/src/tokens.js';
import { projectionHarness, type ProjectionHarness } from '../../../libs/reports/src/testing/projection-harness.js';
import { PROJECTION_READER } from '../../../libs/reports/src/tokens.js';
import { FixedClock } from '../../../test/support/fixed-clock.js';
import { RecordingGateway } from '../../../test/support/recording-gateway.js';
import { spec7Commands } from '../../../test/support/spec-7-example.js';
import { storedHistory } from '../../../test/support/stored-history.js';
import { licensesProjection } from '../../../projections/licenses.projection.js';
import { sessionsProjection } from '../../../projections/sessions.projection.js';
import { capacityProjection } from '../../../projections/capacity.projection.js';
import { ApiModule } from './api.module.js';
import { configureApp } from './configure-app.js';

describe('GET …/reports/{name}/explain and …/licenses/explain', () => {
  let harness: ProjectionHarness;
  let app: NestExpressApplication;
  let url: string;
  const KRE_DAY = 'product=KRE&from=2026-03-02&to=2026-03-02&interval=day';

  beforeAll(async () => {
    const events = storedHistory(spec7Commands(), { onRejected: 'skip' });
    harness = await projectionHarness([sessionsProjection, licensesProjection, capacityProjection], events);

    @Global()
    @Module({
      providers: [
        { provide: PROJECTION_READER, useValue: harness.reader },
        { provide: EVENT_STORE, useValue: storedLog(events) },
        { provide: Clock, useValue: new FixedClock(Date.parse('2026-06-01T00:00:00Z')) },
        { provide: CommandGateway, useValue: new RecordingGateway() },
      ],
      exports: [PROJECTION_READER, EVENT_STORE, Clock, CommandGateway],
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

  it('answers the explanation of a session-usage peak (SPEC §7)', async () => {
    // The bucket in another ISO form of the same instant.
    const response = await fetch(`${url}/acme/reports/session-usage/explain?${KRE_DAY}&bucket=2026-03-02T05:00:00Z&metric=peakUsage`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { events: { type: string }[] };
    expect(body).toMatchObject({
      report: 'session-usage',
      accountId: 'acme',
      bucket: { start: '2026-03-02T00:00:00.000-05:00' },
      metric: 'peakUsage',
      value: 2,
      peakAt: '2026-03-02T15:30:00.000Z',
      sessions: [{ sessionId: 's1' }, { sessionId: 's2' }],
    });
    expect(body.events.map((e) => e.type)).toEqual(['SessionStarted', 'SessionStarted', 'SessionEnded', 'SessionEnded']);
    expect(body.events[0]).toMatchObject({ streamId: expect.any(String), metadata: { occurredAt: '2026-03-02T15:00:00.000Z' } });
  });

  it('answers the explanation of a licenses figure', async () => {
    const response = await fetch(`${url}/acme/licenses/explain?product=KSE&scope=account&metric=pool`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      report: 'licenses',
      scope: 'account',
      metric: 'pool',
      value: 2,
      purchases: [{ purchaseId: 'p1', quantity: 5 }],
      dedicatedBelow: [{ orgId: 'qa', quantity: 3 }],
    });
  });

  it('a bad bucket or metric → 400 problem+json naming the field and what is allowed', async () => {
    const badBucket = await fetch(`${url}/acme/reports/session-usage/explain?${KRE_DAY}&bucket=2026-03-02T12:00:00Z&metric=peakUsage`);
    expect(badBucket.status).toBe(400);
    expect(badBucket.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await badBucket.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'bucket', message: expect.stringContaining('2026-03-02T00:00:00.000-05:00') }],
    });
    const badMetric = await fetch(`${url}/acme/reports/session-usage/explain?${KRE_DAY}&bucket=2026-03-02T05:00:00Z&metric=activeUsers`);
    expect(badMetric.status).toBe(400);
    expect(await badMetric.json()).toMatchObject({ errors: [{ path: 'metric', message: expect.stringContaining('peakUsage') }] });
    const badLicenses = await fetch(`${url}/acme/licenses/explain?product=KSE&scope=account&metric=seats`);
    expect(badLicenses.status).toBe(400);
    expect(await badLicenses.json()).toMatchObject({ errors: [{ path: 'metric', message: expect.stringContaining('purchased, dedicated, pool') }] });
  });

  it('answers the explanation of a what-if bucket figure in the same shape: the demand the hypothesis admitted at the peak, with its events', async () => {
    const response = await fetch(`${url}/acme/reports/what-if/explain?${KRE_DAY}&quantity=3&bucket=2026-03-02T05:00:00Z&metric=peakUsage`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { units: { id: string; event: string }[]; events: { type: string; position: string }[] };
    expect(body).toMatchObject({
      report: 'what-if',
      accountId: 'acme',
      product: 'KRE',
      orgId: null,
      interval: 'day',
      timezone: 'America/New_York',
      bucket: { start: '2026-03-02T00:00:00.000-05:00', end: '2026-03-03T00:00:00.000-05:00' },
      metric: 'peakUsage',
      value: 3,
      asOfPosition: expect.stringMatching(/^\d+\/\d+$/),
      peakAt: '2026-03-02T15:45:00.000Z',
    });
    expect(body.units.map((u) => u.id)).toEqual(['s1', 's2', 's4']);
    const denied = body.events.find((e) => e.position === body.units[2]!.event);
    expect(denied).toMatchObject({ type: 'SessionDenied', data: { sessionId: 's4' }, metadata: { occurredAt: '2026-03-02T15:45:00.000Z' } });

    const refused = await fetch(`${url}/acme/reports/what-if/explain?${KRE_DAY}&bucket=2026-03-02T05:00:00Z&metric=actual.denied`);
    expect(await refused.json()).toMatchObject({ metric: 'actual.denied', value: 1, denied: [{ id: 's4', admitted: false }] });
  });

  it('a capacity explanation with a metric the report has not → 400 naming its metrics', async () => {
    const response = await fetch(`${url}/acme/reports/denials/explain?${KRE_DAY}&bucket=2026-03-02T05:00:00Z&metric=peakUsage`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'metric', message: expect.stringContaining('trueDenials') }],
    });
  });

  it('an unknown account → 404', async () => {
    expect((await fetch(`${url}/other/reports/session-usage/explain?${KRE_DAY}&bucket=2026-03-02T05:00:00Z&metric=peakUsage`)).status).toBe(404);
    expect((await fetch(`${url}/other/reports/what-if/explain?${KRE_DAY}&bucket=2026-03-02T05:00:00Z&metric=denied`)).status).toBe(404);
  });
});
