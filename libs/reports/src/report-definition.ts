import type { ProjectionReader } from '../../../projections/projection.js';
import type { SeriesBody, SeriesBucket, TableBody } from '../../contracts/src/index.js';
import type { ReportRequest, ReportSpec } from '../../report-contract/src/report-spec.js';

export type { ReportRequest } from '../../report-contract/src/report-spec.js';

export interface ReportContext {
  /** Wall-clock now (ms). */
  readonly now: number;
  readonly leaseMs: number;
  readonly projections: ProjectionReader;
}

/** Report bodies of SPEC §6: one definition, shared with the web console (libs/contracts). */
export type { SeriesBody, TableBody } from '../../contracts/src/index.js';
export type Bucket = SeriesBucket;
export type { BucketValue } from '../../contracts/src/index.js';

/** A report of the catalog: what it is (`ReportSpec`) and how it is computed from its projection. */
export interface ReportDefinition extends ReportSpec {
  run(request: ReportRequest, context: ReportContext): Promise<SeriesBody | TableBody>;
}
