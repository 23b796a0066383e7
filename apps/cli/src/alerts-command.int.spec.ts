import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureOutput } from '../../../test/support/capture-output.js';
import { runCli } from './cli.js';

/** `ledger alerts …` and `ledger webhooks …`, end to end on the embedded store. */
describe('ledger alerts and ledger webhooks', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();

  async function cli(...argv: string[]) {
    const out = captureOutput();
    const code = await runCli(argv, out, env);
    return { code, out: out.out(), err: out.err() };
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ledger-alerts-cli-'));
    env = { LEDGER_DATA_DIR: dataDir, WEBHOOK_ALLOW_HTTP: '1', WEBHOOK_ALLOW_PRIVATE: '1' };
    const setup: Record<string, unknown>[] = [
      { type: 'OpenAccount', accountId: 'acme', name: 'Acme', at: at(120) },
      { type: 'CreateOrganization', accountId: 'acme', orgId: 'qa', name: 'QA', at: at(119) },
      { type: 'RegisterUser', accountId: 'acme', userId: 'u1', email: 'u1@acme.example', fullName: 'U1', orgId: 'qa', at: at(119) },
      {
        type: 'PurchaseLicenses',
        accountId: 'acme',
        purchaseId: 'p1',
        product: 'KRE',
        quantity: 2,
        startsAt: at(600),
        expiresAt: at(-60 * 24 * 30),
        at: at(118),
      },
    ];
    await writeFile(join(dataDir, 'setup.ndjson'), setup.map((c) => JSON.stringify(c)).join('\n'));
    expect((await cli('import', join(dataDir, 'setup.ndjson'))).code).toBe(0);
  }, 180_000);
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('create-rule sends CreateAlertRule; bad values exit 2 naming the option', async () => {
    const created = await cli(
      'alerts',
      'create-rule',
      '--account',
      'acme',
      '--rule',
      'half',
      '--kind',
      'usage-threshold',
      '--product',
      'KRE',
      '--threshold',
      '50',
      '--at',
      at(100),
    );
    expect(created.code).toBe(0);
    expect(JSON.parse(created.out)).toMatchObject({
      type: 'CreateAlertRule',
      events: [{ type: 'AlertRuleCreated', data: { ruleId: 'half', threshold: 50, windowSeconds: 0 } }],
    });

    const tooMuch = await cli(
      'alerts',
      'create-rule',
      '--account',
      'acme',
      '--rule',
      'x',
      '--kind',
      'usage-threshold',
      '--product',
      'KRE',
      '--threshold',
      '150',
    );
    expect(tooMuch.code).toBe(2);
    expect(tooMuch.err).toContain('  --threshold: must be a percentage');
    const badKind = await cli('alerts', 'create-rule', '--account', 'acme', '--rule', 'x', '--kind', 'busy', '--product', 'KRE');
    expect(badKind.code).toBe(2);
    expect(badKind.err).toContain("option '--kind <kind>' argument 'busy' is invalid");
    const duplicate = await cli('alerts', 'create-rule', '--account', 'acme', '--rule', 'half', '--kind', 'over-allocated', '--product', 'KRE');
    expect([duplicate.code, duplicate.err.split('\n')[0]]).toEqual([
      1,
      "ledger alerts create-rule: ALREADY_EXISTS: alert rule 'half' already exists",
    ]);
  });

  it('webhooks register reads the secret from a file and never prints it', async () => {
    const secretFile = join(dataDir, 'secret.txt');
    await writeFile(secretFile, 'cli-secret-value\n', { mode: 0o600 });
    const registered = await cli(
      'webhooks',
      'register',
      '--account',
      'acme',
      '--webhook',
      'ops',
      '--url',
      'http://127.0.0.1:9/hook',
      '--secret-file',
      secretFile,
      '--at',
      at(99),
    );
    expect(registered.code).toBe(0);
    expect(registered.out).not.toContain('cli-secret-value');
    expect(JSON.parse(registered.out).events[0].data).toEqual({
      webhookId: 'ops',
      url: 'http://127.0.0.1:9/hook',
      secretFingerprint: expect.stringMatching(/^hmac-sha256:/),
    });
    const missing = await cli('webhooks', 'register', '--account', 'acme', '--webhook', 'ops2', '--url', 'http://127.0.0.1:9/hook');
    expect([missing.code, missing.err]).toEqual([2, "ledger webhooks register: required option '--secret-file <path>' not specified\n"]);
    expect(await readFile(secretFile, 'utf8')).toBe('cli-secret-value\n');
  });

  it('lists rules, alerts (JSON and table), explains one, and lists the webhook and its deliveries', async () => {
    const sessions = [
      { type: 'StartSession', accountId: 'acme', product: 'KRE', sessionId: 's1', userId: 'u1', machineId: 'm1', at: at(50) },
      { type: 'EndSession', accountId: 'acme', sessionId: 's1', at: at(40) },
    ];
    await writeFile(join(dataDir, 'sessions.ndjson'), sessions.map((c) => JSON.stringify(c)).join('\n'));
    expect((await cli('import', join(dataDir, 'sessions.ndjson'))).code).toBe(0);

    const rules = await cli('alerts', 'rules', '--account', 'acme', '--format', 'table');
    expect(rules.out).toMatch(/^RULE +KIND +PRODUCT +SCOPE +THRESHOLD +WINDOW S +CREATED +REMOVED\nhalf +usage-threshold +KRE +account +50 +0 /);

    const listed = JSON.parse((await cli('alerts', 'list', '--account', 'acme')).out);
    expect(listed.alerts).toEqual([
      expect.objectContaining({ ruleId: 'half', status: 'cleared', value: 50, raisedAt: sessions[0]!.at, clearedAt: sessions[1]!.at }),
    ]);
    const table = await cli('alerts', 'list', '--account', 'acme', '--status', 'cleared', '--format', 'table');
    expect(table.out).toContain(`${listed.alerts[0].alertId}  half  usage-threshold  KRE`);

    const explained = JSON.parse((await cli('alerts', 'explain', listed.alerts[0].alertId, '--account', 'acme')).out);
    expect(explained.events.map((e: { type: string }) => e.type).sort()).toEqual(['LicensesPurchased', 'SessionStarted']);
    expect((await cli('alerts', 'show', 'al-none', '--account', 'acme')).code).toBe(1);

    expect(JSON.parse((await cli('webhooks', 'list', '--account', 'acme')).out).webhooks).toEqual([
      expect.objectContaining({ webhookId: 'ops', url: 'http://127.0.0.1:9/hook', removedAt: null }),
    ]);
    const deliveries = JSON.parse((await cli('webhooks', 'deliveries', 'ops', '--account', 'acme')).out);
    expect(deliveries.deliveries.map((d: { deliveryId: string }) => d.deliveryId).sort()).toEqual([
      `${listed.alerts[0].alertId}:AlertCleared`,
      `${listed.alerts[0].alertId}:AlertRaised`,
    ]);
    expect((await cli('webhooks', 'deliveries', 'ops', '--account', 'acme', '--status', 'lost')).code).toBe(2);
  });
});
