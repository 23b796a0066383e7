import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { planAccounts, type AccountSim } from './account-sim.js';
import type { HistoryCommand } from './command-buffer.js';
import { resolveHistoryOptions, type HistoryOptions, type ResolvedHistoryOptions } from './history-options.js';
import { TimedHeap } from './timed-heap.js';

export type { HistoryCommand } from './command-buffer.js';
export * from './history-options.js';

/**
 * A generator of realistic command histories for the benchmarks (`npm run bench`) and the demo data
 * set (`ledger demo`, see `demoHistoryOptions`): deterministic for a given set of options, streamed (one account-day in memory per
 * account at a time), every command in the NDJSON schema of SPEC §3.
 *
 * Each account has an organization tree of depth 3 (5 top-level orgs × 3 × 2 = 50 orgs), projects,
 * users onboarded over the first fifth of the history, purchases of seat products (KSE, TESTOPS,
 * KAM), session products (KRE, TC_DESKTOP, TC_MOBILE_NATIVE) and TRUETEST, dedications (nested
 * for KSE), initial seat assignments and daily churn, logins and activity, sessions with
 * heartbeats every ~10 minutes and ends (a few crash and lapse, a few are denied at capacity),
 * offline licenses, machines registered and deactivated, applications under test, one purchase
 * amendment and one dedication change. Commands of one account are in time order; accounts are
 * interleaved by time. Every `at` lies before `end` (default 2026-11-01T00:00:00Z).
 *
 * The generator mirrors the pool rules well enough that almost every command is accepted; the
 * rejections it produces on purpose (sessions denied at capacity, an admin assigning a seat twice,
 * a heartbeat after the lease lapsed) are counted in `stats.expectedRejections`.
 *
 * Its parts: history-options.ts (options and defaults), account-sim.ts (one account's plan and its
 * days), directory.ts (orgs, projects, users), administration.ts (set-up, onboarding, daily admin),
 * work-day.ts (logins, activity, sessions), account-pools.ts (the pools it mirrors), command-buffer.ts
 * (one account-day of commands), timed-heap.ts (merging accounts by time), random.ts (seeded PRNG).
 */

export interface HistoryStats {
  commands: number;
  byType: Record<string, number>;
  /** Commands the generator knows will be rejected, by expected error code. */
  expectedRejections: Record<string, number>;
  firstAt: string | null;
  lastAt: string | null;
}

export interface History {
  readonly options: ResolvedHistoryOptions;
  readonly accounts: readonly { readonly accountId: string; readonly users: number; readonly timezone: string }[];
  /** Updated while `commands` is iterated. */
  readonly stats: HistoryStats;
  readonly commands: Generator<HistoryCommand>;
}

/** The history as a stream of commands, in time order per account, stopping after `commands`. */
export function createHistory(options: HistoryOptions): History {
  const resolved = resolveHistoryOptions(options);
  const sims = planAccounts(resolved);
  const stats: HistoryStats = { commands: 0, byType: {}, expectedRejections: {}, firstAt: null, lastAt: null };
  return {
    options: resolved,
    accounts: sims.map((s) => ({ accountId: s.accountId, users: s.directory.users.length, timezone: s.timezone })),
    stats,
    commands: mergeByTime(sims, resolved.commands, stats),
  };
}

function* mergeByTime(sims: readonly AccountSim[], limit: number, stats: HistoryStats): Generator<HistoryCommand> {
  const heap = new TimedHeap();
  const streams = sims.map((sim) => sim.run());
  streams.forEach((stream, index) => {
    const first = stream.next();
    if (!first.done) heap.push(first.value, index);
  });
  while (stats.commands < limit && heap.size > 0) {
    const { item, source } = heap.pop();
    stats.commands++;
    stats.byType[item.command.type] = (stats.byType[item.command.type] ?? 0) + 1;
    if (item.expect) stats.expectedRejections[item.expect] = (stats.expectedRejections[item.expect] ?? 0) + 1;
    stats.firstAt ??= item.command.at;
    stats.lastAt = item.command.at;
    yield item.command;
    const next = streams[source].next();
    if (!next.done) heap.push(next.value, source);
  }
}

export interface WrittenHistory {
  readonly file: string;
  readonly bytes: number;
  readonly seconds: number;
  readonly options: ResolvedHistoryOptions;
  readonly accounts: History['accounts'];
  readonly stats: HistoryStats;
}

/** Writes the history as NDJSON (one command per line), streaming; `onProgress` about once a second. */
export async function writeHistoryNdjson(
  options: HistoryOptions,
  file: string,
  onProgress?: (done: number, total: number, elapsedMs: number) => void,
): Promise<WrittenHistory> {
  const started = performance.now();
  const history = createHistory(options);
  const path = resolve(file);
  await mkdir(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  const failed = once(out, 'error').then(([error]) => {
    throw error;
  });
  let bytes = 0;
  let batch: string[] = [];
  let lastReport = started;
  const flush = async (): Promise<void> => {
    const text = batch.join('');
    batch = [];
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await Promise.race([once(out, 'drain'), failed]);
  };
  for (const command of history.commands) {
    batch.push(`${JSON.stringify(command)}\n`);
    if (batch.length === 1_000) {
      await flush();
      const now = performance.now();
      if (onProgress && now - lastReport >= 1_000) {
        lastReport = now;
        onProgress(history.stats.commands, history.options.commands, now - started);
      }
    }
  }
  if (batch.length > 0) await flush();
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
  return {
    file: path,
    bytes,
    seconds: (performance.now() - started) / 1000,
    options: history.options,
    accounts: history.accounts,
    stats: history.stats,
  };
}
