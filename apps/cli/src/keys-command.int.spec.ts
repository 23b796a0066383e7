import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../api/src/create-app.js';
import { loadConfig } from '../../../libs/platform/src/config.js';
import { openDatabase } from '../../../libs/database/src/database.js';
import { captureOutput as capture } from '../../../test/support/capture-output.js';
import { runCli } from './cli.js';
import { query } from '../../../libs/database/src/testing/query.js';

const TOKEN = /^llk_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$/;

describe('ledger keys, end to end on the embedded store', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ledger-keys-'));
    env = { LEDGER_DATA_DIR: dataDir };
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  async function cli(...argv: string[]) {
    const out = capture();
    const code = await runCli(['keys', ...argv], out, env);
    return { code, out: out.out(), err: out.err(), lastLine: out.lastLine() };
  }

  /** Starts the API on the data dir, sends one request with `token`, stops it (embedded: one process at a time). */
  async function statusWith(token: string): Promise<number> {
    const app = await createApp(loadConfig(env), { logger: false, runProjections: false });
    try {
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/v1/accounts/acme`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Acme' }),
      });
      return response.status;
    } finally {
      await app.close();
    }
  }

  it('create prints the token alone on its last line; the API accepts it; revoke ends it', async () => {
    const created = await cli('create', '--account', 'acme', '--role', 'account-admin');
    expect(created).toMatchObject({ code: 0, err: '' });
    expect(created.lastLine).toMatch(TOKEN);
    const token = created.lastLine;
    const keyId = TOKEN.exec(token)![1];
    expect(created.out).toContain(`Created account-admin key ${keyId} for account acme.`);

    expect(await statusWith(token)).toBe(201);

    const revoked = await cli('revoke', keyId);
    expect(revoked).toMatchObject({ code: 0 });
    expect(revoked.out).toMatch(new RegExp(`^Revoked key ${keyId} \\(account-admin, account acme\\) at \\d{4}-`));
    expect(await statusWith(token)).toBe(401);
  });

  it('revokes by token too; an unknown key → exit 1', async () => {
    const { lastLine: token } = await cli('create', '--account', 'acme', '--role', 'auditor');
    expect((await cli('revoke', token)).code).toBe(0);
    expect(await cli('revoke', '0000000000000000')).toMatchObject({ code: 1, err: 'ledger keys revoke: no such API key\n' });
  });

  it('creates a global operator key without --account; any other role needs one (exit 2)', async () => {
    const operator = await cli('create', '--role', 'operator');
    expect(operator.code).toBe(0);
    expect(operator.lastLine).toMatch(TOKEN);
    expect(operator.out).toContain('(global)');

    const noAccount = await cli('create', '--role', 'account-admin');
    expect(noAccount.code).toBe(2);
    expect(noAccount.err).toContain(
      'an account-admin key belongs to one account: give the account (without one, only an operator key can be created)',
    );
    expect(noAccount.out).toBe('');
    expect((await cli('create', '--account', 'acme', '--role', 'operator')).err).toContain('global: it takes no account');
    expect((await cli('create', '--account', 'acme', '--role', 'root')).err).toContain(
      "argument 'root' is invalid. Allowed choices are account-admin, auditor, ingest, operator.",
    );
  });

  it('list shows the keys, never a secret; --account narrows it', async () => {
    const { lastLine: token } = await cli('create', '--account', 'globex', '--role', 'ingest');
    const keyId = TOKEN.exec(token)![1];
    const all = await cli('list');
    expect(all.code).toBe(0);
    expect(all.out.split('\n')[0]).toMatch(/^KEY ID\s+ACCOUNT\s+ROLE\s+CREATED\s+REVOKED$/);
    expect(all.out).toContain(keyId);
    expect(all.out).toMatch(/\(global\)\s+operator/);
    expect(all.out).not.toContain('llk_');
    expect(all.out).not.toContain(token.split('_').slice(2).join('_'));

    const globex = await cli('list', '--account', 'globex');
    expect(globex.out.trimEnd().split('\n')).toHaveLength(2);
    expect(globex.out).toMatch(new RegExp(`^${keyId}\\s+globex\\s+ingest\\s+\\S+\\s+-$`, 'm'));
  });

  it('stores only hashes in ledger_api_keys', async () => {
    const { lastLine: token } = await cli('create', '--account', 'acme', '--role', 'account-admin');
    const db = await openDatabase({ dataDir });
    try {
      const dump = JSON.stringify(await query(db, 'SELECT * FROM ledger_api_keys'));
      expect(dump).not.toContain(token);
      expect(dump).not.toContain(token.slice(22));
    } finally {
      await db.close();
    }
  });

  it.each([
    [[], 'Usage: ledger keys [options] [command]'],
    [['frob'], "ledger keys: unknown command 'frob'"],
    [['create', '--account', 'acme'], "ledger keys create: required option '--role <role>' not specified"],
    [['revoke'], "ledger keys revoke: missing required argument 'KEY'"],
    [['revoke', 'a', 'b'], "ledger keys revoke: too many arguments for 'revoke'. Expected 1 argument but got 2."],
    [['list', '--role', 'auditor'], "ledger keys list: unknown option '--role'"],
    [['create', '--role', 'operator', '--force'], "ledger keys create: unknown option '--force'"],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const result = await cli(...argv);
    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
  });
});
