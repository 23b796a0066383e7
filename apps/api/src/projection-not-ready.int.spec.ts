import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKeyStore } from '../../../libs/auth/src/api-keys.js';
import { loadConfig } from '../../../libs/platform/src/config.js';
import { captureOutput } from '../../../test/support/capture-output.js';
import { runCli } from '../../cli/src/cli.js';
import { createApp } from './create-app.js';
import type { Health } from './health-check.js';

/** A ledger whose projections have never run: no generation to read a report from yet. */
describe('a report whose projection is not ready', () => {
  let dataDir: string;
  const query = '?product=KSE&from=2026-01-01&to=2026-01-31&interval=day';

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ledger-not-ready-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('answers 503 PROJECTION_NOT_READY naming the projection, with Retry-After; /health shows it not started', async () => {
    const app: NestExpressApplication = await createApp(loadConfig({ LEDGER_DATA_DIR: dataDir }), { logger: false, runProjections: false });
    try {
      await app.listen(0, '127.0.0.1');
      const { token } = await app.get(ApiKeyStore).create({ accountId: 'acme', role: 'auditor' });
      const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
      const response = await fetch(`${url}/v1/accounts/acme/reports/seat-history${query}`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      const problem = (await response.json()) as { code: string; status: number; detail: string };
      expect(problem).toMatchObject({ code: 'PROJECTION_NOT_READY', status: 503 });
      expect(problem.detail).toContain('"seat-history"');

      const health = (await (await fetch(`${url}/health`)).json()) as Health;
      expect(health.status).toBe('ok');
      expect(health.projections!.find((p) => p.name === 'seat-history')).toMatchObject({ state: 'not-started', generation: null, position: null });
    } finally {
      await app.close();
    }
  });

  it('ledger report says so and exits 1', async () => {
    const out = captureOutput();
    expect(
      await runCli(['report', 'seat-history', '--account', 'acme', '--product', 'KSE', '--from', '2026-01-01', '--to', '2026-01-31'], out, {
        LEDGER_DATA_DIR: dataDir,
      }),
    ).toBe(1);
    expect(out.err()).toMatch(/^ledger report: PROJECTION_NOT_READY: projection "seat-history" has no active generation yet/);
  });
});
