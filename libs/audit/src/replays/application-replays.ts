import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Inject, Injectable, Optional, type OnModuleDestroy } from '@nestjs/common';
import type { EventStore } from '../../../event-store/src/event-store.js';
import { serviceConfig, sessionLeaseMs, type LedgerConfig } from '../../../platform/src/config.js';
import { EVENT_STORE, LEDGER_CONFIG } from '../../../platform/src/tokens.js';
import { replayInThread, type ReplayAnswers, type ReplayKind, type ReplayRunner, type ReplaySettings, type ReplayTaskOf } from './replay-tasks.js';
import { ReplayThreads } from './replay-threads.js';

/**
 * Token of the compiled replay thread's script (a URL): the application provides it
 * (apps/replay-thread), whose thread answers every kind of ReplayTask. Without it, replays run in the
 * calling thread.
 */
export const REPLAY_THREAD_SCRIPT = Symbol('REPLAY_THREAD_SCRIPT');

/** The replay settings of the configuration (SESSION_LEASE_SECONDS, ACTIVITY_ACTIONS). */
export function replaySettings(config?: Pick<LedgerConfig, 'sessionLeaseSeconds' | 'activityActions'>): ReplaySettings {
  return { leaseMs: sessionLeaseMs(config), activityActions: config?.activityActions ?? null };
}

/** Replays in the calling thread over `store`; without one, every replay fails saying so. */
export function inThreadOver(store: EventStore | undefined, config?: Pick<LedgerConfig, 'sessionLeaseSeconds' | 'activityActions'>): ReplayRunner {
  if (store) return replayInThread(store, replaySettings(config));
  return { run: () => Promise.reject(new Error('replaying history needs the event store: no EVENT_STORE is provided in this application')) };
}

/**
 * Replay threads for `replayConcurrency` admitted replays on `cores` cores: one core stays for the
 * thread answering requests (and the database serving it), so at most cores − 1 replays fold at once,
 * at least one; the admitted replays beyond wait their turn. Folding is CPU-bound: more threads than
 * free cores would not answer replays sooner, only take the CPU from the other requests and hold more
 * histories in memory at once.
 */
export function replayThreadCount(replayConcurrency: number, cores: number): number {
  return Math.max(1, Math.min(replayConcurrency, cores - 1));
}

/**
 * Where the application's replays run (token REPLAY_RUNNER). With PostgreSQL holding the events (or
 * EventStoreDB), on replay threads (ReplayThreads, `replayThreadCount`), each reading through its own
 * connection, so the event loop answering the other requests never folds a stream; `REPLAY_THREADS=off`,
 * the embedded PGlite store (which lives in this process and cannot be shared with a thread), an
 * application that gives no thread script (REPLAY_THREAD_SCRIPT) and TypeScript sources (tests: the
 * thread runs the compiled script) replay in the calling thread.
 */
@Injectable()
export class ApplicationReplays implements ReplayRunner, OnModuleDestroy {
  readonly #threads: ReplayThreads | null;
  readonly #inThread: ReplayRunner;

  constructor(
    @Optional() @Inject(EVENT_STORE) store?: EventStore,
    @Optional() @Inject(LEDGER_CONFIG) config?: LedgerConfig,
    @Optional() @Inject(REPLAY_THREAD_SCRIPT) script?: URL,
  ) {
    this.#inThread = inThreadOver(store, config);
    this.#threads = store && config && script ? replayThreadsFor(config, replaySettings(config), script) : null;
  }

  /** Whether replays run on threads (else in the calling thread). */
  get threaded(): boolean {
    return this.#threads !== null;
  }

  run<K extends ReplayKind>(task: ReplayTaskOf<K>): Promise<ReplayAnswers[K]> {
    return (this.#threads ?? this.#inThread).run(task);
  }

  async onModuleDestroy(): Promise<void> {
    await this.#threads?.close();
  }
}

/** Replay threads for `config`, or null where replays run in the calling thread (see ApplicationReplays). */
export function replayThreadsFor(config: LedgerConfig, settings: ReplaySettings, script: URL): ReplayThreads | null {
  const service = serviceConfig(config);
  if (!service.replayThreads || !config.databaseUrl || !existsSync(fileURLToPath(script))) return null;
  return new ReplayThreads(
    replayThreadCount(service.replayConcurrency, availableParallelism()),
    {
      databaseUrl: config.databaseUrl,
      databaseSchema: config.databaseSchema,
      eventStoreUrl: config.eventStoreUrl,
      eventStoreStreamPrefix: config.eventStoreStreamPrefix,
      settings,
    },
    script,
  );
}
