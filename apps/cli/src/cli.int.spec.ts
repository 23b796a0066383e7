import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { query } from '../../../libs/database/src/testing/query.js';
import { freshTestSchema, TEST_DATABASE_URL } from '../../../libs/database/src/testing/test-postgres.js';
import { runCli } from './cli.js';
import { captureOutput as capture } from '../../../test/support/capture-output.js';

describe('ledger CLI usage', () => {
  it('prints help with exit 0: every command, the environment and the exit codes', async () => {
    for (const argv of [['help'], ['--help'], []]) {
      const out = capture();
      expect(await runCli(argv, out)).toBe(0);
      expect(out.out()).toMatch(/^Usage: ledger \[options\] \[command\]/);
      for (const command of ['serve', 'import', 'report', 'licenses', 'explain', 'events', 'verify', 'projections', 'keys', 'demo']) {
        expect(out.out()).toMatch(new RegExp(`^  ${command} .* {2,}\\S`, 'm'));
      }
      expect(out.out()).toContain('import [options] <FILE.ndjson>');
      expect(out.out()).toContain('3  an import applied, but the ledger rejected some of its commands');
    }
  });

  it('help COMMAND and COMMAND --help list every option with its meaning', async () => {
    const viaHelp = capture();
    expect(await runCli(['help', 'report'], viaHelp)).toBe(0);
    const viaFlag = capture();
    expect(await runCli(['report', '--help'], viaFlag)).toBe(0);
    expect(viaFlag.out()).toBe(viaHelp.out());
    for (const option of [
      '--account <id>',
      '--product <code>',
      '--org <id>',
      '--from <date>',
      '--to <date>',
      '--interval <interval>',
      '--group-by <org>',
      '--q <text>',
      '--license-source <source>',
      '--status <status>',
      '--sort <column>',
      '--page <n>',
      '--page-size <n>',
      '--as-of <instant>',
      '--format <format>',
    ]) {
      expect(viaHelp.out()).toMatch(new RegExp(`^  ${option.replace(/[<>]/g, '.')} +\\S`, 'm'));
    }
    const keys = capture();
    expect(await runCli(['keys', 'create', '--help'], keys)).toBe(0);
    expect(keys.out()).toMatch(/--role <role> +what the key may do \(required\) \(choices: "account-admin",\s+"auditor", "ingest", "operator"\)/);
  });

  it('--version prints the package version', async () => {
    const out = capture();
    expect(await runCli(['--version'], out)).toBe(0);
    expect(out.out()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it.each([
    [['frobnicate'], "ledger: unknown command 'frobnicate'\n"],
    [['reprot'], "ledger: unknown command 'reprot' (Did you mean report?)\n"],
    [['import'], "ledger import: missing required argument 'FILE.ndjson'\n"],
    [['import', 'a.ndjson', 'b.ndjson'], "ledger import: too many arguments for 'import'. Expected 1 argument but got 2.\n"],
    [['serve', '--port', '80'], "ledger serve: unknown option '--port'\n"],
    [['report', 'seat-history', '--account'], "ledger report: option '--account <id>' argument missing\n"],
  ])('%j is a usage error (exit 2): one line on stderr', async (argv, message) => {
    const out = capture();
    expect(await runCli(argv, out)).toBe(2);
    expect(out.err()).toBe(message);
    expect(out.out()).toBe('');
  });
});

describe('ledger import, end to end on the embedded store', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ledger-cli-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  const hoursAgo = (hours: number, minute = 0) => new Date(Date.now() - hours * 3_600_000 + minute * 60_000).toISOString();

  it('applies a file, reports the rejected line and exits 3; a malformed file changes nothing (exit 2)', async () => {
    const commands = [
      { type: 'OpenAccount', name: 'Acme', timezone: 'America/New_York', at: hoursAgo(2) },
      { type: 'CreateOrganization', orgId: 'qa', name: 'QA', at: hoursAgo(2, 1) },
      { type: 'RegisterUser', userId: 'u1', email: 'u1@acme.example', fullName: 'User One', orgId: 'qa', at: hoursAgo(2, 2) },
      { type: 'RegisterUser', userId: 'u2', email: 'u2@acme.example', fullName: 'User Two', orgId: 'qa', at: hoursAgo(2, 3) },
      {
        type: 'PurchaseLicenses',
        purchaseId: 'p1',
        product: 'KSE',
        quantity: 1,
        startsAt: hoursAgo(24),
        expiresAt: hoursAgo(-24 * 365),
        at: hoursAgo(2, 4),
      },
      { type: 'AssignSeat', product: 'KSE', userId: 'u1', at: hoursAgo(2, 5) },
      { type: 'AssignSeat', product: 'KSE', userId: 'u2', at: hoursAgo(2, 6) },
    ].map((c) => JSON.stringify({ accountId: 'acme', ...c }));
    const file = join(dataDir, 'history.ndjson');
    await writeFile(file, `${commands.join('\n')}\n`);
    const env = { LEDGER_DATA_DIR: dataDir };

    const applied = capture();
    expect(await runCli(['import', file], applied, env)).toBe(3);
    const lastLine = applied.out().trimEnd().split('\n').pop() ?? '';
    expect(JSON.parse(lastLine)).toEqual({
      accepted: 6,
      rejected: 1,
      errors: [{ line: 7, code: 'LICENSE_QUOTA_EXCEEDED', message: 'The number of the licenses cannot exceed the license quota' }],
    });

    const malformedFile = join(dataDir, 'malformed.ndjson');
    await writeFile(
      malformedFile,
      [
        JSON.stringify({ type: 'UnassignSeat', accountId: 'acme', product: 'KSE', userId: 'u1' }),
        JSON.stringify({ type: 'AssignSeat', accountId: 'acme', product: 'KSE' }),
      ].join('\n'),
    );
    const malformed = capture();
    expect(await runCli(['import', malformedFile], malformed, env)).toBe(2);
    expect(malformed.err()).toContain('line 2: userId is required');

    // u1 still holds the only seat: the UnassignSeat of the malformed file was not applied.
    const again = capture();
    await writeFile(file, JSON.stringify({ type: 'AssignSeat', accountId: 'acme', product: 'KSE', userId: 'u1' }));
    expect(await runCli(['import', file], again, env)).toBe(3);
    expect(JSON.parse(again.out())).toMatchObject({ errors: [{ line: 1, code: 'ALREADY_ASSIGNED' }] });
    // Three imports, each opening the embedded store and waiting for every projection: minutes on a busy machine.
  }, 180_000);
});

describe('ledger import on PostgreSQL', () => {
  const schema = freshTestSchema('cli_import_analyze');
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-cli-pg-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await schema.drop();
  });

  it('leaves the events and streams tables with fresh planner statistics (ANALYZE), whether autovacuum runs or not', async () => {
    const at = new Date(Date.now() - 3_600_000).toISOString();
    const file = join(dir, 'history.ndjson');
    await writeFile(
      file,
      [
        { type: 'OpenAccount', name: 'Acme', timezone: 'Europe/Paris', at },
        { type: 'CreateOrganization', orgId: 'qa', name: 'QA', at },
        ...Array.from({ length: 50 }, (_, i) => ({
          type: 'RegisterUser',
          userId: `u${i}`,
          email: `u${i}@acme.example`,
          fullName: `User ${i}`,
          orgId: 'qa',
          at,
        })),
      ]
        .map((c) => JSON.stringify({ accountId: 'acme', ...c }))
        .join('\n'),
    );
    const env = { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema.schema };

    const out = capture();
    expect(await runCli(['import', file, '--no-wait'], out, env)).toBe(0);

    const db = await schema.open();
    try {
      // The statistics views are written by the analyzing backend when it goes idle: wait for them briefly.
      let analyzed: { relname: string; last_analyze: Date | null; n_live_tup: string }[] = [];
      for (let tries = 0; tries < 50; tries++) {
        analyzed = await query(
          db,
          `SELECT relname, last_analyze, n_live_tup::text FROM pg_stat_user_tables
          WHERE schemaname = $1 AND relname IN ('events', 'streams') ORDER BY relname`,
          [schema.schema],
        );
        if (analyzed.every((row) => row.last_analyze !== null)) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(analyzed.map((row) => row.relname)).toEqual(['events', 'streams']);
      for (const row of analyzed) expect(row.last_analyze).not.toBeNull();
      // What the planner now knows (-1, "never analyzed", before): the rows the import appended.
      const [{ reltuples, events }] = await query<{ reltuples: number; events: number }>(
        db,
        `SELECT reltuples,
        (SELECT count(*)::int FROM events) AS events FROM pg_class WHERE relname = 'events' AND relnamespace = $1::regnamespace`,
        [schema.schema],
      );
      expect(events).toBeGreaterThanOrEqual(52);
      expect(reltuples).toBe(events);
    } finally {
      await db.close();
    }
  }, 120_000);
});
