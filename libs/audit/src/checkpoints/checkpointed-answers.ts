import { DomainError } from '../../../domain/src/errors.js';
import { formatPosition, type EventStore } from '../../../event-store/src/event-store.js';
import type { LicensesExplanation, LicensesOverview, SeriesBody } from '../../../contracts/src/index.js';
import type { LicensesRequest } from '../../../report-contract/src/licenses-request.js';
import type { ReportRequest } from '../../../report-contract/src/report-spec.js';
import { explainLicenses, type LicensesExplainRequest } from '../explain/licenses-explain.js';
import type { StateWithSources } from '../explain/state-with-sources.js';
import { licensesOverviewOf } from '../licenses.replay.js';
import { AccountReplay } from '../replay-account.js';
import type { ReplayContext } from '../replayed-report.js';
import { seatHistoryBody, seatHistoryInstants, seatHistoryScope } from '../seat-history.replay.js';
import type { AuditFold } from './audit-fold.js';
import { atOrBefore, foldAsOf, readStreamAfter } from './checkpointed-fold.js';
import type { ReplayCheckpoints } from './replay-checkpoints.js';

/**
 * The as-of answers that start from checkpoints (SPEC §5): the license overview, seat-history and the
 * explanation of a license figure, each the body the replay from the first event gives
 * (licenses.replay.ts, seat-history.replay.ts, explain/licenses-explain.ts), computed by the same
 * functions from a fold that started at the latest checkpoint at or before the instants it reads.
 * `folded` is told how many events were folded past the checkpoints (the writer extends them when many).
 */
export interface CheckpointedAnswers {
  licenses(request: LicensesRequest, asOf: number, context: ReplayContext): Promise<LicensesOverview>;
  seatHistory(request: ReportRequest, asOf: number, context: ReplayContext): Promise<SeriesBody>;
  explainLicenses(request: LicensesExplainRequest, asOf: number, leaseMs: number): Promise<LicensesExplanation>;
}

export function checkpointedAnswers(
  store: EventStore,
  checkpoints: ReplayCheckpoints | null,
  folded?: (accountId: string, events: number) => void,
): CheckpointedAnswers {
  const fold = async (accountId: string, asOf: number): Promise<AuditFold> => {
    const result = await foldAsOf(store, checkpoints, accountId, asOf);
    folded?.(accountId, result.folded);
    return result;
  };
  return {
    async licenses(request, asOf, context) {
      const account = await fold(request.accountId, asOf);
      return licensesOverviewOf(
        { state: account.state, registeredAt: account.registeredAt, lastPosition: formatPosition(account.through?.position ?? null) },
        request,
        context,
      );
    },

    async seatHistory(request, asOf, context) {
      const atNow = await fold(request.accountId, asOf);
      if (!atNow.state.opened) throw new DomainError('NOT_FOUND', `account '${request.accountId}' does not exist`);
      const scope = seatHistoryScope(atNow.state, request, context);
      // The state at the first bucket's instant, from the checkpoint before it; then the window's events on to asOf.
      const [first] = seatHistoryInstants(scope, context.now);
      const early = first === undefined ? atNow : await fold(request.accountId, first);
      const window = await readStreamAfter(store, request.accountId, early.through?.revision ?? null, atOrBefore(asOf));
      const replay = new AccountReplay(window, early.state);
      return seatHistoryBody(scope, request, context, (instant) => replay.through(instant), atNow.through?.position ?? null);
    },

    async explainLicenses(request, asOf, leaseMs) {
      const account = await fold(request.accountId, asOf);
      if (account.through === null)
        throw new DomainError('NOT_FOUND', `account '${request.accountId}' has no history at ${new Date(asOf).toISOString()}`);
      const h = account.holdings;
      const replayed: StateWithSources = {
        state: account.state,
        seats: h.seats,
        purchases: h.purchases,
        dedications: h.dedications,
        offlineLicenses: h.offlineLicenses,
        sessionStarts: h.sessionStarts,
        applications: h.applications,
      };
      return explainLicenses({ request, replayed, at: asOf, leaseMs, asOfPosition: formatPosition(account.through.position) });
    },
  };
}
