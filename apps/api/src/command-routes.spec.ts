import { parseToken } from '../../../libs/auth/src/api-key-token.js';
import { DomainError } from '../../../libs/domain/src/errors.js';
import { RecordingGateway } from '../../../test/support/recording-gateway.js';
import { startTestApi, type TestApi } from '../../../test/support/test-api.js';

const A = '/v1/accounts/acme';

/** Each route, a body, and the one command it must send. */
const ROUTES: [string, string, Record<string, unknown> | undefined, Record<string, unknown>][] = [
  ['PUT', A, { name: 'Acme', timezone: 'America/New_York' }, { type: 'OpenAccount', name: 'Acme', timezone: 'America/New_York' }],
  ['PATCH', A, { timezone: 'Europe/Paris' }, { type: 'ChangeAccountTimezone', timezone: 'Europe/Paris' }],
  [
    'POST',
    `${A}/organizations`,
    { orgId: 'mobile', name: 'Mobile', parentOrgId: 'qa' },
    { type: 'CreateOrganization', orgId: 'mobile', name: 'Mobile', parentOrgId: 'qa' },
  ],
  [
    'POST',
    `${A}/users`,
    { userId: 'u1', email: 'u1@example.com', fullName: 'U One', orgId: 'qa' },
    { type: 'RegisterUser', userId: 'u1', email: 'u1@example.com', fullName: 'U One', orgId: 'qa' },
  ],
  ['POST', `${A}/users/u1/move`, { orgId: 'mobile' }, { type: 'MoveUser', userId: 'u1', orgId: 'mobile' }],
  ['POST', `${A}/projects`, { projectId: 'p1', name: 'Web', orgId: 'qa' }, { type: 'CreateProject', projectId: 'p1', name: 'Web', orgId: 'qa' }],
  ['POST', `${A}/projects/p1/members`, { userId: 'u1' }, { type: 'AddUserToProject', projectId: 'p1', userId: 'u1' }],
  [
    'POST',
    `${A}/purchases`,
    { purchaseId: 'p1', product: 'KSE', quantity: 5, startsAt: '2026-01-01T00:00:00Z', expiresAt: '2027-01-01T00:00:00+00:00' },
    {
      type: 'PurchaseLicenses',
      purchaseId: 'p1',
      product: 'KSE',
      quantity: 5,
      startsAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2027-01-01T00:00:00.000Z',
    },
  ],
  ['PATCH', `${A}/purchases/p1`, { quantity: 7, machineQuota: null }, { type: 'AmendPurchase', purchaseId: 'p1', quantity: 7, machineQuota: null }],
  ['PUT', `${A}/dedications/KSE/qa`, { quantity: 3 }, { type: 'DedicateLicenses', product: 'KSE', orgId: 'qa', quantity: 3 }],
  ['POST', `${A}/assignments`, { product: 'KSE', userId: 'u1' }, { type: 'AssignSeat', product: 'KSE', userId: 'u1' }],
  ['DELETE', `${A}/assignments/KSE/u1`, undefined, { type: 'UnassignSeat', product: 'KSE', userId: 'u1' }],
  ['POST', `${A}/logins`, { product: 'KSE', userId: 'u1', machineId: 'm1' }, { type: 'RecordLogin', product: 'KSE', userId: 'u1', machineId: 'm1' }],
  [
    'POST',
    `${A}/activity`,
    { product: 'TESTOPS', userId: 'u1', action: 'run' },
    { type: 'RecordActivity', product: 'TESTOPS', userId: 'u1', action: 'run' },
  ],
  [
    'POST',
    `${A}/sessions`,
    { product: 'KRE', sessionId: 's1', userId: 'u1', machineId: 'm1', licenseType: 'online' },
    { type: 'StartSession', product: 'KRE', sessionId: 's1', userId: 'u1', machineId: 'm1', licenseType: 'online' },
  ],
  ['POST', `${A}/sessions/s1/heartbeat`, undefined, { type: 'HeartbeatSession', sessionId: 's1' }],
  ['POST', `${A}/sessions/s1/end`, { at: '2026-03-02T11:00:00-05:00' }, { type: 'EndSession', sessionId: 's1', at: '2026-03-02T16:00:00.000Z' }],
  [
    'POST',
    `${A}/offline-licenses`,
    { product: 'KRE', userId: 'u1', machineId: 'm1' },
    { type: 'GenerateOfflineLicense', product: 'KRE', userId: 'u1', machineId: 'm1' },
  ],
  ['DELETE', `${A}/offline-licenses/KSE/m1`, undefined, { type: 'RevokeOfflineLicense', product: 'KSE', machineId: 'm1' }],
  [
    'POST',
    `${A}/machines`,
    { product: 'KSE', machineId: 'm1', userId: 'u1' },
    { type: 'RegisterMachine', product: 'KSE', machineId: 'm1', userId: 'u1' },
  ],
  ['POST', `${A}/machines/KSE/m1/deactivate`, { userId: 'u1' }, { type: 'DeactivateMachine', product: 'KSE', machineId: 'm1', userId: 'u1' }],
  ['POST', `${A}/applications`, { applicationId: 'app1' }, { type: 'ActivateApplication', applicationId: 'app1' }],
  ['DELETE', `${A}/applications/app1`, undefined, { type: 'ReleaseApplication', applicationId: 'app1' }],
];

