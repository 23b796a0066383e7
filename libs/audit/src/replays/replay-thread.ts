import { constants, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { openPostgresDatabase } from '../../../database/src/postgres-database.js';
import { createEventStore } from '../../../event-store/src/create-event-store.js';
import { failureOf, type ReplayReplyMessage, type ReplayRequestMessage, type ReplayThreadData } from './replay-messages.js';
import { runReplayTask } from './replay-tasks.js';
import { checkpointedAnswers } from '../checkpoints/checkpointed-answers.js';
import { CheckpointWriter, DEFAULT_CHECKPOINT_EVERY_EVENTS } from '../checkpoints/checkpoint-writer.js';
import { createReplayCheckpoints } from '../checkpoints/replay-checkpoints.js';

/**
 * A replay thread (started by ReplayThreads): opens its own connection to the events and answers
 * replay tasks one at a time, off the server's event loop.
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

port.on('message', (message: ReplayRequestMessage) => {
  void runReplayTask(store, message.task, data.settings, answers).then(
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
