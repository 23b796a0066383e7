import assert from 'node:assert/strict';
import type { LedgerCommand } from '../commands.js';
import { decide, type Decision } from '../decide.js';
import type { DomainError, ErrorCode } from '../errors.js';
import type { EventMap, EventOf, EventType, LedgerEvent } from '../events.js';
import { poolFigures } from '../pools.js';
import type { Product } from '../products.js';
import { evolve, initialState, type AccountState } from '../state.js';
import { commandsOf, type CommandBuilder } from './command-builders.js';

/**
 * Given / when / then for the account decider (in the spirit of emmett's DeciderSpecification).
 *
 *   given(openAcme, purchaseKse5)
 *     .when(cmd('AssignSeat', '2026-01-06T13:00:00Z', { product: 'KSE', userId: 'u1' }))
 *     .then([{ type: 'SeatAssigned', data: { product: 'KSE', userId: 'u1', licenseSource: 'account' } }]);
 *
 * - `given(...)` takes commands and/or events (or arrays of them). Commands are decided with
 *   `now` = their own `at` and must be accepted (a rejected one fails the test loudly); their
 *   events, and given events, are folded with `evolve`. The history is folded afresh for each
 *   `when`, so one `given` can serve several `when`s (evolve mutates in place).
 * - `when(command, { now?, leaseMs? })`: `now` defaults to the command's `at`, the lease to 900 s
 *   (the lease also applies to the given commands).
 * - `then(events)` asserts acceptance and the exact events (`occurredAt` defaults to the command's
 *   `at`); `thenRejects(code, text?)` asserts the code and that nothing is appended;
 *   `thenDenied(code, type)` asserts a capacity denial that records exactly one SessionDenied /
 *   ApplicationDenied (after any SessionExpired the command's lease check appended).
 *
 * Uses node:assert (not jest's `expect`) so the file compiles and runs outside jest too.
 */

export const DEFAULT_LEASE_MS = 900_000;

/** A fact of the history: a command to decide (must be accepted) or an event to fold as is. */
export type Fact = LedgerCommand | LedgerEvent;

export interface WhenOptions {
  /** Wall clock as an ISO instant; default: the command's `at`. */
  readonly now?: string;
  /** Session lease in ms for the history and the command; default 900 000 (900 s). */
  readonly leaseMs?: number;
}

/** An expected event: as produced by the decider, `occurredAt` defaulting to the command's `at`. */
export type ExpectedEvent = { [K in EventType]: { type: K; data: EventMap[K]; occurredAt?: string } }[EventType];

/** The account every scenario uses unless a command says otherwise. */
export const ACCOUNT_ID = 'acme';

/** Builds a command of account `acme`: `cmd('AssignSeat', '2026-01-06T13:00:00Z', { product: 'KSE', userId: 'u1' })`. */
export const cmd: CommandBuilder = commandsOf(ACCOUNT_ID);

function isEvent(fact: Fact): fact is LedgerEvent {
  return 'data' in fact && 'occurredAt' in fact;
}

function describeCommand(c: LedgerCommand): string {
  return `${c.type} at ${c.at} ${JSON.stringify(c)}`;
}

/** Folds a history into a fresh state (see `given`). Throws if a given command is not accepted. */
export function fold(history: readonly Fact[], leaseMs = DEFAULT_LEASE_MS): AccountState {
  const state = initialState();
  history.forEach((fact, index) => {
    if (isEvent(fact)) {
      evolve(state, fact);
      return;
    }
    const decision = decide(state, fact, { now: Date.parse(fact.at), leaseMs });
    if (decision.error) {
      throw new Error(
        `given: history entry #${index + 1} (${describeCommand(fact)}) was rejected with ` +
          `${decision.error.code}: ${decision.error.message}. A given command must be accepted.`,
      );
    }
    for (const e of decision.events) evolve(state, e);
  });
  return state;
}

export class Scenario {
  constructor(private readonly history: readonly Fact[]) {}

  /** The same history followed by more facts. */
  and(...more: readonly (Fact | readonly Fact[])[]): Scenario {
    return new Scenario([...this.history, ...flatten(more)]);
  }

  /** The folded state of the history (a fresh copy each call). */
  state(leaseMs = DEFAULT_LEASE_MS): AccountState {
    return fold(this.history, leaseMs);
  }

