import type { ReadModelDb } from '../../../../projections/engine/read-model-db.js';
import { accountTimezone, loadOrgTree, type OrgDirectoryTables } from '../../../../projections/shared/directory-tables.js';
import { requireProduct, seriesScopeOf, type SeriesScope } from '../../../report-contract/src/series-scope.js';
import type { ReportRequest } from '../report-definition.js';

/** The series scope of a request (see `seriesScopeOf`), with the account's zone and organizations read from the directory tables. */
export async function seriesScope(db: ReadModelDb<OrgDirectoryTables>, request: ReportRequest, now: number): Promise<SeriesScope> {
  requireProduct(request);
  const zone = await accountTimezone(db, request.accountId);
  return seriesScopeOf(request, zone, await loadOrgTree(db, request.accountId), now);
}
