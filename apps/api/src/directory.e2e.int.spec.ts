import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKeyStore } from '../../../libs/auth/src/api-keys.js';
import type { AccountDirectory, KeyInfo, UsersPage } from '../../../libs/contracts/src/index.js';
import { loadConfig } from '../../../libs/platform/src/config.js';
import { spec7Ndjson } from '../../../test/support/spec-7-example.js';
import { createApp } from './create-app.js';

/** `GET /v1/me`, `GET /v1/accounts/{id}` and `…/users`: what a client (the web console) asks before any report. */
describe('the key, the account directory and its users (SPEC §7 example, embedded store)', () => {
  let dataDir: string;
  let app: NestExpressApplication;
  let url: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ledger-directory-'));
    app = await createApp(loadConfig({ LEDGER_DATA_DIR: dataDir }), { logger: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const keys = app.get(ApiKeyStore);
    for (const role of ['account-admin', 'auditor', 'ingest'] as const) tokens[role] = (await keys.create({ role, accountId: 'acme' })).token;
    tokens.operator = (await keys.create({ role: 'operator' })).token;
    const example = spec7Ndjson();
    const imported = await fetch(`${url}/v1/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens['account-admin']}`, 'content-type': 'application/x-ndjson' },
      body: example,
    });
    expect(imported.status).toBe(200);
    // The directory is read from the licenses projection: wait until it has folded the example.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const answer = await get('/v1/accounts/acme');
      if (
        answer.status === 200 &&
        (answer.body as AccountDirectory).organizations.length === 2 &&
        (answer.body as AccountDirectory).products.some((p) => p.product === 'KRE' && p.purchased)
      )
        break;
      if (Date.now() > deadline) throw new Error(`the directory did not show the example: ${JSON.stringify(answer)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(async () => {
    await app?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function get(path: string, role = 'account-admin'): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${tokens[role]}` } });
    return { status: response.status, body: await response.json() };
  }

  it('GET /v1/me tells each key its role, account and what it may do', async () => {
    const admin = (await get('/v1/me')).body as KeyInfo;
    expect(admin).toMatchObject({
      role: 'account-admin',
      accountId: 'acme',
      can: { readReports: true, manageAccount: true, sendTelemetry: true, operate: false },
    });
    expect(admin.keyId).toMatch(/^[0-9a-f]+$/);
    expect(((await get('/v1/me', 'auditor')).body as KeyInfo).can).toEqual({
      readReports: true,
      manageAccount: false,
      sendTelemetry: false,
      operate: false,
    });
    expect(((await get('/v1/me', 'ingest')).body as KeyInfo).can).toEqual({
      readReports: false,
      manageAccount: false,
      sendTelemetry: true,
      operate: false,
    });
    expect((await get('/v1/me', 'operator')).body).toMatchObject({ role: 'operator', accountId: null, can: { readReports: false, operate: true } });
    expect((await fetch(`${url}/v1/me`)).status).toBe(401);
  });

  it('GET /v1/accounts/{id}: the zone, the tree (parents first, with paths) and every product, purchased or not', async () => {
    const { status, body } = await get('/v1/accounts/acme', 'auditor');
    expect(status).toBe(200);
    const directory = body as AccountDirectory;
    expect(directory).toMatchObject({ accountId: 'acme', name: 'Acme', timezone: 'America/New_York' });
    expect(directory.organizations).toEqual([
      { orgId: 'qa', name: 'QA', parentOrgId: null, path: 'QA' },
      { orgId: 'mobile', name: 'Mobile', parentOrgId: 'qa', path: 'QA / Mobile' },
    ]);
    expect(directory.products.map((p) => `${p.product}:${p.model}:${p.purchased}`)).toEqual([
      'KSE:seat:true',
      'TESTOPS:seat:false',
      'KAM:seat:false',
      'KRE:session:true',
      'TC_DESKTOP:session:false',
      'TC_DESKTOP_MOBILE:session:false',
      'TC_MOBILE_NATIVE:session:false',
      'TRUETEST:aut:false',
    ]);
    expect(directory.products[0]!.name).toBe('Katalon Studio Enterprise');
    expect(directory.asOfPosition).toMatch(/^\d+\/\d+$/);
    expect(await get('/v1/accounts/acme', 'ingest')).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
  });

  it('an unknown account is NOT_FOUND', async () => {
    const ghost = await app.get(ApiKeyStore).create({ role: 'auditor', accountId: 'ghost' });
    const response = await fetch(`${url}/v1/accounts/ghost`, { headers: { authorization: `Bearer ${ghost.token}` } });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'NOT_FOUND', detail: "account 'ghost' does not exist" });
  });

  it('GET …/users finds users by part of the name, email or id, within an organization subtree, by name', async () => {
    const all = (await get('/v1/accounts/acme/users')).body as UsersPage;
    expect(all.total).toBe(3);
    expect(all.users.map((u) => u.userId)).toEqual(['u1', 'u3', 'u2']);
    expect(all.users[0]).toEqual({ userId: 'u1', name: 'User One', email: 'u1@acme.example', orgId: 'qa', organization: 'QA' });
    expect(((await get('/v1/accounts/acme/users?q=TWO')).body as UsersPage).users.map((u) => u.userId)).toEqual(['u2']);
    expect(((await get('/v1/accounts/acme/users?q=u3%40')).body as UsersPage).users.map((u) => u.userId)).toEqual(['u3']);
    expect((await get('/v1/accounts/acme/users?orgId=mobile&limit=1')).body as UsersPage).toMatchObject({ total: 2, users: [{ userId: 'u3' }] });
    expect(await get('/v1/accounts/acme/users?limit=0')).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED', errors: [{ path: 'limit' }] },
    });
    expect(await get('/v1/accounts/acme/users?orgId=nowhere')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
  });
});
