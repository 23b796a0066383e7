import { DomainError } from '../../../libs/domain/src/errors.js';
import { RecordingGateway } from '../../../test/support/recording-gateway.js';
import { startTestApi, type TestApi } from '../../../test/support/test-api.js';
import { limitBytes } from './body-limits.js';

const assign = (userId: string) => JSON.stringify({ type: 'AssignSeat', accountId: 'acme', product: 'KSE', userId });

describe('POST /v1/import', () => {
  let gateway: RecordingGateway;
  let api: TestApi;

  beforeAll(async () => {
    gateway = new RecordingGateway((c) =>
      'userId' in c && c.userId === 'u3' ? new DomainError('ALREADY_ASSIGNED', "user 'u3' already has a KSE seat") : {},
    );
    api = await startTestApi(gateway);
  });
  afterAll(() => api.close());
  beforeEach(() => {
    gateway.executed.length = 0;
  });

  function importBody(body: string, contentType = 'application/x-ndjson'): Promise<Response> {
    return api.fetch('/v1/import', { method: 'POST', headers: { 'content-type': contentType }, body });
  }

  it('applies the lines in order and answers the same summary as the CLI', async () => {
    const response = await importBody([assign('u1'), '', assign('u3'), assign('u2')].join('\n'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      accepted: 2,
      rejected: 1,
      errors: [{ line: 3, code: 'ALREADY_ASSIGNED', message: "user 'u3' already has a KSE seat" }],
    });
    expect(gateway.executed.map((c) => ('userId' in c ? c.userId : null))).toEqual(['u1', 'u3', 'u2']);
  });

  it('answers 400 naming every bad line and field, and applies nothing', async () => {
    const response = await importBody([assign('u1'), '{"type":"Nope","accountId":"acme"}', '{oops'].join('\n'));
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { code: string; detail: string; errors: unknown };
    expect(problem).toMatchObject({ code: 'VALIDATION_FAILED', detail: '2 malformed line(s); nothing was imported' });
    expect(problem.errors).toEqual([
      { path: 'line 2.type', message: expect.stringMatching(/^unknown command type "Nope"; expected one of /) },
      { path: 'line 3', message: expect.stringMatching(/^invalid JSON: /) },
    ]);
    expect(gateway.executed).toEqual([]);
  });

  it('answers 415 for another content type', async () => {
    const response = await importBody(assign('u1'), 'application/json');
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });
});

describe('limitBytes', () => {
  it('fails with 413 once the body exceeds the limit', async () => {
    const read = async () => {
      for await (const _ of limitBytes([Buffer.alloc(6), Buffer.alloc(6)], 10));
    };
    await expect(read()).rejects.toMatchObject({ status: 413 });
  });
});
