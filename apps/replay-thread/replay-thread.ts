import { constants, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import {
  failureOf,
  type ReplayReplyMessage,
  type ReplayRequestMessage,
  type ReplayThreadData,
} from '../../libs/audit/src/replays/replay-messages.js';
import { runReplayTask } from '../../libs/audit/src/replays/replay-tasks.js';
import { checkpointedAnswers } from '../../libs/audit/src/checkpoints/checkpointed-answers.js';
import { CheckpointWriter, DEFAULT_CHECKPOINT_EVERY_EVENTS } from '../../libs/audit/src/checkpoints/checkpoint-writer.js';
import { createReplayCheckpoints } from '../../libs/audit/src/checkpoints/replay-checkpoints.js';
import { openPostgresDatabase } from '../../libs/database/src/postgres-database.js';
import { createEventStore } from '../../libs/event-store/src/create-event-store.js';
import { computeReplayingReport } from '../../libs/reports/src/replaying-reports.js';
import { capacityProjection } from '../../projections/capacity.projection.js';
import { ProjectionReader } from '../../projections/engine/projection-reader.js';
import type { Projection } from '../../projections/projection.js';

/**
 * A replay thread (started by ReplayThreads, libs/audit): opens its own connection to the events and
 * the read models and answers replay tasks one at a time, off the server's event loop — the audit's
 * replays of the log (as-of, explain, verify) and the reports that replay history under a hypothesis
 * (what-if, reclaim-backtest), which read the capacity projection's active generation as the server
 * thread would. It lives with the application because it joins both sides, which never import each other.
 */
if (!parentPort) throw new Error('replay-thread.js runs as a worker thread of ReplayThreads, not on its own');
const port = parentPort;
const data = workerData as ReplayThreadData;

// The lowest CPU priority, for this thread only (Linux keeps a nice value per thread): when the cores
// are busy, the thread answering requests runs first and a replay takes what is left.
try {
  setPriority(constants.priority.PRIORITY_LOW);
} catch {
  // Not allowed here (or not per thread on this system): replays run at the server's priority.
}

/** The projections the replaying reports read. */
const READ: ReadonlyMap<string, Projection> = new Map([[capacityProjection.name, capacityProjection]]);

const database = await openPostgresDatabase(data.databaseUrl, data.databaseSchema);
const store = await createEventStore({ eventStoreUrl: data.eventStoreUrl, streamPrefix: data.eventStoreStreamPrefix, database });

// As-of answers start from the replay checkpoints of the ledger's database; an answer that had to fold
// many events past them has the checkpoints extended to the end of the account's stream, after it is
// sent (docs/audit.md, "Checkpoints").
const checkpoints = createReplayCheckpoints(database, store.storeId);
const writer = new CheckpointWriter(store, checkpoints, DEFAULT_CHECKPOINT_EVERY_EVENTS, (error) =>
  process.stderr.write(`replay checkpoints could not be written: ${error instanceof Error ? error.message : String(error)}\n`),
);
const extending = new Set<string>();
const answers = checkpointedAnswers(store, checkpoints, (accountId, folded) => {
  if (folded >= DEFAULT_CHECKPOINT_EVERY_EVENTS) extending.add(accountId);
});
const projections = new ProjectionReader({ db: database.kysely<unknown>(), baseSchema: database.schema }, (name) => {
  const projection = READ.get(name);
  if (!projection) throw new Error(`a replay thread reads the projections ${[...READ.keys()].join(', ')}, not ${name}`);
  return projection;
});
const reports = computeReplayingReport(projections, data.settings.leaseMs);

port.on('message', (message: ReplayRequestMessage) => {
  void runReplayTask(store, message.task, data.settings, answers, reports).then(
    (value) => reply({ id: message.id, value }),
    (error: unknown) => reply({ id: message.id, failure: failureOf(error) }),
  );
});
port.postMessage('ready');

function reply(message: ReplayReplyMessage): void {
  port.postMessage(message);
  for (const accountId of extending) void writer.extend(accountId);
  extending.clear();
}
