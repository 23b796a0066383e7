import { DomainError } from '../../libs/domain/src/index.js';
import { createEventStore } from '../../libs/event-store/src/create-event-store.js';
import type { EventStore } from '../../libs/event-store/src/event-store.js';
import { AccountLedger } from '../../libs/ledger/src/account-ledger.js';
import type { SecretFreeCommand } from '../../libs/ledger/src/command-gateway.js';
import { openDatabase, type LedgerDatabase } from '../../libs/database/src/database.js';
import { freshTestSchema, TEST_DATABASE_URL, type TestSchema } from '../../libs/database/src/testing/test-postgres.js';
import { FixedClock } from '../support/fixed-clock.js';
import { accountWithSeatPool } from '../support/ledger-fixtures.js';
import { startCuttingProxy, type CuttingProxy } from './support/cutting-proxy.js';
import { query } from '../../libs/database/src/testing/query.js';

const ACCOUNTS = ['drop0', 'drop1', 'drop2'];
const USERS = 40;
const context = { actor: 'fault-test' };

/** Events per commandId, and in how many appends (transactions) they were written. */
async function eventsByCommand(database: LedgerDatabase) {
  const rows = await query<{ id: string; events: string; appends: string }>(
    database,
    `SELECT metadata->>'commandId' AS id, count(*)::text AS events, count(DISTINCT transaction_id)::text AS appends
     FROM events WHERE metadata->>'commandId' LIKE 'cut-%' GROUP BY 1`,
  );
  return new Map(rows.map((r) => [r.id, { events: Number(r.events), appends: Number(r.appends) }]));
}

/**
 * A proxy between the ledger and PostgreSQL cuts every connection at random moments while commands
 * are appended: a command is in the log entirely or not at all, and sending it again with the same
 * commandId never appends it twice — also when the first attempt committed but its answer was lost.
 */
describe('database connections dropped during appends', () => {
  let schema: TestSchema;
  let direct: LedgerDatabase;
  let directStore: EventStore;
  let proxy: CuttingProxy;
  let proxied: LedgerDatabase;
  let proxiedStore: EventStore;
  const clock = new FixedClock(Date.parse('2026-02-01T12:00:00Z'));

  beforeAll(async () => {
    schema = freshTestSchema('fault_drop');
    direct = await schema.open();
    directStore = await createEventStore({ database: direct });
    proxy = await startCuttingProxy(TEST_DATABASE_URL);
    proxied = await openDatabase({ databaseUrl: proxy.url, schema: schema.schema });
    proxiedStore = await createEventStore({ database: proxied });
  });

  afterAll(async () => {
    await proxiedStore?.close();
    await proxied?.close().catch(() => undefined);
    await proxy?.close();
    await directStore?.close();
    await direct?.close();
    await schema?.drop();
  });

  test('every command is appended entirely or not at all, and a retry with its commandId never duplicates it', async () => {
    const setup = new AccountLedger(directStore, clock, 900_000);
    for (const accountId of ACCOUNTS) {
      const results = await setup.executeMany(accountWithSeatPool(accountId, USERS, USERS), context);
      expect(results.every((r) => r.ok)).toBe(true);
    }
    // A seat from a pool as large as the users, and a login (two events once the seat is there: it activates it).
    const commands: SecretFreeCommand[] = ACCOUNTS.flatMap((accountId) =>
      Array.from({ length: USERS }, (_, i): SecretFreeCommand[] => [
        { type: 'AssignSeat', accountId, product: 'KSE', userId: `u${i}`, commandId: `cut-${accountId}-seat-${i}` },
        { type: 'RecordLogin', accountId, product: 'KSE', userId: `u${i}`, commandId: `cut-${accountId}-login-${i}` },
      ]).flat(),
    );

    const chaotic = new AccountLedger(proxiedStore, clock, 900_000);
    let settled = false;
    let cuts = 0;
    const cutter = (async () => {
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 40));
        // No cut once the commands are settled: the retries below run on a whole connection.
        if (settled) break;
        if (proxy.cut() > 0) cuts += 1;
      }
    })();
    const first = await Promise.allSettled(commands.map((command) => chaotic.execute(command, context)));
    settled = true;
    await cutter;

    const failures = first.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(failures.filter((r) => r.reason instanceof DomainError).map((r) => String(r.reason))).toEqual([]);
    expect(cuts).toBeGreaterThan(0);
    expect(failures.length).toBeGreaterThan(0);

    const afterCuts = await eventsByCommand(direct);
    expect([...afterCuts].filter(([, c]) => c.appends !== 1)).toEqual([]);
    const acknowledged = commands.filter((_, i) => first[i].status === 'fulfilled').map((c) => c.commandId!);
    expect(acknowledged.filter((id) => !afterCuts.has(id))).toEqual([]);

    // Retry every command (the connection is whole again): appended ones answer as duplicates.
    const retried = await Promise.all(commands.map((command) => chaotic.execute(command, context)));
    const duplicates = commands.filter((_, i) => retried[i].duplicate).map((c) => c.commandId!);
    expect(duplicates.sort()).toEqual([...afterCuts.keys()].sort());

    // Every command once, in one append, with every event its outcome names; and all or nothing:
    // a command found after the cuts already had all of them.
    const afterRetry = await eventsByCommand(direct);
    expect(Object.fromEntries(afterRetry)).toEqual(
      Object.fromEntries(commands.map((c, i) => [c.commandId!, { events: retried[i].events.length, appends: 1 }])),
    );
    expect(Object.fromEntries(afterCuts)).toEqual(Object.fromEntries([...afterCuts.keys()].map((id) => [id, afterRetry.get(id)])));
  }, 120_000);
});
