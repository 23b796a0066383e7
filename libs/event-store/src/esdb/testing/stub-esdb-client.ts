import { createRequire } from 'node:module';
import { PassThrough, Readable } from 'node:stream';
import {
  convertToCommandError,
  NO_STREAM,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendResult,
  type AppendToStreamOptions,
  type EventData,
  type ReadAllOptions,
  type ReadStreamOptions,
  type ResolvedEvent,
  type StreamingRead,
  type SubscribeToAllOptions,
} from '@eventstore/db-client';
import type { EsdbClient } from '../esdb-client.js';

/**
 * An in-process stand-in for `@eventstore/db-client`, for what only a misbehaving server or option
 * can show. Reads and subscriptions are the client's own: its `ReadStream` / `Subscription`
 * transforms and `convertGrpcEvent`, fed the protobuf `ReadResp` messages a server sends; errors are
 * the client's own classes, made the way it makes them from a server's answer.
 */
const require = createRequire(import.meta.url);
const pb = require('@eventstore/db-client/generated/streams_pb.js') as typeof import('@eventstore/db-client/generated/streams_pb.js');
const shared = require('@eventstore/db-client/generated/shared_pb.js') as typeof import('@eventstore/db-client/generated/shared_pb.js');
const { Subscription } =
  require('@eventstore/db-client/dist/streams/utils/Subscription.js') as typeof import('@eventstore/db-client/dist/streams/utils/Subscription.js');
const { ReadStream } =
  require('@eventstore/db-client/dist/streams/utils/ReadStream.js') as typeof import('@eventstore/db-client/dist/streams/utils/ReadStream.js');
const { convertGrpcEvent } =
  require('@eventstore/db-client/dist/utils/convertGrpcEvent.js') as typeof import('@eventstore/db-client/dist/utils/convertGrpcEvent.js');
const grpc = require('@grpc/grpc-js') as typeof import('@grpc/grpc-js');

/** ulong.MaxValue: what a server sends where it has no position. */
export const NO_POSITION = 2n ** 64n - 1n;

export interface LoggedEvent {
  readonly stream: string;
  readonly revision: bigint;
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  commit: bigint;
  prepare: bigint;
}

type Operation = 'append' | 'readStream' | 'readAll';

export class StubEsdbClient implements EsdbClient {
  readonly log: LoggedEvent[] = [];
  /** What `serverVersion` answers. */
  version = '24.10.0.0';
  /** Calls made, by operation. */
  readonly calls: Record<Operation | 'subscribe', number> = { append: 0, readStream: 0, readAll: 0, subscribe: 0 };
  /** Options of every append, in order. */
  readonly appendOptions: AppendToStreamOptions[] = [];
  /** Replaces the answer of an append that succeeded (e.g. what throwOnAppendFailure=false gives). */
  answerAppend: ((result: AppendResult) => AppendResult) | null = null;
  /** Held before an append is answered. */
  appendGate: Promise<void> | null = null;
  closed = false;
  /** The live subscription's feed: push `ReadResp` messages into it. */
  feed: PassThrough | null = null;
  readonly #failures = new Map<Operation, Error[]>();
  #nextPosition = 1_000n;

  /** The next call of `operation` fails with `error` (after the client's own conversion). */
  failNext(operation: Operation, error: Error): void {
    this.#failures.set(operation, [...(this.#failures.get(operation) ?? []), error]);
  }

  /** Appends as a server would: checks the revision, gives each event its $all position. */
  record(stream: string, type: string, data: unknown = {}, metadata: unknown = {}): LoggedEvent {
    const revision = BigInt(this.log.filter((e) => e.stream === stream).length);
    const position = (this.#nextPosition += 100n);
    const event = { stream, revision, id: crypto.randomUUID(), type, data, metadata, commit: position, prepare: position };
    this.log.push(event);
    return event;
  }

  async appendToStream(streamName: string, events: EventData[], options: AppendToStreamOptions): Promise<AppendResult> {
    this.calls.append += 1;
    this.appendOptions.push(options);
    this.#fail('append');
    await this.appendGate;
    const current = this.#revisionOf(streamName);
    const expected = options.expectedRevision;
    if ((expected === NO_STREAM && current !== NO_STREAM) || (typeof expected === 'bigint' && expected !== current)) {
      throw new WrongExpectedVersionError(undefined, { streamName, current, expected: expected ?? 'any' });
    }
    let last: LoggedEvent | undefined;
    for (const event of events) {
      last = this.record(streamName, event.type, event.data, event.metadata);
      this.log[this.log.length - 1] = { ...last, id: event.id };
    }
    const result: AppendResult = { success: true, nextExpectedRevision: last!.revision, position: { commit: last!.commit, prepare: last!.prepare } };
    return this.answerAppend ? this.answerAppend(result) : result;
  }

  readStream(streamName: string, options: ReadStreamOptions): StreamingRead<ResolvedEvent> {
    this.calls.readStream += 1;
    const failure = this.#failure('readStream');
    const events = this.log.filter((e) => e.stream === streamName);
    const from = typeof options.fromRevision === 'bigint' ? options.fromRevision : 0n;
    let selected = options.direction === 'backwards' ? [...events].reverse() : events.filter((e) => e.revision >= from);
    selected = selected.slice(0, Number(options.maxCount ?? Number.MAX_SAFE_INTEGER));
    const responses = events.length === 0 ? [streamNotFound(streamName)] : selected.map(readResp);
    return new ReadStream<ResolvedEvent>(grpcStream(responses, failure), convertGrpcEvent, {}) as unknown as StreamingRead<ResolvedEvent>;
  }

