import { DomainError, type FieldError } from '../../../domain/src/errors.js';
import { ACCOUNT_SCOPE } from '../../../domain/src/events.js';
import { activePurchases, heldUnits, parentScopeOfOrg, poolFigures } from '../../../domain/src/pools.js';
import { isProduct, PRODUCT_CODES, type Product } from '../../../domain/src/products.js';
import { productView } from '../../../domain/src/state.js';
import type { LicensesOverview } from '../../../contracts/src/index.js';
import { INSTANT_RULE, utcInstant } from '../../../domain/src/time/instant.js';
import type { LicensesExplanation } from '../../../contracts/src/index.js';
import { EventReferences } from './event-references.js';
import { sourceKey, type StateWithSources } from './state-with-sources.js';

export const LICENSES_METRICS = ['purchased', 'dedicated', 'pool', 'used', 'available', 'offline'] as const;
export type LicensesMetric = (typeof LICENSES_METRICS)[number];

export interface LicensesExplainRequest {
  readonly accountId: string;
  readonly product: Product;
  /** 'account' or an orgId. */
  readonly scope: string;
  readonly metric: LicensesMetric;
  /** Epoch ms: explain as the ledger stood then (by business time) instead of at the projected position. */
  readonly asOf?: number;
}

const PARAMETERS = ['accountId', 'product', 'scope', 'metric', 'asOf'];

