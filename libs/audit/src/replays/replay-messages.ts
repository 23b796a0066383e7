import { DomainError, ERROR_STATUS, type ErrorCode, type FieldError } from '../../../domain/src/errors.js';
import type { ReplaySettings, ReplayTask } from './replay-tasks.js';

/** What a replay thread is started with: where the events are, and the settings every replay reads. */
export interface ReplayThreadData {
  /** PostgreSQL holding the events (its own connection, read only). */
  readonly databaseUrl: string;
  readonly databaseSchema?: string;
  /** EventStoreDB instead, when the ledger keeps its events there. */
  readonly eventStoreUrl?: string;
  readonly eventStoreStreamPrefix?: string;
  readonly settings: ReplaySettings;
}

/** Server thread → replay thread. */
export interface ReplayRequestMessage {
  readonly id: number;
  readonly task: ReplayTask;
}

/** A failure as it crosses the thread boundary: a DomainError keeps its code and field errors. */
export interface ReplayFailure {
  readonly message: string;
  readonly code?: ErrorCode;
  readonly errors?: readonly FieldError[];
}

/** Replay thread → server thread: the answer or the failure of request `id`. */
export type ReplayReplyMessage = { readonly id: number; readonly value: unknown } | { readonly id: number; readonly failure: ReplayFailure };

export function failureOf(error: unknown): ReplayFailure {
  if (error instanceof DomainError) return { message: error.message, code: error.code, errors: error.errors };
  return { message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
}

/** The error the caller sees: the same DomainError (its HTTP status and SPEC code), or an Error naming the replay thread. */
export function errorOf(failure: ReplayFailure): Error {
  if (failure.code !== undefined && failure.code in ERROR_STATUS) return new DomainError(failure.code, failure.message, failure.errors ?? []);
  return new Error(`a replay thread failed: ${failure.message}`);
}
