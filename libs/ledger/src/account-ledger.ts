import { Logger } from '@nestjs/common';
import { decide, DomainError, evolve, type AccountState, type LedgerCommand, type LedgerEvent } from '../../domain/src/index.js';
import {
  formatPosition,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type StoredEvent,
} from '../../event-store/src/event-store.js';
import { appendChunks, type DecidedCommand } from './append-chunks.js';
import { loadAccount } from './account-loading.js';
import type { AccountSnapshots } from './account-snapshots.js';
import { accountStreamId, foldStored, toNewEvents } from './account-stream.js';
import type { Clock } from '../../platform/src/clock.js';
import { DEFAULT_SNAPSHOT_EVERY_EVENTS } from '../../platform/src/config.js';
import type { BatchResult, CommandContext, CommandOutcome, IncomingCommand, RecordedEvent } from './command-gateway.js';
import { KeyedMutex } from './keyed-mutex.js';
import type { RejectedCommands } from './rejected-commands.js';
import { commandIdsByAccount, outcomeOf, repeatOf, replayedOutcome, replayedResult, toFailure } from './repeated-commands.js';
import { SnapshotWriter } from './snapshot-writer.js';

/** How often a command is decided again after another writer moved the stream on. */
const MAX_ATTEMPTS = 20;
/** Accounts whose state stays in memory between commands. */
const CACHED_ACCOUNTS = 1_000;

/** Where account states are snapshotted (docs/decisions.md, "Account-state snapshots"). */
export interface SnapshotOptions {
  readonly snapshots: AccountSnapshots;
  /** A snapshot once this many events were appended to an account since its last one (default `DEFAULT_SNAPSHOT_EVERY_EVENTS`); 0: none written. */
  readonly everyEvents?: number;
}

/**
 * Load → decide → append with the expected revision, for one account stream.
 *
 * States are cached between commands and caught up only when an append finds the stream
 * moved on (another process wrote): then the command is decided again on the fresh state,
 * so only a real rule violation reaches the caller. With snapshots, a state not in memory starts
 * from the account's latest snapshot and folds only the events after it.
 */