  readAll(options: ReadAllOptions): StreamingRead<AllStreamResolvedEvent> {
    this.calls.readAll += 1;
    const failure = this.#failure('readAll');
    const from = options.fromPosition;
    const backwards = options.direction === 'backwards';
    let selected = backwards ? [...this.log].reverse() : this.log;
    if (typeof from === 'object') {
      selected = selected.filter((e) => (backwards ? e.commit < from.commit : e.commit >= from.commit));
    }
    selected = selected.slice(0, Number(options.maxCount ?? Number.MAX_SAFE_INTEGER));
    return new ReadStream<AllStreamResolvedEvent>(
      grpcStream(selected.map(readResp), failure),
      convertGrpcEvent,
      {},
    ) as unknown as StreamingRead<AllStreamResolvedEvent>;
  }

  /** Sends the events after `fromPosition` under the filter's prefixes, then what is pushed into `feed`. */
  subscribeToAll(options: SubscribeToAllOptions, readableOptions: { highWaterMark?: number }): AllStreamSubscription {
    this.calls.subscribe += 1;
    const from = options.fromPosition;
    const prefixes = options.filter && 'prefixes' in options.filter ? options.filter.prefixes : [''];
    const feed = new PassThrough({ objectMode: true });
    Object.assign(feed, { cancel: () => feed.destroy() });
    for (const event of this.log) {
      if (typeof from === 'object' && event.commit <= from.commit) continue;
      if (prefixes.some((prefix) => event.stream.startsWith(prefix))) feed.write(readResp(event));
    }
    this.feed = feed;
    return new Subscription<AllStreamResolvedEvent>(() => Promise.resolve(feed) as never, convertGrpcEvent, {
      ...readableOptions,
    }) as unknown as AllStreamSubscription;
  }

  async serverVersion(): Promise<string> {
    return this.version;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.feed?.destroy();
  }

  #revisionOf(stream: string): bigint | typeof NO_STREAM {
    const events = this.log.filter((e) => e.stream === stream);
    return events.length === 0 ? NO_STREAM : events[events.length - 1].revision;
  }

  #failure(operation: Operation): Error | undefined {
    return this.#failures.get(operation)?.shift();
  }

  #fail(operation: Operation): void {
    const failure = this.#failure(operation);
    if (failure) throw failure;
  }
}

/** A `ReadResp` carrying one recorded event, as a server sends it. */
export function readResp(event: LoggedEvent): InstanceType<typeof pb.ReadResp> {
  const recorded = new pb.ReadResp.ReadEvent.RecordedEvent();
  recorded.setId(new shared.UUID().setString(event.id));
  recorded.setStreamIdentifier(new shared.StreamIdentifier().setStreamName(Buffer.from(event.stream)));
  recorded.setStreamRevision(String(event.revision));
  recorded.setCommitPosition(String(event.commit));
  recorded.setPreparePosition(String(event.prepare));
  recorded.getMetadataMap().set('type', event.type);
  recorded.getMetadataMap().set('content-type', 'application/json');
  recorded.getMetadataMap().set('created', '0');
  recorded.setData(Buffer.from(JSON.stringify(event.data)));
  recorded.setCustomMetadata(Buffer.from(JSON.stringify(event.metadata)));
  const readEvent = new pb.ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(String(event.commit));
  return new pb.ReadResp().setEvent(readEvent);
}

/** The message a server sends when a catch-up subscription goes live. */
export function caughtUp(): InstanceType<typeof pb.ReadResp> {
  return new pb.ReadResp().setCaughtUp(new pb.ReadResp.CaughtUp());
}

function streamNotFound(stream: string): InstanceType<typeof pb.ReadResp> {
  return new pb.ReadResp().setStreamNotFound(
    new pb.ReadResp.StreamNotFound().setStreamIdentifier(new shared.StreamIdentifier().setStreamName(Buffer.from(stream))),
  );
}

/** A server's `NotLeader` answer, converted by the client as it converts every gRPC error. */
export function notLeaderError(): Error {
  const metadata = new grpc.Metadata();
  metadata.set('exception', 'not-leader');
  metadata.set('leader-endpoint-host', 'node2.ledger.internal');
  metadata.set('leader-endpoint-port', '2113');
  const serviceError = Object.assign(new Error('5 NOT_FOUND: Leader info available'), {
    code: grpc.status.NOT_FOUND,
    details: 'Leader info available',
    metadata,
  });
  return convertToCommandError(serviceError);
}

/** What a gRPC read call looks like to the client's transforms: a stream of `ReadResp`, cancellable. */
function grpcStream(responses: readonly unknown[], failure: Error | undefined): () => Promise<never> {
  return () => {
    const stream = failure
      ? new Readable({
          objectMode: true,
          read() {
            this.destroy(failure);
          },
        })
      : Readable.from(responses, { objectMode: true });
    Object.assign(stream, { cancel: () => stream.destroy() });
    return Promise.resolve(stream as never);
  };
}
