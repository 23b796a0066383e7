import { resolve } from 'node:path';
import pg from 'pg';
import { runCli } from '../../apps/cli/src/cli.js';
import { freshTestSchema, TEST_DATABASE_URL, type TestSchema } from '../../libs/database/src/testing/test-postgres.js';
import { captureOutput } from '../support/capture-output.js';

/** `ledger verify` on PostgreSQL: the SPEC §7 history imported, then a projected row tampered with. */
const EXAMPLE = resolve('../shared/examples/spec-7-worked-example.ndjson');

describe('ledger verify on PostgreSQL', () => {
  let schema: TestSchema;
  let env: NodeJS.ProcessEnv;
  let sql: pg.Client;

  beforeAll(async () => {
    schema = freshTestSchema('verify');
    env = { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema.schema };
    const output = captureOutput();
    // 37 lines applied, 2 rejected by the rules (exit 3), as SPEC §7 states.
    expect(await runCli(['import', EXAMPLE], output, env)).toBe(3);
    sql = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await sql.connect();
  });

  afterAll(async () => {
    await sql?.end();
    await schema?.drop();
  });

  async function verify(...args: string[]) {
    const output = captureOutput();
    const code = await runCli(['verify', ...args], output, env);
    return { code, out: output.out(), err: output.err() };
  }

  /** The schema of the active generation of a projection (docs/projections.md). */
  async function activeSchema(projection: string): Promise<string> {
    const { rows } = await sql.query<{ generation: number }>(
      `SELECT generation FROM "${schema.schema}".ledger_projections WHERE name = $1 AND status = 'active'`,
      [projection],
    );
    return `${schema.schema}_rm_${projection.replaceAll('-', '_')}_g${rows[0]!.generation}`;
  }

  test('after the import every report equals its recomputation from the events: exit 0', async () => {
    const { code, out, err } = await verify('--account', 'acme');
    expect({ code, out }).toEqual({ code: 0, out: expect.stringMatching(/^verify acme: \d+ report bodies compared, no drift\n$/) });
    expect(err).toContain('seat-usage KSE day');
    expect(err).toContain('session-usage KRE month groupBy=org');
  });

  test('an unknown account is NOT_FOUND: exit 1 with a clear message', async () => {
    const { code, err } = await verify('--account', 'nobody');
    expect(code).toBe(1);
    expect(err).toContain("NOT_FOUND: account 'nobody' does not exist");
  });

  test('bad flags: exit 2 with the usage', async () => {
    expect((await verify()).code).toBe(2);
    expect((await verify('--account', 'acme', '--format', 'xml')).err).toContain(
      "option '--format <format>' argument 'xml' is invalid. Allowed choices are text, json.",
    );
  });

  test('a projected row deleted: exit 1, and the diff names the report, the bucket and both numbers', async () => {
    // u2's login at 2026-01-07T04:30Z is on the local day 2026-01-06 (New York).
    const seatUsage = await activeSchema('seat-usage');
    const deleted = await sql.query(
      `DELETE FROM "${seatUsage}".activity_days WHERE account_id = 'acme' AND product = 'KSE' AND local_date = '2026-01-06' AND user_id = 'u2'`,
    );
    expect(deleted.rowCount).toBe(1);
    const { code, out } = await verify('--account', 'acme');
    expect(code).toBe(1);
    expect(out).toContain('seat-usage KSE day 2026-01-06: activeUsers projected 0, from events 1');
    expect(out).toContain('seat-usage KSE month 2026-01: activeUsers projected 1, from events 2');
    expect(out).toMatch(/^verify acme: \d+ report bodies compared, \d+ differences$/m);

    const json = await verify('--account', 'acme', '--format', 'json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out).differences).toContainEqual({
      report: 'seat-usage',
      request: 'seat-usage KSE day',
      text: '2026-01-06: activeUsers projected 0, from events 1',
    });
  });

  test('a session row deleted from the sessions table: the diff names the missing row', async () => {
    const sessions = await activeSchema('sessions');
    await sql.query(`DELETE FROM "${sessions}".sessions WHERE account_id = 'acme' AND session_id = 's2'`);
    const { code, out } = await verify('--account', 'acme');
    expect(code).toBe(1);
    expect(out).toContain('sessions KRE row s2 is missing from the projection');
  });

  test("a dedication changed in the license overview's tables: the diff names the scope and the figure", async () => {
    const licenses = await activeSchema('licenses');
    const changed = await sql.query(
      `UPDATE "${licenses}".dedications SET quantity = 2 WHERE account_id = 'acme' AND product = 'KSE' AND org_id = 'mobile'`,
    );
    expect(changed.rowCount).toBe(1);
    const { code, out } = await verify('--account', 'acme');
    expect(code).toBe(1);
    expect(out).toContain('licenses KSE mobile: dedicated projected 2, from events 1');
    expect(out).toContain('licenses KSE qa: available projected 0, from events 1');
  });
});
