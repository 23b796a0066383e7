import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { configureApp } from '../../apps/api/src/configure-app.js';
import { ProjectionsController } from '../../apps/api/src/projections.controller.js';
import type { EventStore } from '../../libs/event-store/src/event-store.js';
import { LedgerModule } from '../../libs/ledger/src/ledger.module.js';
import { EVENT_STORE } from '../../libs/platform/src/tokens.js';
import { IN_MEMORY } from '../../libs/database/src/database.js';
import { ProjectionEngine } from '../../projections/engine/projection-engine.js';
import { ProjectionReader } from '../../projections/engine/projection-reader.js';
import { LedgerProjection } from '../../projections/ledger-projection.decorator.js';
import { ProjectionsModule } from '../../projections/projections.module.js';
import { CountingProjection, type CountTables } from './support/counting-projection.js';
import { appendTypes, cycleOfTypes, waitUntil } from './support/projection-fixture.js';

/** Listed in ProjectionsModule.forRoot, without the decorator. */
class CounterProjection extends CountingProjection {}

/** Provided by a module of its own, found by its decorator. */
@LedgerProjection()
class EveryTypeProjection extends CountingProjection {
  constructor() {
    super({ name: 'every-type', eventTypes: ['A', 'B', 'C'] });
  }
}

@Module({ providers: [EveryTypeProjection] })
class ReportingModule {}

const config = { dataDir: IN_MEMORY, port: 0, sessionLeaseSeconds: 900 };

async function startApp(run: boolean): Promise<{ app: NestExpressApplication; url: string }> {
  @Module({
    imports: [LedgerModule.forRoot(config), ProjectionsModule.forRoot({ projections: [CounterProjection], run }), ReportingModule],
    controllers: [ProjectionsController],
  })
  class TestAppModule {}

  const app = configureApp(await NestFactory.create<NestExpressApplication>(TestAppModule, { bodyParser: false, logger: false }));
  await app.listen(0, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}` };
}

describe('ProjectionsModule', () => {
  let app: NestExpressApplication | undefined;
  afterEach(() => app?.close());

  test('registers the listed and the decorated projections, runs them, and gives reports a ProjectionReader', async () => {
    const started = await startApp(true);
    app = started.app;
    const engine = app.get(ProjectionEngine);
    expect(engine.names.sort()).toEqual(['counter', 'every-type']);

    const head = await appendTypes(app.get<EventStore>(EVENT_STORE), cycleOfTypes(30));
    await engine.waitForPosition(head, 10_000);
    const { db, position } = await app.get(ProjectionReader).reader<CountTables>('every-type');
    expect(position).toEqual(head);
    expect(await db.kysely.selectFrom('event_counts').select(['type', 'count']).orderBy('type').execute()).toEqual([
      { type: 'A', count: '10' },
      { type: 'B', count: '10' },
      { type: 'C', count: '10' },
    ]);
  });

  test('with run: false, registers the projections but leaves running them to another process', async () => {
    const started = await startApp(false);
    app = started.app;
    await appendTypes(app.get<EventStore>(EVENT_STORE), cycleOfTypes(3));
    const { projections } = (await (await fetch(`${started.url}/v1/projections`)).json()) as {
      projections: { name: string; status: string; lagEvents: number }[];
    };
    expect(projections.map(({ name, status, lagEvents }) => ({ name, status, lagEvents }))).toEqual([
      { name: 'counter', status: 'not-started', lagEvents: 3 },
      { name: 'every-type', status: 'not-started', lagEvents: 3 },
    ]);
  });

  test('GET /v1/projections lists them; POST /v1/projections/{name}/rebuild starts a rebuild (202) and answers 404 for an unknown name', async () => {
    const started = await startApp(true);
    app = started.app;
    const engine = app.get(ProjectionEngine);
    await engine.waitForPosition(await appendTypes(app.get<EventStore>(EVENT_STORE), cycleOfTypes(300)), 10_000);

    const listed = await fetch(`${started.url}/v1/projections`);
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual({
      projections: [
        expect.objectContaining({ name: 'counter', generation: 1, status: 'active', lagEvents: 0, eventsFolded: 200 }),
        expect.objectContaining({ name: 'every-type', generation: 1, status: 'active', lagEvents: 0, eventsFolded: 300 }),
      ],
    });

    const rebuilt = await fetch(`${started.url}/v1/projections/counter/rebuild`, { method: 'POST' });
    expect(rebuilt.status).toBe(202);
    expect(await rebuilt.json()).toMatchObject({ name: 'counter', generation: 2 });
    await waitUntil(async () => (await engine.status()).some((s) => s.name === 'counter' && s.generation === 2 && s.status === 'active'));

    const unknown = await fetch(`${started.url}/v1/projections/nope/rebuild`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      code: 'NOT_FOUND',
      detail: 'unknown projection "nope"; the projections are: counter, every-type',
    });
  });

  test('POST /v1/projections/rebuild starts rebuilding every projection in one pass (202); each switches with its counts intact', async () => {
    const started = await startApp(true);
    app = started.app;
    const engine = app.get(ProjectionEngine);
    await engine.waitForPosition(await appendTypes(app.get<EventStore>(EVENT_STORE), cycleOfTypes(300)), 10_000);

    const rebuilt = await fetch(`${started.url}/v1/projections/rebuild`, { method: 'POST' });
    expect(rebuilt.status).toBe(202);
    expect(await rebuilt.json()).toEqual({
      projections: [
        expect.objectContaining({ name: 'counter', generation: 2, status: 'building' }),
        expect.objectContaining({ name: 'every-type', generation: 2, status: 'building' }),
      ],
    });
    await waitUntil(async () => (await engine.status()).every((s) => s.generation === 2 && s.status === 'active'));
    expect((await engine.status()).map(({ name, eventsFolded, lagEvents }) => ({ name, eventsFolded, lagEvents }))).toEqual([
      { name: 'counter', eventsFolded: 200, lagEvents: 0 },
      { name: 'every-type', eventsFolded: 300, lagEvents: 0 },
    ]);
  });
});