  when(command: LedgerCommand, options: WhenOptions = {}): Outcome {
    const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    const state = fold(this.history, leaseMs);
    if (options.now !== undefined) assert.ok(!Number.isNaN(Date.parse(options.now)), `when: options.now '${options.now}' is not an ISO instant`);
    // A malformed `at` (a validation case) leaves now NaN: decide rejects the `at` before using it.
    const now = Date.parse(options.now ?? command.at);
    const decision = decide(state, command, { now, leaseMs });
    return new Outcome(command, state, decision);
  }
}

export function given(...history: readonly (Fact | readonly Fact[])[]): Scenario {
  return new Scenario(flatten(history));
}

function flatten(facts: readonly (Fact | readonly Fact[])[]): Fact[] {
  return facts.flatMap((f) => (Array.isArray(f) ? (f as readonly Fact[]) : [f as Fact]));
}

function describeDecision(d: Decision): string {
  const error = d.error ? `${d.error.code}: ${d.error.message}` : 'no error';
  return `${error}; events ${JSON.stringify(d.events.map((e) => e.type))}`;
}

export class Outcome {
  private folded = false;

  constructor(
    readonly command: LedgerCommand,
    /** The state the command was decided on (events of `then` are folded into it). */
    private readonly stateBefore: AccountState,
    readonly decision: Decision,
  ) {}

  /** Accepted with exactly these events, in order. Returns the state after folding them. */
  then(expected: readonly ExpectedEvent[]): AccountState {
    const { events, error } = this.decision;
    if (error) assert.fail(`expected ${this.command.type} to be accepted, but: ${describeDecision(this.decision)}`);
    const want = expected.map((e) => ({ type: e.type, data: e.data, occurredAt: e.occurredAt ?? this.command.at }));
    assert.deepStrictEqual(events, want, `events of ${this.command.type} at ${this.command.at}`);
    return this.accepted();
  }

  /** Accepted (whatever the events); returns the state after folding them, for further checks. */
  thenAccepted(): AccountState {
    if (this.decision.error) assert.fail(`expected ${this.command.type} to be accepted, but: ${describeDecision(this.decision)}`);
    return this.accepted();
  }

  /** Rejected with `code` (and a message containing `messageSubstring`), appending nothing. */
  thenRejects(code: ErrorCode, messageSubstring?: string): DomainError {
    const { events, error } = this.decision;
    assert.ok(error, `expected ${this.command.type} to be rejected with ${code}, but it was accepted with ${describeDecision(this.decision)}`);
    assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
    if (messageSubstring !== undefined) {
      assert.ok(error.message.includes(messageSubstring), `expected the message of ${code} to contain "${messageSubstring}", got "${error.message}"`);
    }
    assert.deepStrictEqual(events, [], `a rejected ${this.command.type} must append nothing`);
    return error;
  }

  /**
   * Rejected with `code` for capacity, recording exactly one `deniedType` event (preceded only by
   * the SessionExpired events of lapsed leases). Returns the denial event.
   */
  thenDenied<K extends 'SessionDenied' | 'ApplicationDenied'>(code: ErrorCode, deniedType: K): EventOf<K> {
    const { events, error } = this.decision;
    assert.ok(error, `expected ${this.command.type} to be denied with ${code}, but it was accepted with ${describeDecision(this.decision)}`);
    assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
    const recorded = events.filter((e) => e.type !== 'SessionExpired');
    assert.deepStrictEqual(
      recorded.map((e) => e.type),
      [deniedType],
      `a denied ${this.command.type} records exactly one ${deniedType}`,
    );
    const denial = recorded[0]!;
    assert.equal(denial.occurredAt, this.command.at, `${deniedType} happens at the attempt's at`);
    assert.equal(events[events.length - 1], denial, `${deniedType} comes after any SessionExpired`);
    return denial as EventOf<K>;
  }

  /** The decision's events folded into the state it was decided on (done once). */
  private accepted(): AccountState {
    if (!this.folded) {
      for (const e of this.decision.events) evolve(this.stateBefore, e);
      this.folded = true;
    }
    return this.stateBefore;
  }
}

/** Pool figures of one product at an instant, keyed by scope ('account' or orgId), for readable asserts. */
export function pools(
  state: AccountState,
  product: Product,
  at: string,
  leaseMs = DEFAULT_LEASE_MS,
): Record<string, { dedicated: number; pool: number; used: number; offline: number; available: number }> {
  const out: Record<string, { dedicated: number; pool: number; used: number; offline: number; available: number }> = {};
  for (const [scope, f] of poolFigures(state, product, Date.parse(at), leaseMs)) {
    out[scope] = { dedicated: f.dedicated, pool: f.pool, used: f.used, offline: f.offline, available: f.available };
  }
  return out;
}
