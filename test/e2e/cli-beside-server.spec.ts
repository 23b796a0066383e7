import { existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { resolve } from 'node:path';
import { SOCKET_FILE } from '../../apps/cli/src/beside-server.js';
import { PROCESS_TEST_TIMEOUT_MS, runLedger, scratchDirectory, startLedger } from '../fault/support/ledger-process.js';
import { call, freePort, startServer, type LedgerServer } from '../fault/support/ledger-server.js';

/**
 * SPEC §6: embedded mode is single-process, yet while `ledger serve` holds the data dir the other
 * commands work, through the server, with the output and exit codes they have when run directly.
 * Real processes of the built CLI (`npm test` builds first).
 */
const EXAMPLE = resolve('../shared/examples/spec-7-worked-example.ndjson');
const SEAT_HISTORY = [
  'report',
  'seat-history',
  '--account',
  'acme',
  '--product',
  'KSE',
  '--from',
  '2026-01-01',
  '--to',
  '2026-02-28',
  '--interval',
  'month',
];

describe('ledger commands beside a running embedded server', () => {
  let dir: Awaited<ReturnType<typeof scratchDirectory>>;
  let env: NodeJS.ProcessEnv;
  let server: LedgerServer | undefined;

  beforeAll(async () => {
    dir = await scratchDirectory('beside');
    env = { PATH: process.env.PATH, LEDGER_DATA_DIR: dir.file('data') };
  });
  afterAll(async () => {
    await server?.stop();
    await dir.remove();
  });

  test(
    'import, report, licenses, events, explain, verify, keys and projections go through the server; a second serve is refused',
    async () => {
      server = await startServer(env);
      const socket = dir.file(`data/${SOCKET_FILE}`);
      expect(statSync(socket).mode & 0o777).toBe(0o600);

      const imported = await runLedger(['import', EXAMPLE], env);
      expect(imported.code).toBe(3);
      expect(JSON.parse(imported.stdout.trimEnd().split('\n').at(-1)!)).toMatchObject({ accepted: 37, rejected: 2 });
      expect(imported.stderr).toContain('line 11: LICENSE_QUOTA_EXCEEDED');

      const report = await runLedger(SEAT_HISTORY, env);
      expect(report).toMatchObject({ code: 0, stderr: '' });
      const body = JSON.parse(report.stdout);
      expect(body.buckets.map((b: Record<string, number>) => [b.purchased, b.assigned, b.activated])).toEqual([
        [5, 2, 2],
        [5, 2, 1],
      ]);

      // The same body as the HTTP route, with a key created through the server.
      const created = await runLedger(['keys', 'create', '--account', 'acme', '--role', 'auditor'], env);
      expect(created.code).toBe(0);
      const token = created.stdout.trim().split('\n').at(-1)!;
      const query = 'product=KSE&from=2026-01-01&to=2026-02-28&interval=month';
      expect((await call(server.url, token, 'GET', `/v1/accounts/acme/reports/seat-history?${query}`)).body).toEqual(body);

      // Errors: the same lines and exit codes as a direct run.
      expect(await runLedger([...SEAT_HISTORY, '--interval', 'year'], env)).toMatchObject({
        code: 2,
        stdout: '',
        stderr: expect.stringContaining('  --interval: must be one of hour, day, week, month'),
      });
      expect(await runLedger(['licenses', '--account', 'nobody'], env)).toMatchObject({
        code: 1,
        stderr: expect.stringContaining("NOT_FOUND: account 'nobody' does not exist"),
      });

      const events = await runLedger(['events', '--account', 'acme', '--type', 'SeatAssigned', '--limit', '1'], env);
      expect(events.code).toBe(0);
      expect(JSON.parse(events.stdout).events[0].metadata).toMatchObject({ actor: 'cli' });

      const explain = await runLedger(
        ['explain', 'licenses', '--account', 'acme', '--product', 'KSE', '--scope', 'qa', '--metric', 'available'],
        env,
      );
      expect(explain.code).toBe(0);
      expect(JSON.parse(explain.stdout)).toMatchObject({ scope: 'qa', metric: 'available' });
      expect((await runLedger(['licenses', '--account', 'acme', '--product', 'KSE'], env)).code).toBe(0);
      expect(await runLedger(['verify', '--account', 'acme'], env)).toMatchObject({ code: 0 });
      expect((await runLedger(['keys', 'list', '--account', 'acme'], env)).stdout).toMatch(/^KEY ID +ACCOUNT +ROLE/);
      expect((await runLedger(['projections', 'status', '--format', 'json'], env)).code).toBe(0);

      const second = await runLedger(['serve'], { ...env, PORT: String(await freePort()) });
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(
        new RegExp(`is in use by process ${server.process.child.pid} on host \\S+ \\(since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\)`),
      );

      await server.stop();
      server = undefined;
      expect(existsSync(socket)).toBe(false);
      // The server gone, the same command opens the store itself and answers the same body.
      const direct = await runLedger(SEAT_HISTORY, env);
      expect(direct.code).toBe(0);
      expect(JSON.parse(direct.stdout)).toEqual(body);
      // About fifteen ledger processes one after the other: twice the time limit of one process test.
    },
    2 * PROCESS_TEST_TIMEOUT_MS,
  );

  test(
    'serve on a port in use exits non-zero at once, naming the port, and releases the data dir',
    async () => {
      const taken: Server = createServer();
      const port = await freePort();
      await new Promise<void>((done) => taken.listen(port, done));
      try {
        // It ends by itself (a server that kept running would hold the test until its time limit).
        const serve = startLedger(['serve'], { ...env, LEDGER_DATA_DIR: dir.file('port'), PORT: String(port) });
        const { code, signal } = await serve.exited;
        expect({ code, signal }).toEqual({ code: 1, signal: null });
        expect(serve.stderr()).toContain(`ledger serve: port ${port} is in use by another program; set PORT to a free one`);
        expect(existsSync(dir.file('port/ledger.lock'))).toBe(false);
        expect((await runLedger(['keys', 'list'], { ...env, LEDGER_DATA_DIR: dir.file('port') })).code).toBe(0);
      } finally {
        await new Promise((done) => taken.close(done));
      }
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
