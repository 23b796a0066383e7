import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApp } from '../../apps/api/src/create-app.js';
import { configureApp } from '../../apps/api/src/configure-app.js';
import { ApiKeyStore } from '../../libs/auth/src/api-keys.js';
import { loadConfig } from '../../libs/platform/src/config.js';
import { createLogger } from '../../libs/observability/src/logger.js';
import { PinoNestLogger } from '../../libs/observability/src/nest-logger.js';
import { Controller, Get, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

/**
 * Operable like a service (SPEC §6): request ids, per-key rate limits (429 RATE_LIMITED), the
 * process's and HTTP metrics beside the ledger's, compression, the import line limit; on the
 * embedded store, as `ledger serve` builds the app.
 */
describe('the API as a service', () => {
  let dataDir: string;
  let app: NestExpressApplication;
  let url: string;
  let admin: string;
  let auditor: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ledger-service-'));
    app = await createApp(
      loadConfig({ LEDGER_DATA_DIR: dataDir, RATE_LIMIT_REQUESTS: '5', RATE_LIMIT_WINDOW_SECONDS: '3600', IMPORT_MAX_LINE_BYTES: '300' }),
      {
        logger: false,
        runProjections: false,
      },
    );
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const keys = app.get(ApiKeyStore);
    admin = (await keys.create({ accountId: 'acme', role: 'account-admin' })).token;
    auditor = (await keys.create({ accountId: 'acme', role: 'auditor' })).token;
  });
  afterAll(async () => {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const get = (path: string, token: string | null, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, { headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } });

  test("every answer carries a request id: the client's own if sane, else a new one", async () => {
    expect((await get('/health', null, { 'x-request-id': 'trace-42.a' })).headers.get('x-request-id')).toBe('trace-42.a');
    const made = (await get('/health', null, { 'x-request-id': 'not sane/at all' })).headers.get('x-request-id');
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('the import line limit: a line over IMPORT_MAX_LINE_BYTES is a 400 naming it, nothing applied', async () => {
    const lines = [
      JSON.stringify({ type: 'OpenAccount', accountId: 'acme', name: 'Acme', timezone: 'UTC' }),
      JSON.stringify({ type: 'OpenAccount', accountId: 'acme', name: 'x'.repeat(400), timezone: 'UTC' }),
    ];
    const response = await fetch(`${url}/v1/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/x-ndjson' },
      body: lines.join('\n'),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'line 2', message: 'is longer than 300 bytes (IMPORT_MAX_LINE_BYTES); nothing was imported' }],
    });
    expect((await get('/v1/accounts/acme/events', admin)).status).toBe(404);
  });

  test('a key over its rate limit gets 429 RATE_LIMITED with Retry-After; another key is not affected', async () => {
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 6; i++) {
      const response = await get('/v1/accounts/acme/licenses', auditor);
      statuses.push(response.status);
      if (response.status === 429) refused = response;
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    expect(refused!.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused!.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED', title: 'Rate limited' });
    expect((await get('/v1/accounts/acme/licenses', admin)).status).not.toBe(429);
    // Unauthenticated routes are not limited per key.
    for (let i = 0; i < 8; i++) expect((await get('/health', null)).status).not.toBe(429);
  });

  test("/metrics has the process's and the HTTP metrics beside the ledger's", async () => {
    const text = await (await get('/metrics', null)).text();
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
      'ledger_appends_total',
      'ledger_replays_in_flight',
      'ledger_replays_refused_total',
    ]) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    }
    expect(text).toMatch(/^http_requests_total\{method="GET",route="\/v1\/accounts\/:accountId\/licenses",status_code="429"\} [1-9]/m);
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="GET",route="\/health",status_code="200"\} [1-9]/m);
  });

  test('answers are compressed for clients that accept it', async () => {
    const docs = await fetch(`${url}/docs-json`, { headers: { 'accept-encoding': 'gzip' } });
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-encoding')).toBe('gzip');
    expect(((await docs.json()) as { openapi: string }).openapi).toMatch(/^3\./);
  });
});

describe('request logs', () => {
  @Controller('boom')
  class BoomController {
    @Get()
    boom(): never {
      new Logger('Boom').warn('about to fail');
      throw new Error('kaput');
    }
  }
  @Module({ controllers: [BoomController] })
  class BoomModule {}

  test("one JSON line per request with its id; the app's own log lines during the request carry the same id", async () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const log = createLogger({ logLevel: 'info', logFormat: 'json' }, { destination });
    const app = configureApp(await NestFactory.create<NestExpressApplication>(BoomModule, { bodyParser: false, logger: new PinoNestLogger(log) }), {
      log,
    });
    try {
      await app.listen(0, '127.0.0.1');
      const response = await fetch(`http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/boom`, {
        headers: { 'x-request-id': 'req-7' },
      });
      expect(response.status).toBe(500);
      await new Promise((done) => setTimeout(done, 50));
      const ofRequest = lines.filter((line) => line.reqId === 'req-7');
      expect(ofRequest).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ level: 40, context: 'Boom', msg: 'about to fail' }),
          expect.objectContaining({ level: 50, context: 'HTTP', msg: 'GET /boom failed' }),
          expect.objectContaining({ level: 50, req: { method: 'GET', url: '/boom' }, res: { statusCode: 500 }, responseTime: expect.any(Number) }),
        ]),
      );
      expect(lines.every((line) => typeof line.time === 'number' && typeof line.pid === 'number')).toBe(true);
    } finally {
      await app.close();
    }
  });
});