export function parseLicensesExplainRequest(raw: Readonly<Record<string, unknown>>): LicensesExplainRequest {
  const errors: FieldError[] = [];
  const text = (name: string): string | undefined => {
    const value = raw[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.length === 0 || value.length > 128) {
      errors.push({ path: name, message: 'must be a text of 1 to 128 characters' });
      return undefined;
    }
    return value;
  };
  for (const name of Object.keys(raw)) {
    if (raw[name] !== undefined && !PARAMETERS.includes(name))
      errors.push({ path: name, message: `is not a parameter of licenses explain (${PARAMETERS.join(', ')})` });
  }
  const accountId = text('accountId');
  if (accountId === undefined) errors.push({ path: 'accountId', message: 'is required' });
  const product = text('product');
  if (product === undefined || !isProduct(product)) errors.push({ path: 'product', message: `is required; one of ${PRODUCT_CODES.join(', ')}` });
  const scope = text('scope');
  if (scope === undefined) errors.push({ path: 'scope', message: "is required: 'account' or the id of an organization with a dedication" });
  const metric = text('metric');
  if (metric === undefined || !(LICENSES_METRICS as readonly string[]).includes(metric)) {
    errors.push({ path: 'metric', message: `must be one of ${LICENSES_METRICS.join(', ')}${metric ? `, got '${metric.slice(0, 40)}'` : ''}` });
  }
  const asOfText = text('asOf');
  const asOfIso = asOfText === undefined ? undefined : utcInstant(asOfText);
  if (asOfIso === null) errors.push({ path: 'asOf', message: INSTANT_RULE });
  const asOf = asOfIso ? Date.parse(asOfIso) : undefined;
  if (errors.length > 0) {
    throw new DomainError('VALIDATION_FAILED', `Invalid licenses explain request: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, errors);
  }
  return {
    accountId: accountId!,
    product: product as Product,
    scope: scope!,
    metric: metric as LicensesMetric,
    ...(asOf !== undefined ? { asOf } : {}),
  };
}

export type { LicensesExplanation } from '../../../contracts/src/index.js';

export interface LicensesExplainInput {
  readonly request: LicensesExplainRequest;
  /** The account after every event with business time ≤ `at`, and which events made what it holds (`stateWithSources`). */
  readonly replayed: StateWithSources;
  /** The instant of the figures: now, or the request's asOf. */
  readonly at: number;
  readonly leaseMs: number;
  readonly asOfPosition: string | null;
  /** The projected overview at the same position, to cross-check with (absent for asOf). */
  readonly projected?: LicensesOverview;
}

const iso = (instant: number): string => new Date(instant).toISOString();

/** Recomputes one pool figure of the license overview from the replayed events and lists what makes it. */
export function explainLicenses({ request, replayed, at, leaseMs, asOfPosition, projected }: LicensesExplainInput): LicensesExplanation {
  const { state } = replayed;
  const { product, scope, metric } = request;
  const figures = poolFigures(state, product, at, leaseMs);
  const line = figures.get(scope);
  if (!line) {
    throw new DomainError('VALIDATION_FAILED', `scope: '${scope}' is not a scope of ${product} at ${iso(at)}`, [
      {
        path: 'scope',
        message: `must be a scope of ${product}: one of ${[...figures.keys()].join(', ')}`,
      },
    ]);
  }
  const refs = new EventReferences();
  const ps = productView(state, product);
  const purchases = () =>
    activePurchases(state, product, at).map((p) => ({
      purchaseId: p.purchaseId,
      quantity: p.quantity,
      startsAt: iso(p.startsAt),
      expiresAt: iso(p.expiresAt),
      events: (replayed.purchases.get(p.purchaseId) ?? []).map((e) => refs.ref(e)),
    }));
  const dedication = (orgId: string) => ({
    orgId,
    quantity: ps.dedications.get(orgId) ?? 0,
    event: refs.refOrNull(replayed.dedications.get(sourceKey(product, orgId)) ?? null),
  });
  const dedicatedDetails = () => (scope === ACCOUNT_SCOPE ? { purchases: purchases() } : { purchases: purchases(), dedication: dedication(scope) });
  const poolDetails = () => ({
    ...dedicatedDetails(),
    dedicatedBelow: [...ps.dedications.keys()]
      .filter((orgId) => parentScopeOfOrg(state, ps.dedications, orgId) === scope)
      .sort()
      .map(dedication),
  });
  const units = () => unitsDrawnFrom(replayed, product, scope, at, leaseMs, refs);

  let value: number;
  let details: Record<string, unknown>;
  switch (metric) {
    case 'purchased': {
      details = { purchases: purchases() };
      value = (details.purchases as { quantity: number }[]).reduce((sum, p) => sum + p.quantity, 0);
      break;
    }
    case 'dedicated':
      value = line.dedicated;
      details = dedicatedDetails();
      break;
    case 'pool':
      value = line.pool;
      details = poolDetails();
      break;
    case 'used': {
      const drawn = units();
      value = drawn.seats.length + drawn.sessions.length + drawn.offlineLicenses.length + drawn.applications.length;
      details = { units: drawn };
      break;
    }
    case 'offline': {
      const drawn = units();
      value = drawn.offlineLicenses.length;
      details = { offlineLicenses: drawn.offlineLicenses };
      break;
    }
    case 'available': {
      const drawn = units();
      value = line.available;
      details = { pool: line.pool, used: line.used, ...poolDetails(), units: drawn };
      break;
    }
  }
  const projectedValue = projected === undefined ? undefined : projectedFigure(projected, product, scope, metric);
  const warning =
    projected === undefined || projectedValue === value
      ? undefined
      : `the replayed events give ${value}, the projected overview shows ${String(projectedValue ?? 'nothing')}: the projection may need a rebuild (ledger verify)`;
  return {
    report: 'licenses',
    accountId: request.accountId,
    product,
    scope,
    metric,
    asOf: iso(at),
    value,
    asOfPosition,
    ...(warning ? { warning } : {}),
    ...details,
    events: refs.views(),
  };
}

/** The units drawn from `scope` at `at`: seats, open online sessions, unexpired offline licenses, active applications. */
function unitsDrawnFrom(replayed: StateWithSources, product: Product, scope: string, at: number, leaseMs: number, refs: EventReferences) {
  const { state } = replayed;
  const ps = productView(state, product);
  const units = heldUnits(state, product, at, leaseMs).filter((unit) => unit.scope === scope);
  const seats = units
    .flatMap((unit) => (unit.kind === 'seat' ? [unit.userId] : []))
    .sort()
    .map((userId) => ({
      userId,
      assignedBy: refs.ref(replayed.seats.get(sourceKey(product, userId))!.assigned),
    }));
  const sessions = units
    .flatMap((unit) => (unit.kind === 'session' ? [state.sessions.get(unit.sessionId)!] : []))
    .map((s) => ({
      sessionId: s.sessionId,
      userId: s.userId,
      startedAt: iso(s.startedAt),
      lastSeenAt: iso(s.lastSeen),
      started: refs.ref(replayed.sessionStarts.get(s.sessionId)!),
    }));
  const generated = replayed.offlineLicenses.get(product) ?? [];
  const offlineLicenses = units
    .flatMap((unit) => (unit.kind === 'offline' ? [unit.index] : []))
    .map((index) => {
      const license = ps.offlineLicenses[index]!;
      return { userId: license.userId, machineId: license.machineId, expiresAt: iso(license.expiresAt), generated: refs.ref(generated[index]!) };
    });
  const applications = units
    .flatMap((unit) => (unit.kind === 'application' ? [unit.applicationId] : []))
    .sort()
    .map((applicationId) => ({ applicationId, activated: refs.ref(replayed.applications.get(applicationId)!) }));
  return { seats, sessions, offlineLicenses, applications };
}

function projectedFigure(overview: LicensesOverview, product: Product, scope: string, metric: LicensesMetric): number | undefined {
  const line = overview.products.find((p) => p.product === product);
  if (!line) return undefined;
  if (metric === 'purchased') return line.purchased;
  return line.scopes.find((s) => s.scope === scope)?.[metric];
}
