import { validationError } from '../../../domain/src/index.js';
import type { ReportRequest } from '../report-definition.js';

/** The bodies of the capacity answers (SPEC §8): one definition, shared with the web console (libs/contracts). */
export type {
  DenialsBody,
  ForecastBody,
  IdleSeatRow,
  IdleSeatsBody,
  ReclaimBacktestBody,
  WhatIfBody,
  WhatIfBucket,
} from '../../../contracts/src/index.js';

/** §8 answers are one series for the scope: groupBy=org is refused. */
export function refuseGroupBy(request: ReportRequest, report: string): void {
  if (request.groupBy !== undefined) throw validationError('groupBy', `${report} answers one series for the scope (use orgId)`);
}

/** Milliseconds of [start, end) inside a bucket, both cut at now. */
export function overlapMs(
  span: { readonly start: number; readonly end: number },
  bucket: { readonly start: number; readonly end: number },
  now: number,
): number {
  const from = Math.max(span.start, bucket.start);
  const to = Math.min(span.end, bucket.end, now);
  return to > from ? to - from : 0;
}
