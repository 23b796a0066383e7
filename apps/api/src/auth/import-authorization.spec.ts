import { RecordingGateway } from '../../../../test/support/recording-gateway.js';
import { startTestApi, type TestApi } from '../../../../test/support/test-api.js';

const line = (command: Record<string, unknown>) => JSON.stringify({ accountId: 'acme', ...command });
const login = (userId: string, accountId = 'acme') => line({ type: 'RecordLogin', product: 'KSE', userId, accountId });
const assign = (userId: string) => line({ type: 'AssignSeat', product: 'KSE', userId });

describe('POST /v1/import: every line is authorized before anything is applied', () => {
  let gateway: RecordingGateway;
  let api: TestApi;
  let tokens: Record<'ingest' | 'auditor' | 'operator', string>;

  beforeAll(async () => {
    gateway = new RecordingGateway();
    api = await startTestApi(gateway);
    tokens = {
      ingest: (await api.keys.create({ role: 'ingest', accountId: 'acme' })).token,
      auditor: (await api.keys.create({ role: 'auditor', accountId: 'acme' })).token,
      operator: (await api.keys.create({ role: 'operator' })).token,
    };
  });
  afterAll(() => api.close());
  beforeEach(() => {
    gateway.executed.length = 0;
    gateway.contexts.length = 0;
  });

  function importAs(lines: string[], token = api.token): Promise<Response> {
    return api.fetch('/v1/import', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${token}` },
      body: lines.join('\n'),
    });
  }

  it('an admin imports its own account', async () => {
    const response = await importAs([assign('u1'), login('u1')]);
    expect(response.status).toBe(200);
    expect(gateway.executed).toHaveLength(2);
  });

  it('a line for another account → 403 naming it; nothing applied (the same whether that account exists or not)', async () => {
    const response = await importAs([assign('u1'), '', login('u2', 'globex'), login('u3', 'acme')]);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({
      code: 'FORBIDDEN',
      status: 403,
      detail: '1 line(s) may not be sent with this key; nothing was imported',
      errors: [{ path: 'line 3', message: 'is for an account this key may not send commands to' }],
    });
    expect(gateway.executed).toEqual([]);
  });

  it('an ingest key imports telemetry, and the actor is its key id', async () => {
    const heartbeat = line({ type: 'HeartbeatSession', sessionId: 's1' });
    const start = line({ type: 'StartSession', product: 'KRE', sessionId: 's1', userId: 'u1', machineId: 'm1' });
    const activity = line({ type: 'RecordActivity', product: 'KSE', userId: 'u1', action: 'run' });
    const end = line({ type: 'EndSession', sessionId: 's1' });
    const response = await importAs([login('u1'), activity, start, heartbeat, end], tokens.ingest);
    expect(response.status).toBe(200);
    expect(gateway.executed.map((c) => c.type)).toEqual(['RecordLogin', 'RecordActivity', 'StartSession', 'HeartbeatSession', 'EndSession']);
    expect(gateway.contexts).toEqual([{ actor: tokens.ingest.split('_')[1], correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/) }]);
  });

  it('an ingest key sending any other command → 403 naming each line; nothing applied', async () => {
    const response = await importAs([login('u1'), assign('u1'), line({ type: 'OpenAccount', name: 'Acme' })], tokens.ingest);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { errors: unknown }).errors).toEqual([
      { path: 'line 2', message: 'an ingest key may not send AssignSeat' },
      { path: 'line 3', message: 'an ingest key may not send OpenAccount' },
    ]);
    expect(gateway.executed).toEqual([]);
  });

  it('refused lines come before malformed ones: 403 without judging the file', async () => {
    const response = await importAs([assign('u1'), '{oops'], tokens.ingest);
    expect(response.status).toBe(403);
    expect(gateway.executed).toEqual([]);
  });

  it.each(['auditor', 'operator'] as const)('an %s key may not import at all (403)', async (role) => {
    const response = await importAs([login('u1')], tokens[role]);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'FORBIDDEN', detail: `an ${role} key may not POST /v1/import` });
    expect(gateway.executed).toEqual([]);
  });
});
