import type { Type } from '@nestjs/common';
import { AlertsProcessor } from './alerts.processor.js';
import { ApplicationsProjection } from './applications.projection.js';
import { AssignmentsProjection } from './assignments.projection.js';
import { CapacityProjection } from './capacity.projection.js';
import { LicensesProjection } from './licenses.projection.js';
import type { Projection } from './projection.js';
import { SeatHistoryProjection } from './seat-history.projection.js';
import { SeatUsageProjection } from './seat-usage.projection.js';
import { SessionsProjection } from './sessions.projection.js';

/**
 * The projections the application runs (`ledger serve`, `ledger projections run`) and rebuilds
 * (`ledger projections rebuild NAME`). Add a projection class here and it gets its generation
 * schema, a runner and a row in `ledger projections status`; it need not carry @LedgerProjection.
 */
export const ALL_PROJECTIONS: Type<Projection>[] = [
  SeatHistoryProjection,
  AssignmentsProjection,
  SeatUsageProjection,
  SessionsProjection,
  ApplicationsProjection,
  LicensesProjection,
  CapacityProjection,
  AlertsProcessor,
];
