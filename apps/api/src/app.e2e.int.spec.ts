import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKeyStore } from '../../../libs/auth/src/api-keys.js';
import { loadConfig } from '../../../libs/platform/src/config.js';
import { createApp } from './create-app.js';

describe('HTTP API, end to end on the embedded store', () => {
  let dataDir: string;
  let app: NestExpressApplication;
  let url: string;
  let authorization: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ledger-api-'));
    app = await createApp(loadConfig({ LEDGER_DATA_DIR: dataDir }), { logger: false });
    authorization = `Bearer ${(await app.get(ApiKeyStore).create({ accountId: 'acme', role: 'account-admin' })).token}`;
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${url}/v1/accounts/acme${path}`, {
      method,
      headers: { authorization, ...(body === undefined ? headers : { 'content-type': 'application/json', ...headers }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('records commands through the ledger and answers with their outcome or rule violation', async () => {
    expect((await call('PUT', '', { name: 'Acme', timezone: 'Europe/Berlin', at: at(60) })).status).toBe(201);
    expect((await call('POST', '/organizations', { orgId: 'qa', name: 'QA', at: at(59) })).status).toBe(201);
    expect((await call('POST', '/users', { userId: 'u1', email: 'u1@acme.example', fullName: 'User One', orgId: 'qa', at: at(58) })).status).toBe(
      201,
    );
    const purchase = { purchaseId: 'p1', product: 'KSE', quantity: 1, startsAt: at(600), expiresAt: at(-600_000), at: at(57) };
    expect((await call('POST', '/purchases', purchase)).status).toBe(201);

    const assigned = await call('POST', '/assignments', { product: 'KSE', userId: 'u1', at: at(56) }, { 'idempotency-key': 'assign-u1' });
    expect(assigned.status).toBe(201);
    expect(assigned.body).toMatchObject({ type: 'AssignSeat', accountId: 'acme', commandId: 'assign-u1', duplicate: false });
    expect(assigned.body.events).toEqual([expect.objectContaining({ type: 'SeatAssigned' })]);

    const repeated = await call('POST', '/assignments', { product: 'KSE', userId: 'u1', at: at(56) }, { 'idempotency-key': 'assign-u1' });
    expect(repeated).toMatchObject({ status: 200, body: { duplicate: true, commandId: 'assign-u1' } });

    expect(await call('POST', '/assignments', { product: 'KSE', userId: 'u1' })).toMatchObject({
      status: 409,
      body: { code: 'ALREADY_ASSIGNED' },
    });
    expect(await call('DELETE', '/offline-licenses/KSE/m1')).toMatchObject({ status: 409, body: { code: 'OFFLINE_LICENSE_IRREVOCABLE' } });
    expect(await call('POST', '/users/nobody/move', { orgId: 'qa' })).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
  });

  it('imports NDJSON through the same ledger', async () => {
    const lines = [
      { type: 'RegisterUser', accountId: 'acme', userId: 'u2', email: 'u2@acme.example', fullName: 'User Two', orgId: 'qa' },
      { type: 'AssignSeat', accountId: 'acme', product: 'KSE', userId: 'u2' },
    ]
      .map((line) => JSON.stringify(line))
      .join('\n');
    const response = await fetch(`${url}/v1/import`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-ndjson' },
      body: lines,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      accepted: 1,
      rejected: 1,
      errors: [{ line: 2, code: 'LICENSE_QUOTA_EXCEEDED', message: 'The number of the licenses cannot exceed the license quota' }],
    });
  });
});
