import type { ReadableOptions } from 'node:stream';
import {
  EventStoreDBClient,
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

/**
 * What the adapter uses of `@eventstore/db-client`, so that tests can put a stub in its place (the
 * adapter's behaviour against a misbehaving server or option can only be shown that way here).
 */
export interface EsdbClient {
  appendToStream(streamName: string, events: EventData[], options: AppendToStreamOptions): Promise<AppendResult>;
  readStream(streamName: string, options: ReadStreamOptions): StreamingRead<ResolvedEvent>;
  readAll(options: ReadAllOptions): StreamingRead<AllStreamResolvedEvent>;
  subscribeToAll(options: SubscribeToAllOptions, readableOptions: ReadableOptions): AllStreamSubscription;
  /** The version the server announces ("24.10.0.0"), or "unknown" when it announces none (before 21.10). */
  serverVersion(): Promise<string>;
  /** Cancels the client's gRPC calls and closes its channel. */
  close(): Promise<void>;
}

/** A client for the connection string (`esdb://…` or `esdb+discover://…`); it connects on first use. */
export function connectEsdbClient(connectionString: string): EsdbClient {
  const client = EventStoreDBClient.connectionString(connectionString);
  let used = false;
  return {
    appendToStream: (streamName, events, options) => {
      used = true;
      return client.appendToStream(streamName, events, options);
    },
    readStream: (streamName, options) => {
      used = true;
      return client.readStream(streamName, options);
    },
    readAll: (options) => {
      used = true;
      return client.readAll(options);
    },
    subscribeToAll: (options, readableOptions) => {
      used = true;
      return client.subscribeToAll(options, readableOptions);
    },
    // The client keeps what the server announced (its ServerFeatures) behind a protected getter.
    serverVersion: async () => {
      used = true;
      return (await client['capabilities']).serverVersion;
    },
    // `dispose` cancels the calls but leaves the channel open (and the process alive); the channel is
    // only reachable through a protected accessor, which creates one when none is open: only ask when used.
    close: async () => {
      await client.dispose();
      if (used) (await client['getChannel']()).close();
    },
  };
}
