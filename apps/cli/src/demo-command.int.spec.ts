import type { NestExpressApplication } from '@nestjs/platform-express';
import { DateTime } from 'luxon';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../libs/platform/src/config.js';
import { captureOutput } from '../../../test/support/capture-output.js';
import { createApp } from '../../api/src/create-app.js';
import { runCli } from './cli.js';

type Bucket = Record<string, number | string>;

describe('ledger demo, on an embedded store', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let printed: string;
  let accountId: string;
  let token: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ledger-demo-'));
    env = { LEDGER_DATA_DIR: dataDir };
    const out = captureOutput();
    expect(await runCli(['demo', '--commands', '6000'], out, env)).toBe(0);
    printed = out.out();
    accountId = /^Demo account: (\S+) /m.exec(printed)![1];
    token = /^API key \(account-admin, shown only now\): (llk_\S+)$/m.exec(printed)![1];
    expect(out.err()).toMatch(/commands accepted/);
  }, 600_000);
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  /** `ledger report …` on the demo account, its JSON body. */
  async function report(name: string, ...flags: string[]): Promise<Record<string, unknown>> {
    const out = captureOutput();
    expect(await runCli(['report', name, '--account', accountId, ...flags], out, env)).toBe(0);
    return JSON.parse(out.out()) as Record<string, unknown>;
  }

  const window = () => {
    const today = DateTime.now().toUTC();
    return ['--from', today.minus({ days: 95 }).toISODate()!, '--to', today.plus({ days: 1 }).toISODate()!];
  };
  const most = (buckets: unknown, metric: string) => Math.max(...(buckets as Bucket[]).map((b) => Number(b[metric])));

  test('prints the account, the key and commands whose reports have numbers', async () => {
    expect(accountId).toBe('demo-001');
    const commands = printed.split('\n').filter((line) => line.trim().startsWith('npx ledger report'));
    expect(commands.length).toBeGreaterThanOrEqual(2);
    for (const command of commands) {
      const out = captureOutput();
      expect(await runCli(command.trim().split(/\s+/).slice(2), out, env)).toBe(0);
      const { buckets, series } = JSON.parse(out.out()) as { buckets?: Bucket[]; series?: { buckets: Bucket[] }[] };
      const all = buckets ?? series!.flatMap((s) => s.buckets);
      expect(all.some((b) => Object.entries(b).some(([metric, value]) => metric !== 'start' && metric !== 'end' && Number(value) > 0))).toBe(true);
    }
  }, 300_000);

  test('every report of SPEC §4 has non-zero numbers for the demo account', async () => {
    const seatHistory = await report('seat-history', '--product', 'KSE', ...window(), '--interval', 'month');
    for (const metric of ['purchased', 'assigned', 'activated']) expect(most(seatHistory.buckets, metric)).toBeGreaterThan(0);

    const assignments = await report('assignments', '--product', 'KSE');
    expect(assignments.total).toBeGreaterThan(0);
    expect((assignments.rows as { lastActiveUse: string | null }[]).some((row) => row.lastActiveUse !== null)).toBe(true);

    const seatUsage = await report('seat-usage', '--product', 'KSE', ...window(), '--interval', 'week');
    for (const metric of ['activeUsers', 'peakDailyActive', 'assigned']) expect(most(seatUsage.buckets, metric)).toBeGreaterThan(0);

    expect((await report('sessions', '--product', 'KRE')).total).toBeGreaterThan(0);
    expect((await report('sessions', '--product', 'TC_DESKTOP')).total).toBeGreaterThan(0);

    const sessionUsage = await report('session-usage', '--product', 'KRE', ...window(), '--interval', 'week');
    for (const metric of ['availableSessions', 'peakUsage', 'averagePeak']) expect(most(sessionUsage.buckets, metric)).toBeGreaterThan(0);

    const autUsage = await report('aut-usage', '--product', 'TRUETEST', ...window(), '--interval', 'week');
    for (const metric of ['purchased', 'peakActiveApplications']) expect(most(autUsage.buckets, metric)).toBeGreaterThan(0);

    const out = captureOutput();
    expect(await runCli(['licenses', '--account', accountId], out, env)).toBe(0);
    const { products } = JSON.parse(out.out()) as {
      products: { product: string; purchased: number; scopes: { used: number }[]; offlineLicenses: unknown[]; machines: unknown[] }[];
    };
    const kse = products.find((p) => p.product === 'KSE')!;
    expect(kse.purchased).toBeGreaterThan(0);
    expect(kse.scopes.length).toBeGreaterThan(1);
    expect(kse.scopes.some((scope) => scope.used > 0)).toBe(true);
    expect(products.some((p) => p.offlineLicenses.length > 0)).toBe(true);
    expect(products.some((p) => p.machines.length > 0)).toBe(true);
  }, 300_000);

  test('the printed key and curl commands work against the API; a second run finds the account and makes another key', async () => {
    const again = captureOutput();
    expect(await runCli(['demo', '--commands', '6000'], again, env)).toBe(0);
    expect(again.err()).toContain('account demo-001 exists already');
    const secondToken = /^API key \(account-admin, shown only now\): (llk_\S+)$/m.exec(again.out())![1];
    expect(secondToken).not.toBe(token);

    const app: NestExpressApplication = await createApp(loadConfig(env), { logger: false, runProjections: false });
    try {
      await app.listen(0, '127.0.0.1');
      const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
      const curls = printed.split('\n').filter((line) => line.trim().startsWith('curl'));
      expect(curls.length).toBeGreaterThanOrEqual(2);
      for (const curl of curls) {
        const [, header, url] = /-H "([^"]+)" "([^"]+)"/.exec(curl)!;
        const [name, value] = header.split(': ');
        const response = await fetch(url.replace('http://localhost:3000', base), { headers: { [name]: value } });
        expect(response.status).toBe(200);
      }
      const other = await fetch(`${base}/v1/accounts/${accountId}/licenses`, { headers: { authorization: `Bearer ${secondToken}` } });
      expect(other.status).toBe(200);
    } finally {
      await app.close();
    }
  }, 300_000);

  test('bad flags are usage errors (exit 2) naming the flag', async () => {
    const out = captureOutput();
    expect(await runCli(['demo', '--accounts', '0'], out, env)).toBe(2);
    expect(out.err()).toContain("--accounts must be a whole number from 1 to 20, got '0'");
  });
});
