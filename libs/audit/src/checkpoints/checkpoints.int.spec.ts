import { sql } from 'kysely';
import type { LedgerCommand } from '../../../domain/src/commands.js';
import { DomainError } from '../../../domain/src/errors.js';
import { formatPosition } from '../../../event-store/src/event-store.js';
import { PRODUCT_CODES, type Product } from '../../../domain/src/products.js';
import { freshTestSchema } from '../../../database/src/testing/test-postgres.js';
import type { LedgerDatabase } from '../../../database/src/database.js';
import { readAccountEvents } from '../../../event-store/src/account-events.js';
import type { StoredLedgerEvent } from '../../../event-store/src/stored-ledger-event.js';
import { parseCommand } from '../../../ledger/src/validation/parse-command.js';
import { spec7Example } from '../../../domain/src/testing/spec-7-example.js';
import { createHistory } from '../../../history-generator/src/generate-history.js';
import { parseReportRequest } from '../../../report-contract/src/report-request.js';
import { findReport } from '../../../reports/src/reports.service.js';
import { historyStore, type HistoryStore } from '../../../../test/support/history-store.js';
import { storedHistory } from '../../../../test/support/stored-history.js';
import { explainLicenses, LICENSES_METRICS, type LicensesExplainRequest } from '../explain/licenses-explain.js';
import { stateWithSources } from '../explain/state-with-sources.js';
import { replayLicensesOverview } from '../licenses.replay.js';
import { seatHistoryReplay } from '../seat-history.replay.js';
import { CHECKPOINT_VERSIONS } from './audit-fold.js';
import { checkpointedAnswers, type CheckpointedAnswers } from './checkpointed-answers.js';
import { foldAsOf } from './checkpointed-fold.js';
import { CheckpointWriter } from './checkpoint-writer.js';
import { createReplayCheckpoints, type ReplayCheckpoints } from './replay-checkpoints.js';

/**
 * As-of answers started from replay checkpoints (SPEC §2, §5) against PostgreSQL: for instants before,
 * at, between and after the checkpoints, the license overview, seat-history and the explanation of
 * every license figure are byte for byte what the replay from the first event gives (the replayed
 * reports `ledger verify` runs, over the events `at` ≤ the instant), and a checkpoint of another
 * version of the fold is never read.
 */

const LEASE = 900_000;
const DAY = 86_400_000;
type Outcome = { body: string } | { error: string };

async function outcome(run: () => unknown): Promise<Outcome> {
  try {
    return { body: JSON.stringify(await run()) };
  } catch (error) {
    const e = error as { code?: string; message: string };
    if (e.code === undefined) throw error;
    return { error: `${e.code}: ${e.message}` };
  }
}

interface Account {
  readonly accountId: string;
  readonly commands: readonly LedgerCommand[];
  /** Events between two checkpoints. */
  readonly every: number;
}

const spec7: Account = { accountId: 'acme', commands: spec7Example(), every: 7 };

function generated(): Account {
  const history = createHistory({ commands: 1_500, accounts: 1, days: 30, end: '2026-05-01T00:00:00Z', seed: 7 });
  const commands = [...history.commands].map((raw) => parseCommand(raw) as unknown as LedgerCommand);
  return { accountId: history.accounts[0]!.accountId, commands, every: 300 };
}

