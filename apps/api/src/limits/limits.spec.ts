import { Controller, Get, Global, Module, Query } from '@nestjs/common';
import { NestFactory, Reflector } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { LEDGER_CONFIG } from '../../../../libs/platform/src/tokens.js';
import { loadConfig } from '../../../../libs/platform/src/config.js';
import { configureApp } from '../configure-app.js';
import { ExplainController } from '../explain.controller.js';
import { LicensesOverviewController } from '../licenses-overview.controller.js';
import { ReportsController } from '../reports.controller.js';
import { TokenBuckets } from './rate-limit.guard.js';
import { LimitsModule } from './limits.module.js';
import { ReplaysHistory, type ReplayPredicate } from './replay-admission.js';

describe('TokenBuckets', () => {
  test('a burst of capacity, then one token every window/capacity; keys apart', () => {
    let now = 0;
    const buckets = new TokenBuckets(3, 60_000, () => now);
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([0, 0, 0]);
    expect(buckets.take('a')).toBe(20);
    expect(buckets.take('b')).toBe(0);
    now = 19_000;
    expect(buckets.take('a')).toBe(1);
    now = 20_000;
    expect(buckets.take('a')).toBe(0);
  });
});

describe('@ReplaysHistory: BUSY admission', () => {
  const gates: (() => void)[] = [];

  @Controller('replay')
  class ReplayController {
    @Get('always')
    @ReplaysHistory()
    async always(): Promise<{ ok: true }> {
      await new Promise<void>((release) => gates.push(release));
      return { ok: true };
    }

    @Get('plain')
    plain(): { ok: true } {
      return { ok: true };
    }

    @Get('as-of')
    @ReplaysHistory((request) => request.query?.asOf !== undefined)
    async asOf(@Query('asOf') asOf?: string): Promise<{ asOf: string | null }> {
      if (asOf !== undefined) await new Promise<void>((release) => gates.push(release));
      return { asOf: asOf ?? null };
    }
  }

  @Global()
  @Module({ providers: [{ provide: LEDGER_CONFIG, useValue: loadConfig({ REPLAY_CONCURRENCY: '1' }) }], exports: [LEDGER_CONFIG] })
  class ConfigModule {}

  @Module({ imports: [ConfigModule, LimitsModule], controllers: [ReplayController] })
  class ReplayModule {}

  let app: NestExpressApplication;
  let url: string;
  beforeAll(async () => {
    app = configureApp(await NestFactory.create<NestExpressApplication>(ReplayModule, { bodyParser: false, logger: false }));
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  const until = async (condition: () => boolean) => {
    for (let i = 0; i < 200 && !condition(); i++) await new Promise((done) => setTimeout(done, 10));
  };

  test('beyond REPLAY_CONCURRENCY: 503 BUSY with Retry-After; plain requests pass; a finished replay frees its slot', async () => {
    const first = fetch(`${url}/replay/always`);
    await until(() => gates.length === 1);
    const refused = await fetch(`${url}/replay/always`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(await refused.json()).toMatchObject({ status: 503, code: 'BUSY', title: 'Busy' });
    expect((await fetch(`${url}/replay/plain`)).status).toBe(200);
    // Only requests the predicate picks replay: as-of without asOf is plain.
    expect(await (await fetch(`${url}/replay/as-of`)).json()).toEqual({ asOf: null });
    expect((await fetch(`${url}/replay/as-of?asOf=2026-01-01T00:00:00Z`)).status).toBe(503);

    gates.shift()!();
    expect((await first).status).toBe(200);
    const again = fetch(`${url}/replay/as-of?asOf=2026-01-01T00:00:00Z`);
    await until(() => gates.length === 1);
    gates.shift()!();
    expect(await (await again).json()).toEqual({ asOf: '2026-01-01T00:00:00Z' });
  });

  test('the routes that replay history are marked: as-of reports and overview, explain', () => {
    const reflector = new Reflector();
    const predicate = (controller: object, method: string): ReplayPredicate | undefined =>
      reflector.get('ledger:replays-history', (controller as Record<string, () => unknown>)[method]!);
    const withAsOf = { query: { asOf: '2026-01-01T00:00:00Z' } } as unknown as Parameters<ReplayPredicate>[0];
    const plain = { query: {} } as unknown as Parameters<ReplayPredicate>[0];
    for (const [controller, method] of [
      [ReportsController.prototype, 'report'],
      [LicensesOverviewController.prototype, 'overview'],
    ] as const) {
      expect(predicate(controller, method)?.(withAsOf)).toBe(true);
      expect(predicate(controller, method)?.(plain)).toBe(false);
    }
    const whatIf = { query: {}, params: { name: 'what-if' } } as unknown as Parameters<ReplayPredicate>[0];
    const backtest = { query: {}, params: { name: 'reclaim-backtest' } } as unknown as Parameters<ReplayPredicate>[0];
    const sessionUsage = { query: {}, params: { name: 'session-usage' } } as unknown as Parameters<ReplayPredicate>[0];
    expect([whatIf, backtest, sessionUsage].map((request) => predicate(ReportsController.prototype, 'report')?.(request))).toEqual([
      true,
      true,
      false,
    ]);
    expect(predicate(ExplainController.prototype, 'report')?.(plain)).toBe(true);
    expect(predicate(ExplainController.prototype, 'licenses')?.(plain)).toBe(true);
  });
});