export class AccountLedger {
  private readonly states = new Map<string, AccountState>();
  private readonly mutex = new KeyedMutex();
  private readonly logger = new Logger(AccountLedger.name);
  private readonly snapshotWriter: SnapshotWriter | null;

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly leaseMs: number,
    private readonly rejections?: RejectedCommands,
    private readonly snapshots?: SnapshotOptions,
  ) {
    const everyEvents = snapshots?.everyEvents ?? DEFAULT_SNAPSHOT_EVERY_EVENTS;
    this.snapshotWriter =
      snapshots && everyEvents > 0
        ? new SnapshotWriter(
            store,
            snapshots.snapshots,
            everyEvents,
            (accountId, task) => this.mutex.run(accountId, async () => task(this.states.get(accountId))),
            this.logger,
          )
        : null;
  }

  execute(command: IncomingCommand, context: CommandContext): Promise<CommandOutcome> {
    return this.mutex.run(command.accountId, () => this.executeHoldingLock(command, context));
  }

  /**
   * Decides commands in order and appends each account's events of the batch in as few appends as
   * the store's `maxAppendBytes` allows, split between commands (each command stays atomic). If
   * another writer moved an account's stream meanwhile, that account's commands not yet appended
   * are decided again one by one on the fresh state.
   */
  executeMany(commands: readonly IncomingCommand[], context: CommandContext): Promise<BatchResult[]> {
    return this.mutex.runAll(
      commands.map((c) => c.accountId),
      () => this.executeManyHoldingLocks(commands, context),
    );
  }

  /** Resolves once the snapshots started so far are written (or have failed). */
  snapshotsWritten(): Promise<void> {
    return this.snapshotWriter?.idle() ?? Promise.resolve();
  }

  /** Accounts in memory with sessions still open by event (candidates for the lease reaper). */
  accountsWithOpenSessions(): string[] {
    return [...this.states.values()].filter((s) => s.opened && s.sessions.size > 0).map((s) => s.accountId);
  }

  private async executeHoldingLock(incoming: IncomingCommand, context: CommandContext): Promise<CommandOutcome> {
    for (let attempt = 1; ; attempt++) {
      const state = await this.load(incoming.accountId);
      if (incoming.commandId) {
        // Looked up again on every attempt: a writer that moved the stream on may have recorded this very command.
        const [earlier, rejected] = await Promise.all([
          this.store.readCommandEvents(accountStreamId(incoming.accountId), [incoming.commandId]),
          this.rejections?.find(incoming.accountId, [incoming.commandId]),
        ]);
        const events = earlier.get(incoming.commandId);
        if (events) return replayedOutcome(incoming, events);
        const first = rejected?.get(incoming.commandId);
        if (first) throw first;
      }
      const command = this.stamp(incoming, state);
      const decision = decide(state, command, { now: this.clock.now(), leaseMs: this.leaseMs });
      if (decision.events.length === 0) {
        if (!decision.error) return outcomeOf(command, false, [], null);
        if (command.commandId) await this.rejections?.record(command.accountId, new Map([[command.commandId, decision.error]]));
        throw decision.error;
      }
      const firstRevision = state.revision + 1n;
      const newEvents = toNewEvents(decision.events, command.commandId, context);
      let appended: AppendResult;
      try {
        appended = await this.store.appendToStream(accountStreamId(command.accountId), expectedOf(state), newEvents);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        await this.catchUp(command.accountId, state);
        if (attempt < MAX_ATTEMPTS) continue;
        throw new DomainError('CONFLICT', `account '${command.accountId}' kept changing while this command was decided; try again`);
      }
      this.applyDecided(state, decision.events);
      this.snapshotWriter?.appended(command.accountId, state);
      if (decision.error) throw decision.error;
      return outcomeOf(command, false, recorded(decision.events, newEvents, firstRevision), formatPosition(appended.position));
    }
  }

  private async executeManyHoldingLocks(commands: readonly IncomingCommand[], context: CommandContext): Promise<BatchResult[]> {
    const results: BatchResult[] = new Array(commands.length);
    const pending = new Map<string, { expected: ExpectedRevision; commands: DecidedCommand[] }>();
    const [earlier, rejected] = await Promise.all([this.priorEvents(commands), this.priorRejections(commands)]);
    const newlyRejected = new Map<string, Map<string, DomainError>>();
    /** Per account, commandId → index of the command of this batch that appended under it. */
    const appendedHere = new Map<string, Map<string, number>>();
    /** [index of a repeat, index of the first command with its commandId] within this batch. */
    const repeats: [number, number][] = [];
    try {
      for (const [i, incoming] of commands.entries()) {
        const state = await this.load(incoming.accountId);
        const events = incoming.commandId ? earlier.get(incoming.accountId)?.get(incoming.commandId) : undefined;
        if (events) {
          results[i] = replayedResult(incoming, events);
          continue;
        }
        const firstHere = incoming.commandId ? appendedHere.get(incoming.accountId)?.get(incoming.commandId) : undefined;
        if (firstHere !== undefined) {
          repeats.push([i, firstHere]);
          continue;
        }
        const first = incoming.commandId ? rejected.get(incoming.accountId)?.get(incoming.commandId) : undefined;
        if (first) {
          results[i] = { ok: false, error: first };
          continue;
        }
        const command = this.stamp(incoming, state);
        const decision = decide(state, command, { now: this.clock.now(), leaseMs: this.leaseMs });
        if (decision.error && decision.events.length === 0 && command.commandId) {
          const forAccount = newlyRejected.get(command.accountId) ?? new Map<string, DomainError>();
          newlyRejected.set(command.accountId, forAccount.set(command.commandId, decision.error));
          rejected.set(command.accountId, (rejected.get(command.accountId) ?? new Map()).set(command.commandId, decision.error));
        }
        if (decision.events.length > 0) {
          const batch = pending.get(command.accountId) ?? { expected: expectedOf(state), commands: [] };
          pending.set(command.accountId, batch);
          const firstRevision = state.revision + 1n;
          const newEvents = toNewEvents(decision.events, command.commandId, context);
          batch.commands.push({ index: i, events: newEvents });
          if (command.commandId) {
            const forAccount = appendedHere.get(command.accountId) ?? new Map<string, number>();
            appendedHere.set(command.accountId, forAccount.set(command.commandId, i));
          }
          this.applyDecided(state, decision.events);
          results[i] = decision.error
            ? { ok: false, error: decision.error }
            : { ok: true, outcome: outcomeOf(command, false, recorded(decision.events, newEvents, firstRevision), null) };
        } else {
          results[i] = decision.error ? { ok: false, error: decision.error } : { ok: true, outcome: outcomeOf(command, false, [], null) };
        }
      }
    } catch (error) {
      // Decided but unappended events are in the cached states: forget them.
      for (const accountId of pending.keys()) this.states.delete(accountId);
      throw error;
    }

    /** Accounts whose commands from this index on were decided again. */
    const redecidedFrom = new Map<string, number>();
    for (const [accountId, batch] of pending) {
      let expected = batch.expected;
      for (const chunk of appendChunks(batch.commands, this.store.maxAppendBytes)) {
        try {
          const appended = await this.store.appendToStream(
            accountStreamId(accountId),
            expected,
            chunk.flatMap((c) => c.events),
          );
          expected = appended.nextExpectedRevision;
          const state = this.states.get(accountId);
          if (state) this.snapshotWriter?.appended(accountId, state);
          const position = formatPosition(appended.position);
          for (const { index } of chunk) {
            const result = results[index];
            if (result.ok) results[index] = { ok: true, outcome: { ...result.outcome, position } };
          }
        } catch (error) {
          this.states.delete(accountId);
          if (!(error instanceof WrongExpectedRevisionError)) throw error;
          // Another writer got in first: decide this account's commands not appended yet again, one by one.
          const from = chunk[0].index;
          redecidedFrom.set(accountId, from);
          for (const [i, command] of commands.entries()) {
            if (command.accountId !== accountId || i < from) continue;
            results[i] = await this.executeHoldingLock(command, context).then(
              (outcome): BatchResult => ({ ok: true, outcome }),
              (e: unknown) => toFailure(e),
            );
          }
          break;
        }
      }
    }
    for (const [i, first] of repeats) {
      const from = redecidedFrom.get(commands[i].accountId);
      // A repeat decided again one by one (its account's stream moved on) has its own result already.
      if (from === undefined || i < from) results[i] = repeatOf(commands[i], results[first]);
    }
    for (const [accountId, rejections] of newlyRejected) {
      const from = redecidedFrom.get(accountId);
      const kept =
        from === undefined
          ? rejections
          : new Map(
              [...rejections].filter(([commandId]) => commands.findIndex((c) => c.accountId === accountId && c.commandId === commandId) < from),
            );
      if (kept.size > 0) await this.rejections?.record(accountId, kept);
    }
    return results;
  }

  /** Events recorded earlier under the commandIds of a batch, by account, in one query per account. */
  private async priorEvents(commands: readonly IncomingCommand[]): Promise<Map<string, Map<string, StoredEvent[]>>> {
    const lookups = [...commandIdsByAccount(commands)].map(
      async ([accountId, ids]) => [accountId, await this.store.readCommandEvents(accountStreamId(accountId), ids)] as const,
    );
    return new Map(await Promise.all(lookups));
  }

  /** Rejections recorded earlier for the commandIds of a batch, by account, in one query per account. */
  private async priorRejections(commands: readonly IncomingCommand[]): Promise<Map<string, Map<string, DomainError>>> {
    const found = new Map<string, Map<string, DomainError>>();
    if (!this.rejections) return found;
    for (const [accountId, ids] of commandIdsByAccount(commands)) found.set(accountId, await this.rejections.find(accountId, ids));
    return found;
  }

  private async load(accountId: string): Promise<AccountState> {
    let state = this.states.get(accountId);
    if (state) {
      // Most recently used last, so the oldest is evicted first.
      this.states.delete(accountId);
      this.states.set(accountId, state);
      return state;
    }
    const loaded = await loadAccount(this.store, this.snapshots?.snapshots ?? null, accountId, this.logger);
    this.snapshotWriter?.loaded(accountId, loaded.snapshotRevision);
    state = loaded.state;
    this.states.set(accountId, state);
    if (this.states.size > CACHED_ACCOUNTS) this.states.delete(this.states.keys().next().value!);
    return state;
  }

  private async catchUp(accountId: string, state: AccountState): Promise<void> {
    foldStored(state, await this.store.readStream(accountStreamId(accountId), state.revision + 1n));
  }

  /** Fills in `at` when the sender left it out: now, never before the account's latest event. */
  private stamp(command: IncomingCommand, state: AccountState): LedgerCommand {
    if (command.at !== undefined) return command as LedgerCommand;
    const at = Math.max(this.clock.now(), Number.isFinite(state.lastAt) ? state.lastAt : 0);
    return { ...command, at: new Date(at).toISOString() } as LedgerCommand;
  }

  private applyDecided(state: AccountState, events: readonly LedgerEvent[]): void {
    for (const e of events) {
      evolve(state, e);
      state.revision += 1n;
    }
  }
}

function expectedOf(state: AccountState): ExpectedRevision {
  return state.revision < 0n ? 'no_stream' : state.revision;
}

function recorded(events: readonly LedgerEvent[], newEvents: readonly NewEvent[], firstRevision: bigint): RecordedEvent[] {
  return events.map((e, i) => ({
    type: e.type,
    streamRevision: (firstRevision + BigInt(i)).toString(),
    data: newEvents[i].data,
    occurredAt: e.occurredAt,
  }));
}
