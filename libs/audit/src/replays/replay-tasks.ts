import type { ActivityActions } from '../../../domain/src/activity-rules.js';
import { parsePosition, type EventStore } from '../../../event-store/src/event-store.js';
import { readAccountEvents } from '../../../event-store/src/account-events.js';
import type { LicensesExplanation, LicensesOverview, SeriesBody, SeriesExplanation, TableBody } from '../../../contracts/src/index.js';
import type { LicensesRequest } from '../../../report-contract/src/licenses-request.js';
import type { ReportRequest } from '../../../report-contract/src/report-spec.js';
import { asOfInstant, replayAsOf } from '../as-of.js';
import { checkpointedAnswers, type CheckpointedAnswers } from '../checkpoints/checkpointed-answers.js';
import { stateWithSources } from '../explain/state-with-sources.js';
import { seatHistoryReplay } from '../seat-history.replay.js';
import { REPLAYED_REPORTS } from '../catalog.js';
import { explainLicenses, type LicensesExplainRequest } from '../explain/licenses-explain.js';
import { explainSeries, type SeriesExplainRequest } from '../explain/series-explain.js';

/**
 * The work that replays an account's history (SPEC §5: as-of answers and explain), as plain data:
 * what a request asks for, whoever runs it — the server's own thread or a replay thread
 * (replay-threads.ts). Every field survives structured cloning (no functions, no class instances).
 */
export type ReplayTask =
  /** A report of the catalog as the ledger stood at `request.asOf`, computed at `now` (the request's wall clock). */
  | { readonly kind: 'as-of-report'; readonly name: string; readonly request: ReportRequest; readonly now: number }
  /** The license overview at `request.asOf`. */
  | { readonly kind: 'as-of-licenses'; readonly request: LicensesRequest; readonly now: number }
  /** One number of a projected series, explained from the events up to the position it answered at. */
  | { readonly kind: 'explain-series'; readonly request: SeriesExplainRequest; readonly projected: SeriesBody; readonly now: number }
  /** A figure of the license overview: projected now (with `projected`) or as of `request.asOf`. */
  | { readonly kind: 'explain-licenses'; readonly request: LicensesExplainRequest; readonly projected?: LicensesOverview; readonly now: number };

/** What each kind of task answers. */
export interface ReplayAnswers {
  readonly 'as-of-report': SeriesBody | TableBody;
  readonly 'as-of-licenses': LicensesOverview;
  readonly 'explain-series': SeriesExplanation;
  readonly 'explain-licenses': LicensesExplanation;
}

export type ReplayKind = ReplayTask['kind'];
export type ReplayTaskOf<K extends ReplayKind> = Extract<ReplayTask, { readonly kind: K }>;

/** The configuration a replay reads (SESSION_LEASE_SECONDS, ACTIVITY_ACTIONS). */
export interface ReplaySettings {
  readonly leaseMs: number;
  readonly activityActions: ActivityActions;
}

/** Runs replays: in this thread (`replayInThread`) or on replay threads (`ReplayThreads`). */
export interface ReplayRunner {
  run<K extends ReplayKind>(task: ReplayTaskOf<K>): Promise<ReplayAnswers[K]>;
}

/** Token of the application's ReplayRunner. */
export const REPLAY_RUNNER = Symbol('REPLAY_RUNNER');

/** A runner that replays in the calling thread, reading `store` (from the first event: no checkpoints). */
export function replayInThread(store: EventStore, settings: ReplaySettings): ReplayRunner {
  const answers = checkpointedAnswers(store, null);
  return { run: (task) => runReplayTask(store, task, settings, answers) };
}

/** Reads what `task` needs from `store` and computes its answer; `answers` answer the as-of tasks that start from checkpoints. */
export async function runReplayTask<K extends ReplayKind>(
  store: EventStore,
  task: ReplayTaskOf<K>,
  settings: ReplaySettings,
  answers: CheckpointedAnswers,
): Promise<ReplayAnswers[K]> {
  const answer: Promise<ReplayAnswers[ReplayKind]> = runTask(store, task as ReplayTask, settings, answers);
  return answer as Promise<ReplayAnswers[K]>;
}

async function runTask(
  store: EventStore,
  task: ReplayTask,
  settings: ReplaySettings,
  answers: CheckpointedAnswers,
): Promise<ReplayAnswers[ReplayKind]> {
  const { leaseMs, activityActions } = settings;
  switch (task.kind) {
    case 'as-of-report': {
      const replayed = REPLAYED_REPORTS.find((r) => r.name === task.name);
      if (!replayed) throw new Error(`the report ${task.name} has no replayed twin (libs/audit/src/catalog.ts)`);
      if (replayed === seatHistoryReplay) {
        const instant = asOfInstant(asOfOf(task.request), task.now);
        return answers.seatHistory(task.request, instant, { now: instant, leaseMs, activityActions });
      }
      return replayAsOf(store, task.request.accountId, asOfOf(task.request), task.now, (events, now) =>
        replayed.run(events, task.request, { now, leaseMs, activityActions }),
      );
    }
    case 'as-of-licenses': {
      const instant = asOfInstant(asOfOf(task.request), task.now);
      return answers.licenses(task.request, instant, { now: instant, leaseMs, activityActions });
    }
    case 'explain-series': {
      const { projected } = task;
      const events = await readAccountEvents(store, projected.accountId, { upTo: positionOf(projected.asOfPosition) });
      return explainSeries({ request: task.request, projected, events, now: task.now, leaseMs, activityActions });
    }
    case 'explain-licenses':
      return explainLicensesTask(store, task, leaseMs, answers);
  }
}

async function explainLicensesTask(
  store: EventStore,
  task: ReplayTaskOf<'explain-licenses'>,
  leaseMs: number,
  answers: CheckpointedAnswers,
): Promise<LicensesExplanation> {
  const { request, projected, now } = task;
  if (request.asOf !== undefined) {
    // As of an instant (not after now): the history up to it, by business time; there is no projected figure to compare with.
    return answers.explainLicenses(request, asOfInstant(new Date(request.asOf).toISOString(), now), leaseMs);
  }
  if (!projected) throw new Error('explaining the license overview now needs the projected overview to compare with');
  const events = await readAccountEvents(store, request.accountId, { upTo: positionOf(projected.asOfPosition) });
  const replayed = stateWithSources(events, now);
  return explainLicenses({ request, replayed, at: now, leaseMs, asOfPosition: projected.asOfPosition, projected });
}

function asOfOf(request: { readonly asOf?: string }): string {
  if (request.asOf === undefined) throw new Error('an as-of answer needs the instant asked for (asOf)');
  return request.asOf;
}

function positionOf(text: string | null) {
  return text === null ? null : parsePosition(text);
}
