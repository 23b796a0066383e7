import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { freshTestSchema, TEST_DATABASE_URL } from '../../libs/database/src/testing/test-postgres.js';
import { call, createKey, startServer, type HttpAnswer } from '../fault/support/ledger-server.js';
import { ledgerEnv, PROCESS_TEST_TIMEOUT_MS, runLedger } from '../fault/support/ledger-process.js';

/** SPEC §7, the public worked example. */
const EXAMPLE = resolve('../shared/examples/spec-7-worked-example.ndjson');
const KSE = '/v1/accounts/acme';
const SERIES = 'product=KSE&from=2026-01-01&to=2026-03-31&interval=month';

/**
 * `ledger serve` on PostgreSQL answers the requests that replay history (SPEC §5: asOf, explain) on
 * replay threads (REPLAY_THREADS=on, the default) with the very status and body it answers when it
 * replays in its event loop (off): bodies, refusals and their codes. Runs the built server
 * (`npm run build` first).
 */
describe('replays on threads answer as in the event loop (ledger serve, PostgreSQL)', () => {
  const schema = freshTestSchema('replay_serve');
  const env = ledgerEnv(TEST_DATABASE_URL, schema.schema, { REPLAY_CONCURRENCY: '16' });
  let token: string;

  beforeAll(async () => {
    if (!existsSync(EXAMPLE)) throw new Error(`${EXAMPLE} is missing: the tests expect ../shared beside the repository`);
    const imported = await runLedger(['import', EXAMPLE], env);
    expect(imported.code).toBe(3); // Two lines of the example are refused on purpose.
    token = await createKey(env, 'account-admin', 'acme');
  }, PROCESS_TEST_TIMEOUT_MS);
  afterAll(() => schema.drop());

  /** Status and body, the wall clock of the request left out (the `asOf` of an answer now, "after now (…)" of a refusal). */
  const comparable = ({ status, body }: HttpAnswer, asOfAsked: boolean) => {
    const parsed = JSON.parse(JSON.stringify(body).replace(/after now \([^)]*\)/g, 'after now (…)')) as Record<string, unknown>;
    return { status, body: asOfAsked ? parsed : { ...parsed, asOf: typeof parsed.asOf } };
  };

  /** Every replaying request, answered by a server with REPLAY_THREADS as given. */
  async function answers(replayThreads: 'on' | 'off'): Promise<(HttpAnswer & { readonly path: string })[]> {
    const server = await startServer({ ...env, REPLAY_THREADS: replayThreads });
    try {
      const projected = await call(server.url, token, 'GET', `${KSE}/reports/seat-history?${SERIES}`);
      expect(projected.status).toBe(200);
      const bucket = encodeURIComponent(projected.body.buckets[1].start as string);
      const paths = [
        `${KSE}/licenses?asOf=2026-01-06T13:01:30Z`,
        `${KSE}/licenses?product=KSE&asOf=2026-02-10T12:06:00Z`,
        `${KSE}/reports/seat-history?${SERIES}&asOf=2026-02-15T00:00:00Z`,
        `${KSE}/reports/assignments?product=KSE&sort=userId&asOf=2026-02-10T12:06:00Z`,
        `${KSE}/reports/seat-history/explain?${SERIES}&bucket=${bucket}&metric=assigned`,
        `${KSE}/licenses/explain?product=KSE&scope=account&metric=used`,
        `${KSE}/licenses/explain?product=KSE&scope=account&metric=used&asOf=2026-01-06T13:01:30Z`,
        // Refused: the future has no ledger yet; an account with no history.
        `${KSE}/licenses?asOf=2099-01-01T00:00:00Z`,
        `/v1/accounts/nobody/licenses?asOf=2026-01-06T13:01:30Z`,
      ];
      // At once, all admitted (REPLAY_CONCURRENCY 16): more replays in flight than threads, the others wait their turn.
      return await Promise.all(paths.map(async (path) => ({ path, ...(await call(server.url, token, 'GET', path)) })));
    } finally {
      await server.stop();
    }
  }

  it(
    'the same statuses and bodies, on threads and in the event loop',
    async () => {
      const inLoop = await answers('off');
      const onThreads = await answers('on');
      expect(inLoop.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200, 200, 400, expect.any(Number)]);
      expect(inLoop[0]!.body.products.length).toBeGreaterThan(0);
      expect(inLoop[7]!.body.code).toBe('VALIDATION_FAILED');
      for (const [i, answer] of onThreads.entries()) {
        // Answers without asOf are computed at the request's now.
        const asOfAsked = answer.path.includes('asOf=');
        expect(comparable(answer, asOfAsked)).toEqual(comparable(inLoop[i]!, asOfAsked));
      }
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
