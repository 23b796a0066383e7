import { DomainError } from '../../domain/src/errors.js';
import { accountStreamId } from '../../domain/src/streams.js';
import { comparePositions, formatPosition, type EventStore, type LogPosition, type StoredEvent } from '../../event-store/src/event-store.js';
import type { EventsExportStamp, EventsLogPage } from '../../contracts/src/index.js';
import { toEventView } from './event-view.js';
import type { EventsLogRequest } from './events-log-request.js';

export type { EventsExportStamp, EventsLogPage } from '../../contracts/src/index.js';

/** Events read from the stream at a time while filtering. */
const CHUNK = 500;

/** The page of `request`: at most `limit` matching events after `after`, up to the stamp. */
export async function readEventsPage(store: EventStore, request: EventsLogRequest): Promise<EventsLogPage> {
  await assertAccountExists(store, request.accountId);
  const until = await stampOf(store, request);
  const events: StoredEvent[] = [];
  let more = false;
  for await (const event of matchingEvents(store, request, until)) {
    if (events.length === request.limit) {
      more = true;
      break;
    }
    events.push(event);
  }
  return {
    accountId: request.accountId,
    untilPosition: formatPosition(until),
    events: events.map(toEventView),
    nextAfter: more ? formatPosition(events[events.length - 1].position) : null,
  };
}

/**
 * An export: every matching event of every page as NDJSON lines, after a first line with the stamp
 * (`{accountId, untilPosition}`). The same lines from HTTP and the CLI.
 */
export async function* exportEventLines(store: EventStore, request: EventsLogRequest): AsyncIterable<string> {
  await assertAccountExists(store, request.accountId);
  const until = await stampOf(store, request);
  const stamp: EventsExportStamp = { accountId: request.accountId, untilPosition: formatPosition(until) };
  yield `${JSON.stringify(stamp)}\n`;
  for await (const event of matchingEvents(store, request, until)) yield `${JSON.stringify(toEventView(event))}\n`;
}

/** An account without a single event does not exist: the same 404 as for another tenant's account. */
async function assertAccountExists(store: EventStore, accountId: string): Promise<void> {
  const [first] = await store.readStream(accountStreamId(accountId), 0n, 1);
  if (!first) throw new DomainError('NOT_FOUND', `account '${accountId}' does not exist`);
}

/**
 * The position the answer stops at: `until` if given, but never past the head of the log, so that
 * no event can later appear at or before the stamp (an event at or before the head is committed).
 */
async function stampOf(store: EventStore, request: EventsLogRequest): Promise<LogPosition | null> {
  const head = await store.headPosition();
  return request.until !== null && comparePositions(request.until, head) < 0 ? request.until : head;
}

/** The account's events after `request.after` and at or before `until` that pass the filters, in log order. */
async function* matchingEvents(store: EventStore, request: EventsLogRequest, until: LogPosition | null): AsyncIterable<StoredEvent> {
  const streamId = accountStreamId(request.accountId);
  for (let revision = await firstRevisionAfter(store, streamId, request.after); ;) {
    const chunk = await store.readStream(streamId, revision, CHUNK);
    for (const event of chunk) {
      if (comparePositions(event.position, until) > 0) return;
      if (passes(event, request)) yield event;
    }
    if (chunk.length < CHUNK) return;
    revision = chunk[chunk.length - 1].streamRevision + 1n;
  }
}

function passes(event: StoredEvent, { types, from, to }: EventsLogRequest): boolean {
  if (types !== null && !types.has(event.type)) return false;
  if (from === null && to === null) return true;
  const at = Date.parse(event.metadata.occurredAt);
  return (from === null || at >= from) && (to === null || at < to);
}

/**
 * The first revision of the stream whose event lies after `after` in the log (or the revision past
 * its end). A stream's events are in log order, so a search over revisions finds it in O(log n) reads
 * of one event: first doubling to bracket it, then halving.
 */
async function firstRevisionAfter(store: EventStore, streamId: string, after: LogPosition | null): Promise<bigint> {
  if (after === null) return 0n;
  const isAfter = async (revision: bigint): Promise<boolean> => {
    const [event] = await store.readStream(streamId, revision, 1);
    return event === undefined || comparePositions(event.position, after) > 0;
  };
  let notAfter = -1n;
  let hi = 0n;
  while (!(await isAfter(hi))) {
    notAfter = hi;
    hi = hi * 2n + 1n;
  }
  while (hi - notAfter > 1n) {
    const mid = (notAfter + hi) / 2n;
    if (await isAfter(mid)) hi = mid;
    else notAfter = mid;
  }
  return hi;
}
