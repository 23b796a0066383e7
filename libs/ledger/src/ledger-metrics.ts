import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { DomainError } from '../../domain/src/errors.js';

/** How an append to an account stream ended. */
export type AppendOutcome = 'accepted' | 'conflict' | 'failed';
/** How a command ended: appended (or nothing to append), repeated commandId, refused by a rule, or an unexpected failure. */
export type CommandResult = 'accepted' | 'duplicate' | 'rejected' | 'failed';

/**
 * The write side's Prometheus metrics, in a registry of this application's own (so that two
 * applications in one process, as in tests, never share counters), beside the process's default
 * metrics and the HTTP ones (apps/api). `GET /metrics` exposes it.
 */
export class LedgerMetrics {
  readonly registry = new Registry();

  constructor() {
    // The process's own: CPU, memory, heap, event-loop lag, handles, GC (process_*, nodejs_*).
    collectDefaultMetrics({ register: this.registry });
  }

  readonly #appends = new Counter({
    name: 'ledger_appends_total',
    help: 'Appends to account streams by outcome: accepted; conflict (the stream moved on, the command is decided again); failed (store error)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly #appendSeconds = new Histogram({
    name: 'ledger_append_duration_seconds',
    help: 'Time an append to an account stream took, by outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly #commands = new Counter({
    name: 'ledger_commands_total',
    help: 'Commands by type and outcome: accepted, duplicate (repeated commandId), rejected (a rule of SPEC §3), failed (unexpected)',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });

  recordAppend(outcome: AppendOutcome, seconds: number): void {
    this.#appends.inc({ outcome });
    this.#appendSeconds.observe({ outcome }, seconds);
  }

  recordCommand(type: string, outcome: CommandResult): void {
    this.#commands.inc({ type, outcome });
  }
}

/** The outcome of a command that threw: a DomainError is the ledger saying no. */
export function failureOutcome(error: unknown): CommandResult {
  return error instanceof DomainError ? 'rejected' : 'failed';
}
