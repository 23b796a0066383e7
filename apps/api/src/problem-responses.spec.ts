import { RecordingGateway } from '../../../test/support/recording-gateway.js';
import { startTestApi, type TestApi } from '../../../test/support/test-api.js';

describe('error responses (application/problem+json)', () => {
  let gateway: RecordingGateway;
  let api: TestApi;

  beforeAll(async () => {
    gateway = new RecordingGateway((command) => {
      if (command.type === 'EndSession') throw new Error('relation "events" does not exist: SELECT * FROM events WHERE password = $1');
      return {};
    });
    api = await startTestApi(gateway);
  });
  afterAll(() => api.close());

  async function problemOf(response: Response): Promise<Record<string, unknown>> {
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual(
      expect.objectContaining({
        type: expect.any(String),
        title: expect.any(String),
        status: response.status,
        detail: expect.any(String),
        code: expect.any(String),
      }),
    );
    return body;
  }

  function postJson(path: string, body: string, contentType = 'application/json'): Promise<Response> {
    return api.fetch(path, { method: 'POST', headers: { 'content-type': contentType }, body });
  }

  it('malformed JSON → 400 VALIDATION_FAILED', async () => {
    const response = await postJson('/v1/accounts/acme/assignments', '{"product": "KSE",');
    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem).toMatchObject({ code: 'VALIDATION_FAILED', title: 'Validation failed', type: 'urn:license-ledger:problem:validation-failed' });
    expect(problem.detail).toMatch(/^The request body is not valid JSON/);
  });

  it('unknown field → 400 naming it', async () => {
    const response = await postJson('/v1/accounts/acme/assignments', JSON.stringify({ product: 'KSE', userId: 'u1', seats: 2 }));
    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors).toEqual([{ path: 'seats', message: 'is not a field of AssignSeat' }]);
  });

  it('wrong types → 400 naming every bad field with its rule', async () => {
    const body = { purchaseId: 7, product: 'KSE', quantity: '5', startsAt: '2026-01-01', expiresAt: '2027-01-01T00:00:00Z' };
    const response = await postJson('/v1/accounts/acme/purchases', JSON.stringify(body));
    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem.errors).toEqual([
      { path: 'purchaseId', message: 'must be a string' },
      { path: 'quantity', message: 'must be an integer ≥ 1' },
      { path: 'startsAt', message: 'must be an ISO-8601 instant with a time zone offset, e.g. 2026-01-05T14:00:00Z' },
    ]);
    expect(problem.detail).toBe(
      'Invalid PurchaseLicenses command: purchaseId must be a string; quantity must be an integer ≥ 1; ' +
        'startsAt must be an ISO-8601 instant with a time zone offset, e.g. 2026-01-05T14:00:00Z',
    );
  });

  it('bad timezone → 400 naming the zone', async () => {
    const response = await api.fetch('/v1/accounts/acme', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Acme', timezone: 'Moon/Base' }),
    });
    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors).toEqual([
      { path: 'timezone', message: "'Moon/Base' is not a valid IANA time zone (e.g. America/New_York)" },
    ]);
  });

  it('empty body → 400 listing the required fields', async () => {
    const response = await api.fetch('/v1/accounts/acme/organizations', { method: 'POST' });
    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors).toEqual([
      { path: 'orgId', message: 'is required' },
      { path: 'name', message: 'is required' },
    ]);
  });

  it('a body that is not an object → 400', async () => {
    const response = await postJson('/v1/accounts/acme/assignments', '["KSE", "u1"]');
    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors).toEqual([{ path: '', message: 'must be a JSON object, not an array' }]);
  });

  it('a body over 1 MB → 413 PAYLOAD_TOO_LARGE', async () => {
    const body = JSON.stringify({ product: 'KSE', userId: 'u1', padding: 'x'.repeat(1024 * 1024) });
    const response = await postJson('/v1/accounts/acme/assignments', body);
    expect(response.status).toBe(413);
    expect(await problemOf(response)).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      detail: 'The request body is larger than the limit of 1048576 bytes',
    });
  });

  it('unknown route → 404 NOT_FOUND', async () => {
    const response = await api.fetch('/v1/accounts/acme/nothing-here');
    expect(response.status).toBe(404);
    expect(await problemOf(response)).toMatchObject({ code: 'NOT_FOUND', detail: 'Cannot GET /v1/accounts/acme/nothing-here' });
  });

  it('unexpected failure → 500 with a generic detail, no stack and no SQL', async () => {
    const response = await api.fetch('/v1/accounts/acme/sessions/s1/end', { method: 'POST' });
    expect(response.status).toBe(500);
    const problem = await problemOf(response);
    expect(problem).toEqual({
      type: 'urn:license-ledger:problem:internal-error',
      title: 'Internal error',
      status: 500,
      code: 'INTERNAL_ERROR',
      detail: 'An unexpected error occurred. It has been logged; please try again later.',
    });
  });
});
