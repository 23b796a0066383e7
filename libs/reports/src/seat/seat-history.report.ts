import { SEAT_PRODUCTS } from '../../../domain/src/products.js';
import type { SeatHistoryTables } from '../../../../projections/seat-history.projection.js';
import type { PoolVersionTables } from '../../../../projections/shared/pool-versions.js';
import type { SeatSpanTables } from '../../../../projections/shared/seat-spans.js';
import type { OrgDirectoryTables } from '../../../../projections/shared/directory-tables.js';
import type { SeriesBodyOf } from '../../../contracts/src/index.js';
import type { ReportContext, ReportDefinition, ReportRequest } from '../report-definition.js';
import { refuseAsOf, SERIES_PARAMETERS } from '../../../report-contract/src/report-request.js';
import { purchasedPoints, seatPoints, unionAll } from './seat-points.js';
import { seriesBody } from '../../../report-contract/src/series-scope.js';
import { seriesScope } from './series-scope.js';
import { evaluateSteps } from './step-series.js';

export const SEAT_HISTORY_METRICS = ['purchased', 'assigned', 'activated'] as const;

/**
 * `seat-history` (SPEC §4.1): per bucket, the latest record — purchased (account: Σ active purchases;
 * org: dedicated(org)), assigned (seats of users in scope), activated (of those, with a login since
 * the assignment). Reads the `seat-history` projection; one statement for every bucket.
 */
export const seatHistoryReport: ReportDefinition = {
  name: 'seat-history',
  shape: 'series',
  products: SEAT_PRODUCTS,
  columns: SEAT_HISTORY_METRICS,
  parameters: [...SERIES_PARAMETERS, 'asOf'],
  async run(request: ReportRequest, context: ReportContext): Promise<SeriesBodyOf<'seat-history'>> {
    refuseAsOf(request, 'seat-history');
    const { db, position } = await context.projections.reader<SeatHistoryTables>('seat-history');
    const scope = await seriesScope(db.part<OrgDirectoryTables>(), request, context.now);
    const before = Math.max(0, ...scope.recordAt);
    const points = unionAll([
      purchasedPoints(db.part<PoolVersionTables>(), scope, before),
      seatPoints(db.part<SeatSpanTables>(), scope, ['assigned', 'activated'], before),
    ]);
    const values = await evaluateSteps(
      db.kysely,
      points,
      scope.groups.map((g) => g.key),
      SEAT_HISTORY_METRICS,
      scope.recordAt,
    );
    return seriesBody('seat-history', request, scope, position, (group, i) => {
      const metrics = values.get(group.key)!;
      return { purchased: metrics.get('purchased')![i]!, assigned: metrics.get('assigned')![i]!, activated: metrics.get('activated')![i]! };
    });
  },
};