describe.each([
  ['the SPEC §7 worked example', () => spec7],
  ['a generated history', generated],
])('replay checkpoints on %s', (_label, account: () => Account) => {
  const schema = freshTestSchema('audit_ckpt');
  let database: LedgerDatabase;
  let events: HistoryStore;
  let checkpoints: ReplayCheckpoints;
  let accountId: string;
  let every: number;
  /** Business times of the checkpoints, ascending. */
  let taken: number[];
  let firstAt: number;
  let lastAt: number;

  beforeAll(async () => {
    const a = account();
    ({ accountId, every } = a);
    database = await schema.open();
    events = await historyStore(storedHistory(a.commands, { onRejected: 'skip' }), database);
    checkpoints = createReplayCheckpoints(database, events.store.storeId);
    await new CheckpointWriter(events.store, checkpoints, every, (error) => {
      throw error;
    }).extend(accountId);
    const rows = await sql<{ last_occurred_at: string }>`SELECT last_occurred_at FROM ledger_replay_checkpoints ORDER BY revision`.execute(
      database.kysely(),
    );
    taken = rows.rows.map((r) => Number(r.last_occurred_at));
    const all = await readAccountEvents(events.store, accountId);
    firstAt = Date.parse(all[0]!.metadata.occurredAt);
    lastAt = Date.parse(all.at(-1)!.metadata.occurredAt);
  }, 300_000);
  afterAll(async () => {
    await events?.close();
    await database?.close();
    await schema.drop();
  });

  /** Before the first event, before / at / just after each checkpoint, between two, and after the last event. */
  const instants = (): number[] => {
    const around = taken.flatMap((t, i) => [t - 1, t, t + 1, ...(i + 1 < taken.length ? [Math.floor((t + taken[i + 1]!) / 2)] : [])]);
    return [...new Set([firstAt - DAY, firstAt, ...around, lastAt, lastAt + DAY])].sort((a, b) => a - b);
  };

  /** The answers replayed from the first event, as `ledger verify` replays: the events with `at` ≤ asOf, folded from the start. */
  const cuts = new Map<number, Promise<StoredLedgerEvent[]>>();
  const cutAt = (asOf: number): Promise<StoredLedgerEvent[]> => {
    if (!cuts.has(asOf)) cuts.set(asOf, readAccountEvents(events.store, accountId, { asOf }));
    return cuts.get(asOf)!;
  };
  const fromTheStart = {
    async licenses(asOf: number) {
      const cut = await cutAt(asOf);
      return outcome(() => replayLicensesOverview(cut, { accountId }, { now: asOf, leaseMs: LEASE }));
    },
    async seatHistory(parameters: Record<string, string>, asOf: number) {
      const cut = await cutAt(asOf);
      const request = parseReportRequest(parameters, findReport('seat-history'));
      return outcome(() => seatHistoryReplay.run(cut, request, { now: asOf, leaseMs: LEASE }));
    },
    async explain(request: LicensesExplainRequest, asOf: number) {
      const cut = await cutAt(asOf);
      return outcome(() => {
        if (cut.length === 0) throw new DomainError('NOT_FOUND', `account '${accountId}' has no history at ${new Date(asOf).toISOString()}`);
        const asOfPosition = formatPosition(cut.at(-1)!.position);
        return explainLicenses({ request, replayed: stateWithSources(cut, asOf), at: asOf, leaseMs: LEASE, asOfPosition });
      });
    },
  };
  const answering = (answers: CheckpointedAnswers) => ({
    licenses: (asOf: number) => outcome(() => answers.licenses({ accountId }, asOf, { now: asOf, leaseMs: LEASE })),
    seatHistory: (parameters: Record<string, string>, asOf: number) =>
      outcome(() => answers.seatHistory(parseReportRequest(parameters, findReport('seat-history')), asOf, { now: asOf, leaseMs: LEASE })),
    explain: (request: LicensesExplainRequest, asOf: number) => outcome(() => answers.explainLicenses(request, asOf, LEASE)),
  });

  it('takes a checkpoint every so many events of the stream, and an as-of fold starts from the latest one at or before its instant', async () => {
    expect(taken.length).toBeGreaterThanOrEqual(3);
    for (const asOf of instants()) {
      const fold = await foldAsOf(events.store, checkpoints, accountId, asOf);
      const plain = await foldAsOf(events.store, null, accountId, asOf);
      expect(fold.through).toEqual(plain.through);
      expect(fold.folded).toBeLessThanOrEqual(asOf >= taken[0]! ? every : plain.folded);
    }
  });

  it('answers licenses, seat-history and explain byte for byte as the replay from the first event does', async () => {
    const withCheckpoints = answering(checkpointedAnswers(events.store, checkpoints));
    const withoutCheckpoints = answering(checkpointedAnswers(events.store, null));
    const products = (await readAccountEvents(events.store, accountId)).flatMap((e) => ('product' in e.data ? [e.data.product] : []));
    const used = PRODUCT_CODES.filter((p) => products.includes(p));
    let compared = 0;
    for (const asOf of instants()) {
      const reference = await fromTheStart.licenses(asOf);
      expect(await withCheckpoints.licenses(asOf)).toEqual(reference);
      expect(await withoutCheckpoints.licenses(asOf)).toEqual(reference);
      compared += 1;

      const from = new Date(firstAt - DAY).toISOString().slice(0, 10);
      const to = new Date(Math.min(asOf, lastAt) + DAY).toISOString().slice(0, 10);
      for (const product of used) {
        const seatProduct = findReport('seat-history').products.includes(product);
        const requests: Record<string, string>[] = seatProduct ? [{ interval: 'day' }, { interval: 'month', groupBy: 'org' }] : [];
        for (const request of requests) {
          {
            const parameters = { accountId, product, from, to, ...request };
            const expected = await fromTheStart.seatHistory(parameters, asOf);
            expect(await withCheckpoints.seatHistory(parameters, asOf)).toEqual(expected);
            compared += 1;
          }
        }
        // A window starting after the first checkpoints: its first bucket starts from one of them.
        const late = { accountId, product, from: new Date(Math.max(firstAt, asOf - 5 * DAY)).toISOString().slice(0, 10), to, interval: 'hour' };
        if (seatProduct) expect(await withCheckpoints.seatHistory(late, asOf)).toEqual(await fromTheStart.seatHistory(late, asOf));

        const overview =
          'body' in reference ? (JSON.parse(reference.body) as { products: { product: Product; scopes: { scope: string }[] }[] }) : null;
        // The account and its first organizations: each scope is its own fold of the same instant.
        const scopes = (overview?.products.find((p) => p.product === product)?.scopes.map((s) => s.scope) ?? ['account']).slice(0, 3);
        for (const scope of scopes) {
          for (const metric of LICENSES_METRICS) {
            const request: LicensesExplainRequest = { accountId, product: product as Product, scope, metric, asOf };
            expect(await withCheckpoints.explain(request, asOf)).toEqual(await fromTheStart.explain(request, asOf));
            compared += 1;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(instants().length * 5);
  }, 600_000);

  it('never reads a checkpoint of another version of the fold (or one altered since it was written)', async () => {
    // Rows that would answer wrongly if read: the latest fold filed at the first revision, under other
    // versions and with a wrong checksum.
    const db = database.kysely();
    const latest = await checkpoints.latest(accountId);
    const [event] = await readAccountEvents(events.store, accountId);
    if (!event) throw new Error('the history has no event');
    const wrong = (state: number, replay: number, checksum: string) =>
      sql`INSERT INTO ledger_replay_checkpoints (store_id, account_id, state_version, replay_version, revision, event_id, position, last_occurred_at, body, checksum)
          VALUES (${events.store.storeId}, ${accountId}, ${state}, ${replay}, ${String(event.streamRevision)}, ${event.eventId},
                  ${`${event.position.commit}/${event.position.prepare}`}, ${Date.parse(event.metadata.occurredAt)}, ${latest!.body}, ${checksum})
          ON CONFLICT DO NOTHING`.execute(db);
    const checksumOf = (
      await sql<{ checksum: string }>`SELECT checksum FROM ledger_replay_checkpoints WHERE body = ${latest!.body} LIMIT 1`.execute(db)
    ).rows[0]!.checksum;
    await sql`DELETE FROM ledger_replay_checkpoints WHERE revision = ${String(event.streamRevision)}`.execute(db);
    await wrong(CHECKPOINT_VERSIONS.state + 1, CHECKPOINT_VERSIONS.replay, checksumOf);
    await wrong(CHECKPOINT_VERSIONS.state, CHECKPOINT_VERSIONS.replay + 1, 'stale');
    const asOf = Date.parse(event.metadata.occurredAt);
    expect(taken[0]).toBeGreaterThan(asOf);
    expect(await checkpoints.latestAtOrBefore(accountId, asOf)).toBeNull();
    await wrong(CHECKPOINT_VERSIONS.state, CHECKPOINT_VERSIONS.replay, 'altered');
    expect(await checkpoints.latestAtOrBefore(accountId, asOf)).toBeNull();

    const withCheckpoints = answering(checkpointedAnswers(events.store, checkpoints));
    expect(await withCheckpoints.licenses(asOf)).toEqual(await fromTheStart.licenses(asOf));
    await sql`DELETE FROM ledger_replay_checkpoints WHERE revision = ${String(event.streamRevision)}`.execute(db);
  });
});
