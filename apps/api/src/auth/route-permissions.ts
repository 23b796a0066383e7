import type { ApiKeyRole } from '../../../../libs/auth/src/roles.js';

/**
 * What a route lets a key do (SPEC §6, Security), decided by one central table keyed by method and
 * route path, so that a new controller is covered without touching it: a route missing from the
 * table falls back to a safe default (below), and the route-matrix test fails until it is listed.
 *
 * - `account:manage`  — commands that change the account (admins of that account);
 * - `account:read`    — GET routes of the account: reports, licenses, events, explain (admins, auditors);
 * - `account:telemetry` — logins, activity, sessions (admins, ingest keys);
 * - `import`          — `POST /v1/import` (admins, ingest keys; every line is checked again, see import-authorization);
 * - `ops:read`, `ops:manage` — projections (operators);
 * - `key:self`        — `GET /v1/me`, what the key itself is (every role);
 * - `deny`            — nobody.
 *
 * `account:*` routes carry the account in their path (`/v1/accounts/:accountId/…`): a key of
 * another account gets the same 404 as an unknown account, an operator key 403.
 */
export type Permission = 'account:manage' | 'account:read' | 'account:telemetry' | 'import' | 'ops:read' | 'ops:manage' | 'key:self' | 'deny';

export const ROLE_PERMISSIONS: Readonly<Record<ApiKeyRole, readonly Permission[]>> = {
  'account-admin': ['account:manage', 'account:read', 'account:telemetry', 'import', 'key:self'],
  auditor: ['account:read', 'key:self'],
  ingest: ['account:telemetry', 'import', 'key:self'],
  operator: ['ops:read', 'ops:manage', 'key:self'],
};

const A = '/v1/accounts/:accountId';

/** Every `/v1` route, `METHOD /path` (parameter names don't matter for matching). */
export const ROUTE_PERMISSIONS: Readonly<Record<string, Permission>> = {
  // The key itself.
  'GET /v1/me': 'key:self',
  // The account and its directory.
  [`GET ${A}`]: 'account:read',
  [`GET ${A}/users`]: 'account:read',
  [`PUT ${A}`]: 'account:manage',
  [`PATCH ${A}`]: 'account:manage',
  [`POST ${A}/organizations`]: 'account:manage',
  [`POST ${A}/users`]: 'account:manage',
  [`POST ${A}/users/:userId/move`]: 'account:manage',
  [`POST ${A}/projects`]: 'account:manage',
  [`POST ${A}/projects/:projectId/members`]: 'account:manage',
  // Licenses.
  [`POST ${A}/purchases`]: 'account:manage',
  [`PATCH ${A}/purchases/:purchaseId`]: 'account:manage',
  [`PUT ${A}/dedications/:product/:orgId`]: 'account:manage',
  [`POST ${A}/assignments`]: 'account:manage',
  [`DELETE ${A}/assignments/:product/:userId`]: 'account:manage',
  [`POST ${A}/offline-licenses`]: 'account:manage',
  [`DELETE ${A}/offline-licenses/:product/:machineId`]: 'account:manage',
  [`POST ${A}/machines`]: 'account:manage',
  [`POST ${A}/machines/:product/:machineId/deactivate`]: 'account:manage',
  [`POST ${A}/applications`]: 'account:manage',
  [`DELETE ${A}/applications/:applicationId`]: 'account:manage',
  // Product telemetry.
  [`POST ${A}/logins`]: 'account:telemetry',
  [`POST ${A}/activity`]: 'account:telemetry',
  [`POST ${A}/sessions`]: 'account:telemetry',
  [`POST ${A}/sessions/:sessionId/heartbeat`]: 'account:telemetry',
  [`POST ${A}/sessions/:sessionId/end`]: 'account:telemetry',
  // Reads: reports, the license overview, the raw log, explanations.
  [`GET ${A}/reports/:name`]: 'account:read',
  [`GET ${A}/reports/:name/explain`]: 'account:read',
  [`GET ${A}/licenses`]: 'account:read',
  [`GET ${A}/licenses/explain`]: 'account:read',
  [`GET ${A}/licenses/:product/:list`]: 'account:read',
  [`GET ${A}/events`]: 'account:read',
  // Alerts and webhooks (SPEC §9): changed by admins; read by admins and auditors (never a secret).
  [`POST ${A}/alert-rules`]: 'account:manage',
  [`DELETE ${A}/alert-rules/:ruleId`]: 'account:manage',
  [`GET ${A}/alert-rules`]: 'account:read',
  [`GET ${A}/alerts`]: 'account:read',
  [`GET ${A}/alerts/:alertId`]: 'account:read',
  [`GET ${A}/alerts/:alertId/explain`]: 'account:read',
  [`POST ${A}/webhooks`]: 'account:manage',
  [`DELETE ${A}/webhooks/:webhookId`]: 'account:manage',
  [`GET ${A}/webhooks`]: 'account:read',
  [`GET ${A}/webhooks/:webhookId/deliveries`]: 'account:read',
  // Bulk import.
  'POST /v1/import': 'import',
  // Operations.
  'GET /v1/projections': 'ops:read',
  'POST /v1/projections/:name/rebuild': 'ops:manage',
  'POST /v1/projections/rebuild': 'ops:manage',
};

export interface RouteRule {
  readonly permission: Permission;
  /** The path parameter naming the account (`accountId`), for `/v1/accounts/:…` routes. */
  readonly accountParam: string | null;
  /** Whether the table lists the route (false: the default below applies). */
  readonly listed: boolean;
}

/** Routes the guard handles: everything under `/v1`. `/health`, `/metrics`, `/docs` stay open. */
export function isProtectedPath(path: string): boolean {
  return path === '/v1' || path.startsWith('/v1/');
}

/** `/v1/accounts/:accountId/users/:userId/move` → `/v1/accounts/:/users/:/move`. */
export function normalizeRoutePath(path: string): string {
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  const trimmed = withSlash.length > 1 ? withSlash.replace(/\/+$/, '') : withSlash;
  return trimmed.replace(/\/+/g, '/').replace(/\/:[^/]+/g, '/:');
}

function tableKey(method: string, path: string): string {
  const verb = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  return `${verb} ${normalizeRoutePath(path)}`;
}

const TABLE = new Map(
  Object.entries(ROUTE_PERMISSIONS).map(([key, permission]) => {
    const [method, path] = key.split(' ');
    return [tableKey(method, path), permission];
  }),
);

/**
 * The rule of a route, by method and route path. A route the table does not list gets a safe
 * default: under `/v1/accounts/:accountId` only the account's admins; under `/v1/projections`
 * only operators, as for a rebuild; anything else under `/v1` nobody.
 */
export function ruleFor(method: string, routePath: string): RouteRule {
  const accountParam = /^\/?v1\/accounts\/:([^/]+)/.exec(routePath)?.[1] ?? null;
  const listed = TABLE.get(tableKey(method, routePath));
  if (listed) return { permission: listed, accountParam, listed: true };
  const normalized = normalizeRoutePath(routePath);
  const permission: Permission =
    accountParam !== null ? 'account:manage' : normalized === '/v1/projections' || normalized.startsWith('/v1/projections/') ? 'ops:manage' : 'deny';
  return { permission, accountParam, listed: false };
}

export function isAccountPermission(permission: Permission): boolean {
  return permission.startsWith('account:');
}
