import { accountStreamId } from '../../libs/domain/src/streams.js';
import type { StoredEvent } from '../../libs/event-store/src/event-store.js';
import { readStreamEvents } from '../../libs/event-store/src/sql/read-events.js';
import { accountWithSeatPool } from '../support/ledger-fixtures.js';
import { useFaultFixture } from './support/fault-fixture.js';
import { PROCESS_TEST_TIMEOUT_MS, runLedger, writeNdjson } from './support/ledger-process.js';
import { call, createKey, startServer, type HttpAnswer, type LedgerServer } from './support/ledger-server.js';

const POOL = 10;
const USERS = 40;
const RULE_REJECTIONS = ['LICENSE_QUOTA_EXCEEDED', 'ALREADY_ASSIGNED'];

/** Seats held after each event of the stream; throws on a seat given twice or taken from nobody. */
function seatsHeldOverTime(events: readonly StoredEvent[]): number[] {
  const holders = new Set<string>();
  return events.flatMap((event) => {
    const userId = String(event.data.userId);
    if (event.type === 'SeatAssigned') {
      if (holders.has(userId)) throw new Error(`seat assigned twice to ${userId} at revision ${event.streamRevision}`);
      holders.add(userId);
    } else if (event.type === 'SeatUnassigned') {
      if (!holders.delete(userId)) throw new Error(`seat of ${userId} unassigned while not held, revision ${event.streamRevision}`);
    } else {
      return [];
    }
    return [holders.size];
  });
}

/**
 * Two `ledger serve` processes (each with its own pool, cache and in-process queue) race on one seat
 * pool: the expected revision on append is all that stands between them and an oversubscription.
 */
describe('two server processes writing to the same pool', () => {
  let servers: LedgerServer[] = [];
  const fixture = useFaultFixture('fault_writers', async () => {
    for (const server of servers) await server.stop();
  });

  test(
    'never more seats than the pool, never a seat twice, every refusal a rule of the pool',
    async () => {
      const { env, database, file } = fixture();
      const setup = file('setup.ndjson');
      await writeNdjson(setup, accountWithSeatPool('race', POOL, USERS));
      expect((await runLedger(['import', setup, '--no-wait'], env)).code).toBe(0);
      const token = await createKey(env, 'account-admin', 'race');
      servers = await Promise.all([startServer(env, { projections: false }), startServer(env, { projections: false })]);

      const assignEveryUserOnBoth = () =>
        Promise.all(
          Array.from({ length: USERS }, (_, i) =>
            servers.map((server) => call(server.url, token, 'POST', '/v1/accounts/race/assignments', { product: 'KSE', userId: `u${i}` })),
          ).flat(),
        );
      const checkWave = (answers: HttpAnswer[]) => {
        const refused = answers.filter((a) => a.status !== 201);
        expect(answers.filter((a) => a.status === 201)).toHaveLength(POOL);
        expect(refused.filter((a) => a.status !== 409 || !RULE_REJECTIONS.includes(a.body?.code)).map((a) => a.text)).toEqual([]);
      };

      checkWave(await assignEveryUserOnBoth());
      // Free every seat through both servers at once, then race again.
      const holders = (await readStreamEvents(database.kysely(), accountStreamId('race'), 0n))
        .filter((e) => e.type === 'SeatAssigned')
        .map((e) => String(e.data.userId));
      const freed = await Promise.all(
        holders.map((userId, i) => call(servers[i % 2].url, token, 'DELETE', `/v1/accounts/race/assignments/KSE/${userId}`)),
      );
      expect(freed.map((a) => a.status)).toEqual(Array(POOL).fill(201));
      checkWave(await assignEveryUserOnBoth());

      const held = seatsHeldOverTime(await readStreamEvents(database.kysely(), accountStreamId('race'), 0n));
      expect(held).toHaveLength(POOL * 3);
      expect(Math.max(...held)).toBe(POOL);
      expect(held.at(-1)).toBe(POOL);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
