import type { ProjectionReader } from '../../../projections/projection.js';
import type { ComputeReplayingReport } from '../../report-contract/src/answer-ports.js';
import { REPORTS } from './catalog.js';
import type { ReportDefinition } from './report-definition.js';

/** The report `name` if it replays history under a hypothesis (`replaysHistory`: what-if, reclaim-backtest), else null. */
export function replayingReport(name: string): ReportDefinition | null {
  return REPORTS.find((report) => report.name === name && report.replaysHistory === true) ?? null;
}

/**
 * Computes the reports that replay history over `projections`, from the request the server thread
 * parsed and its wall clock: what a replay thread runs for ReportsService (REPLAYING_REPORTS), the
 * same computation the service runs in its own thread when replays run there.
 */
export function computeReplayingReport(projections: ProjectionReader, leaseMs: number): ComputeReplayingReport {
  return async (name, request, now) => {
    const definition = replayingReport(name);
    if (!definition) throw new Error(`report ${name} does not replay history: it is not run on a replay thread (libs/reports/src/catalog.ts)`);
    return definition.run(request, { now, leaseMs, projections });
  };
}