describe('command routes', () => {
  let gateway: RecordingGateway;
  let api: TestApi;

  beforeAll(async () => {
    gateway = new RecordingGateway((command) => (command.commandId === 'seen' ? { duplicate: true } : {}));
    api = await startTestApi(gateway);
  });
  afterAll(() => api.close());
  beforeEach(() => {
    gateway.executed.length = 0;
    gateway.contexts.length = 0;
  });

  function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return api.fetch(path, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  it('covers every client command exactly once', () => {
    const types = ROUTES.map(([, , , command]) => command.type);
    expect(new Set(types).size).toBe(23);
  });

  it.each(ROUTES)('%s %s sends one command', async (method, path, body, command) => {
    const response = await send(method, path, body);
    expect(response.status).toBe(201);
    expect(gateway.executed).toEqual([{ accountId: 'acme', ...command }]);
    expect(await response.json()).toMatchObject({ type: command.type, accountId: 'acme', duplicate: false });
  });

  it('passes the actor of the request (the API key id) and its request id (the correlation id) in the command context', async () => {
    await send('POST', `${A}/sessions/s1/end`);
    expect(gateway.contexts).toEqual([{ actor: parseToken(api.token)!.keyId, correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/) }]);
  });

  it('takes commandId from the Idempotency-Key header', async () => {
    await send('POST', `${A}/assignments`, { product: 'KSE', userId: 'u1' }, { 'idempotency-key': 'k-1' });
    expect(gateway.executed[0]).toMatchObject({ commandId: 'k-1' });
  });

  it('answers 200 with the first outcome for a duplicate commandId', async () => {
    const response = await send('POST', `${A}/assignments`, { product: 'KSE', userId: 'u1', commandId: 'seen' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ duplicate: true, commandId: 'seen' });
  });

  it('rejects a body that contradicts the URL, the header or the route, naming each field', async () => {
    const response = await send(
      'POST',
      `${A}/users/u1/move`,
      { accountId: 'other', userId: 'u2', orgId: 'qa', type: 'AssignSeat', commandId: 'a' },
      { 'idempotency-key': 'b' },
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: unknown }).errors).toEqual([
      { path: 'type', message: 'is "AssignSeat" in the body but "MoveUser" for this route' },
      { path: 'accountId', message: 'is "other" in the body but "acme" in the URL' },
      { path: 'userId', message: 'is "u2" in the body but "u1" in the URL' },
      { path: 'commandId', message: 'is "a" in the body but "b" in the Idempotency-Key header' },
    ]);
    expect(gateway.executed).toEqual([]);
  });

  it('accepts a body that repeats the URL', async () => {
    const response = await send('POST', `${A}/users/u1/move`, { accountId: 'acme', userId: 'u1', orgId: 'qa', type: 'MoveUser' });
    expect(response.status).toBe(201);
  });

  it('validates path parameters with the command schema', async () => {
    const response = await send('DELETE', `${A}/assignments/KRE/u1`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: unknown }).errors).toEqual([
      { path: 'product', message: 'must be one of KSE, TESTOPS, KAM (seat products)' },
    ]);
  });

  it('answers a rule violation with its code and status', async () => {
    const rejecting = new RecordingGateway(() => new DomainError('OFFLINE_LICENSE_IRREVOCABLE', 'an offline license can never be revoked'));
    const other = await startTestApi(rejecting);
    try {
      const response = await other.fetch(`${A}/offline-licenses/KSE/m1`, { method: 'DELETE' });
      expect(response.status).toBe(409);
      expect(await response.json()).toMatchObject({ code: 'OFFLINE_LICENSE_IRREVOCABLE', detail: 'an offline license can never be revoked' });
    } finally {
      await other.close();
    }
  });

  it('serves the OpenAPI document', async () => {
    const response = await fetch(`${api.url}/docs-json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { paths: Record<string, Record<string, { summary: string }>> };
    expect(document.paths['/v1/accounts/{accountId}/assignments/{product}/{userId}'].delete.summary).toBe('UnassignSeat');
  });
});
