export { buildLicensesOverview, type LicensesOverview, type LicensesRequest, type ProductOverview, type ScopeLine } from './licenses-overview.js';
