import type {
  LicenseListKey,
  LicenseListName,
  LicenseListPage,
  LicenseListRows,
  LicensesOverview,
  ProductOverview,
} from '../../contracts/src/licenses.js';
import type { LicenseListRequest } from './licenses-request.js';

/**
 * The lists of the license overview (SPEC §4.7) paged: both the projected overview and the replayed
 * one (asOf) are computed whole and paged here, so a page holds exactly the rows the whole list holds
 * at that instant, in the same order (docs/decisions.md, "License lists, paged").
 */
interface ListShape<L extends LicenseListName> {
  /** The overview's field holding the list. */
  readonly key: LicenseListKey;
  /** The columns of a row, in CSV order. */
  readonly columns: readonly (keyof LicenseListRows[L] & string)[];
  /** The fields `q` is looked for in (case-insensitive substring). */
  readonly searched: readonly (keyof LicenseListRows[L] & string)[];
}

export const LICENSE_LISTS: { readonly [L in LicenseListName]: ListShape<L> } = {
  'licensed-users': {
    key: 'licensedUsers',
    columns: ['userId', 'name', 'email', 'licenseSource', 'licenseSourceName'],
    searched: ['userId', 'name', 'email'],
  },
  'online-licenses': {
    key: 'onlineLicenses',
    columns: ['machineId', 'userId', 'sessionId', 'startedAt', 'lastSeenAt'],
    searched: ['machineId', 'userId', 'sessionId'],
  },
  'offline-licenses': {
    key: 'offlineLicenses',
    columns: ['userId', 'machineId', 'expiresAt', 'unexpired', 'licenseSource'],
    searched: ['machineId', 'userId'],
  },
  machines: { key: 'machines', columns: ['machineId', 'userId', 'registeredAt'], searched: ['machineId', 'userId'] },
};

const LIST_KEYS: readonly LicenseListKey[] = ['licensedUsers', 'onlineLicenses', 'offlineLicenses', 'machines'];

/**
 * The rows of one list of `overview` (computed for the request's product, orgId and asOf) matching
 * `q`, in the overview's order, and the page asked for; `allRows` (CSV): every matching row.
 */
export function pageLicenseList<L extends LicenseListName>(
  overview: LicensesOverview,
  { request, list, q, page, pageSize }: LicenseListRequest & { list: L },
  allRows = false,
): LicenseListPage<L> {
  const shape: ListShape<L> = LICENSE_LISTS[list];
  const product = overview.products.find((p) => p.product === request.product);
  const whole = (product?.[shape.key] ?? []) as readonly LicenseListRows[L][];
  const needle = q?.toLowerCase();
  const matching =
    needle === undefined ? whole : whole.filter((row) => shape.searched.some((field) => String(row[field]).toLowerCase().includes(needle)));
  return {
    report: 'licenses',
    list,
    accountId: overview.accountId,
    product: request.product,
    orgId: overview.orgId,
    asOf: overview.asOf,
    asOfPosition: overview.asOfPosition,
    timezone: overview.timezone,
    total: matching.length,
    page: allRows ? 1 : page,
    pageSize: allRows ? matching.length : pageSize,
    rows: allRows ? matching : matching.slice((page - 1) * pageSize, page * pageSize),
  };
}

/** The overview with only the first `limit` rows of each list, and each product's `listTotals`. */
export function limitLicenseLists(overview: LicensesOverview, limit: number): LicensesOverview {
  return { ...overview, products: overview.products.map((product) => limitProduct(product, limit)) };
}

function limitProduct(product: ProductOverview, limit: number): ProductOverview {
  const totals = Object.fromEntries(LIST_KEYS.map((key) => [key, product[key].length])) as Record<LicenseListKey, number>;
  return {
    ...product,
    licensedUsers: product.licensedUsers.slice(0, limit),
    onlineLicenses: product.onlineLicenses.slice(0, limit),
    offlineLicenses: product.offlineLicenses.slice(0, limit),
    machines: product.machines.slice(0, limit),
    listTotals: totals,
  };
}
