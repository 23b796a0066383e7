import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../apps/api/src/create-app.js';
import { routesOf, type Route } from '../../apps/api/src/testing/served-routes.js';
import { ApiKeyStore } from '../../libs/auth/src/api-keys.js';
import { loadConfig } from '../../libs/platform/src/config.js';
import type { LedgerDatabase } from '../../libs/database/src/database.js';
import { freshTestSchema, TEST_DATABASE_URL, type TestSchema } from '../../libs/database/src/testing/test-postgres.js';
import { REPORTS } from '../../libs/reports/src/catalog.js';
import { parametersOf } from '../../libs/report-contract/src/report-request.js';
import { call, type HttpAnswer } from '../fault/support/ledger-server.js';
import { waitForProjectionsAtLogEnd } from '../fault/support/projection-progress.js';
import { accountWithSeatPool } from '../support/ledger-fixtures.js';
import { parseCsv } from './csv-cells.js';
import { query } from '../../libs/database/src/testing/query.js';

/** What attackers send: SQL and LIKE metacharacters, traversal, operators, formulas, long and unusual text. */
const HOSTILE = [
  "' OR 1=1 --",
  '"; DROP TABLE events; --',
  "'); DELETE FROM streams; --",
  '%',
  '_',
  '%_%',
  '\\',
  '\\%',
  'ünïcödé ✓ 漢字 🚀 \u202e',
  'x'.repeat(10_000),
  '../../etc/passwd',
  '..\\..\\windows',
  '$where',
  '{"$gt": ""}',
  '=HYPERLINK("http://evil.example","x")',
  '+1+1',
  '-1+2',
  '@SUM(A1)',
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
];
/** Report filters that take free text (SPEC §6) and the other report parameters. */
const FILTERS = ['q', 'licenseSource', 'status', 'sort', 'orgId', 'product', 'from', 'to', 'interval', 'groupBy', 'page', 'pageSize', 'format'];
/** Text in an answer that would betray the implementation: SQL errors, stack frames, source paths. */
const LEAKS =
  /syntax error|at or near|relation "|column "|SQLSTATE|violates|duplicate key|node_modules|\n\s+at |\.[jt]s:\d+|QueryFailed|TypeError|ReferenceError/i;
/** A spreadsheet formula at the start of a CSV cell (SPEC §6, Security). */
const FORMULA_START = /^[=+\-@\t\r]/;

const OWN = 'acme';
const SANDBOX = 'sandbox';
const at = (day: number, minute = 0) => new Date(Date.UTC(2026, 0, day, 12, minute)).toISOString();

/** The seeded account: names and ids that are formulas, one org, seats and a session. */
function seed(accountId: string): object[] {
  return [
    ...accountWithSeatPool(accountId, 12, 6),
    { type: 'CreateOrganization', accountId, orgId: '@org', name: '=SUM(1,2)', at: at(5, 10) },
    {
      type: 'RegisterUser',
      accountId,
      userId: '=1+1',
      email: 'f1@acme.example',
      fullName: '=HYPERLINK("http://evil.example","x")',
      orgId: '@org',
      at: at(5, 11),
    },
    { type: 'RegisterUser', accountId, userId: '+u', email: 'f2@acme.example', fullName: '+SUM(1)', orgId: 'qa', at: at(5, 11) },
    { type: 'RegisterUser', accountId, userId: '-u', email: 'f3@acme.example', fullName: '-2+3', orgId: 'qa', at: at(5, 11) },
    { type: 'RegisterUser', accountId, userId: '@u', email: 'f4@acme.example', fullName: '@cmd', orgId: '@org', at: at(5, 11) },
    ...['=1+1', '+u', '-u', '@u', 'u0', 'u1'].map((userId) => ({ type: 'AssignSeat', accountId, product: 'KSE', userId, at: at(6) })),
    {
      type: 'PurchaseLicenses',
      accountId,
      purchaseId: 'p2',
      product: 'KRE',
      quantity: 3,
      startsAt: at(1),
      expiresAt: '2027-01-01T00:00:00.000Z',
      at: at(6, 1),
    },
    { type: 'StartSession', accountId, product: 'KRE', sessionId: '=s1', userId: '=1+1', machineId: '+m1', at: at(7) },
    { type: 'EndSession', accountId, sessionId: '=s1', at: at(7, 10) },
  ];
}

/** A valid body for each command route, so that one hostile field at a time gets past validation. */
const VALID_BODIES: Readonly<Record<string, Record<string, unknown>>> = {
  'PUT /v1/accounts/:accountId': { name: 'Sandbox', timezone: 'UTC' },
  'PATCH /v1/accounts/:accountId': { timezone: 'Europe/Berlin' },
  'POST /v1/accounts/:accountId/organizations': { orgId: 'o2', name: 'Org', parentOrgId: 'qa' },
  'POST /v1/accounts/:accountId/users': { userId: 'n1', email: 'n1@sandbox.example', fullName: 'New User', orgId: 'qa' },
  'POST /v1/accounts/:accountId/users/:userId/move': { orgId: 'qa' },
  'POST /v1/accounts/:accountId/projects': { projectId: 'pr1', name: 'Project', orgId: 'qa' },
  'POST /v1/accounts/:accountId/projects/:projectId/members': { userId: 'u1' },
  'POST /v1/accounts/:accountId/purchases': {
    purchaseId: 'p9',
    product: 'KSE',
    quantity: 1,
    startsAt: '2026-01-01T00:00:00Z',
    expiresAt: '2027-01-01T00:00:00Z',
  },
  'PATCH /v1/accounts/:accountId/purchases/:purchaseId': { quantity: 12 },
  'PUT /v1/accounts/:accountId/dedications/:product/:orgId': { quantity: 0 },
  'POST /v1/accounts/:accountId/assignments': { product: 'KSE', userId: 'u2' },
  'DELETE /v1/accounts/:accountId/assignments/:product/:userId': {},
  'POST /v1/accounts/:accountId/offline-licenses': { product: 'KSE', userId: 'u1', machineId: 'm1' },
  'DELETE /v1/accounts/:accountId/offline-licenses/:product/:machineId': {},
  'POST /v1/accounts/:accountId/machines': { product: 'KSE', machineId: 'm2', userId: 'u1' },
  'POST /v1/accounts/:accountId/machines/:product/:machineId/deactivate': { userId: 'u1' },
  'POST /v1/accounts/:accountId/applications': { applicationId: 'app1' },
  'DELETE /v1/accounts/:accountId/applications/:applicationId': {},
  'POST /v1/accounts/:accountId/logins': { product: 'KSE', userId: 'u1' },
  'POST /v1/accounts/:accountId/activity': { product: 'KSE', userId: 'u1', action: 'open' },
  'POST /v1/accounts/:accountId/sessions': { product: 'KRE', sessionId: 's1', userId: 'u1', machineId: 'm1' },
  'POST /v1/accounts/:accountId/sessions/:sessionId/heartbeat': {},
  'POST /v1/accounts/:accountId/sessions/:sessionId/end': {},
  'POST /v1/accounts/:accountId/alert-rules': {
    ruleId: 'r1',
    kind: 'usage-threshold',
    product: 'KRE',
    scope: 'account',
    threshold: 80,
    windowSeconds: 600,
  },
  'DELETE /v1/accounts/:accountId/alert-rules/:ruleId': {},
  'POST /v1/accounts/:accountId/webhooks': { webhookId: 'w1', url: 'https://93.184.215.14/ledger', secret: 'a-receiver-secret-0042' },
  'DELETE /v1/accounts/:accountId/webhooks/:webhookId': {},
};
/** Valid values of path parameters other than the account. */
const VALID_PARAMS: Readonly<Record<string, string>> = {
  product: 'KSE',
  userId: 'u1',
  orgId: 'qa',
  projectId: 'pr1',
  purchaseId: 'p1',
  machineId: 'm1',
  applicationId: 'app1',
  sessionId: 's1',
  name: 'assignments',
  ruleId: 'r1',
  webhookId: 'w1',
  alertId: 'a1',
};

function pathOf(route: Route, values: Readonly<Record<string, string>>): string {
  return route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => encodeURIComponent(values[name] ?? 'x'));
}

/**
 * Hostile strings through every filter, path parameter and id field of the HTTP API, on the real
 * app over PostgreSQL: every answer is a clean 2xx or a 4xx problem+json (never a 500, a stack trace
 * or SQL text), the data of the account under attack is unchanged afterwards, and CSV exports
 * neutralise cells that begin like a spreadsheet formula.
 */
describe('hostile input through the HTTP API (PostgreSQL)', () => {
  let schema: TestSchema;
  let database: LedgerDatabase;
  let app: NestExpressApplication;
  let url: string;
  let routes: Route[];
  const tokens = { admin: '', sandbox: '', operator: '' };
  const unclean: string[] = [];

  /** Sends one request and records any answer that is not clean. */
  async function probe(token: string, method: string, path: string, body?: unknown): Promise<HttpAnswer> {
    const answer = await call(url, token, method, path, body);
    const where = `${method} ${path.slice(0, 120)} ${body === undefined ? '' : JSON.stringify(body).slice(0, 120)}`;
    if (answer.status >= 500) unclean.push(`${where} → ${answer.status} ${answer.text.slice(0, 200)}`);
    else if (answer.status >= 400 && (!answer.contentType.startsWith('application/problem+json') || typeof answer.body?.code !== 'string')) {
      unclean.push(`${where} → ${answer.status} not problem+json: ${answer.contentType} ${answer.text.slice(0, 200)}`);
    } else if (LEAKS.test(answer.text.replaceAll(String.raw`\n`, '\n'))) {
      unclean.push(`${where} → ${answer.status} leaks: ${answer.text.slice(0, 300)}`);
    }
    return answer;
  }

  async function importLines(token: string, lines: readonly object[]): Promise<HttpAnswer> {
    const response = await fetch(`${url}/v1/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
      body: lines.map((line) => JSON.stringify(line)).join('\n'),
    });
    const text = await response.text();
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, body: JSON.parse(text) };
  }

  const caughtUp = () => waitForProjectionsAtLogEnd(database, 60_000);

  /** Every report body of the account (series over January), JSON without the positions and the clock. */
  async function snapshot(): Promise<Record<string, unknown>> {
    const bodies: Record<string, unknown> = {};
    for (const report of REPORTS) {
      for (const product of report.products) {
        const range = report.shape === 'series' ? '&from=2026-01-01&to=2026-01-31' : '';
        bodies[`${report.name}/${product}`] = (
          await call(url, tokens.admin, 'GET', `/v1/accounts/${OWN}/reports/${report.name}?product=${product}${range}`)
        ).body;
      }
    }
    bodies.licenses = (await call(url, tokens.admin, 'GET', `/v1/accounts/${OWN}/licenses`)).body;
    return JSON.parse(JSON.stringify(bodies, (key, value) => (key === 'asOfPosition' || key === 'asOf' ? undefined : value)));
  }

  beforeAll(async () => {
    schema = freshTestSchema('hostile');
    database = await schema.open();
    // The sweep sends thousands of requests with one key: no rate limit here (limits.spec tests it).
    app = await createApp(
      loadConfig({
        DATABASE_URL: TEST_DATABASE_URL,
        DATABASE_SCHEMA: schema.schema,
        RATE_LIMIT_REQUESTS: '0',
        LEDGER_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
      }),
      { logger: false },
    );
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    routes = routesOf(app).filter((r) => r.path.startsWith('/v1'));
    const keys = app.get(ApiKeyStore);
    tokens.admin = (await keys.create({ role: 'account-admin', accountId: OWN })).token;
    tokens.sandbox = (await keys.create({ role: 'account-admin', accountId: SANDBOX })).token;
    tokens.operator = (await keys.create({ role: 'operator', accountId: null })).token;
    for (const [accountId, token] of [
      [OWN, tokens.admin],
      [SANDBOX, tokens.sandbox],
    ]) {
      const seeded = await importLines(token, seed(accountId));
      expect({ status: seeded.status, errors: seeded.body.errors }).toEqual({ status: 200, errors: [] });
    }
    await caughtUp();
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
    await schema?.drop();
  });

  test('every command route has a valid body here, so new routes join the sweep', () => {
    const commandRoutes = routes.filter((r) => r.method !== 'GET' && r.path.startsWith('/v1/accounts/'));
    expect(commandRoutes.length).toBeGreaterThan(15);
    expect(commandRoutes.map((r) => `${r.method} ${r.path}`).filter((key) => !(key in VALID_BODIES))).toEqual([]);
  });

  test('filters and path parameters of the read routes, and ids on every route, answer cleanly; the data stays as it was', async () => {
    const before = await snapshot();
    const [{ n: eventsBefore }] = await query<{ n: string }>(database, `SELECT count(*)::text AS n FROM events WHERE stream_id = 'account-acme'`);
    const reads = routes.filter((r) => r.method === 'GET' && r.path.startsWith('/v1/accounts/'));
    expect(reads.length).toBeGreaterThan(1);

    for (const value of HOSTILE) {
      for (const route of reads) {
        for (const filter of FILTERS) {
          const products = route.path.includes(':name') ? ['KSE', 'KRE'] : [undefined];
          for (const product of products) {
            const query = new URLSearchParams(product && filter !== 'product' ? { product, [filter]: value } : { [filter]: value });
            await probe(tokens.admin, 'GET', `${pathOf(route, { ...VALID_PARAMS, accountId: OWN })}?${query}`);
          }
        }
        for (const parameter of route.path.match(/:[A-Za-z]+/g) ?? []) {
          await probe(tokens.admin, 'GET', pathOf(route, { ...VALID_PARAMS, accountId: OWN, [parameter.slice(1)]: value }));
        }
      }
      // Every route with a hostile account: the guard answers as for an unknown account.
      for (const route of routes.filter((r) => r.path.includes(':accountId'))) {
        const answer = await probe(
          tokens.admin,
          route.method,
          pathOf(route, { ...VALID_PARAMS, accountId: value }),
          route.method === 'GET' ? undefined : {},
        );
        expect({ route: route.path, status: answer.status }).toEqual({ route: route.path, status: 404 });
      }
      await probe(tokens.operator, 'POST', `/v1/projections/${encodeURIComponent(value)}/rebuild`);
    }
    expect(unclean).toEqual([]);

    await caughtUp();
    expect(await snapshot()).toEqual(before);
    const [{ n: eventsAfter }] = await query<{ n: string }>(database, `SELECT count(*)::text AS n FROM events WHERE stream_id = 'account-acme'`);
    expect(eventsAfter).toBe(eventsBefore);
  }, 300_000);

  test('hostile ids in the paths and bodies of commands and import lines are refused or stored as plain text', async () => {
    const commands = routes.filter((r) => r.method !== 'GET' && r.path.startsWith('/v1/accounts/:accountId'));
    for (const [index, value] of HOSTILE.entries()) {
      for (const route of commands) {
        const body = VALID_BODIES[`${route.method} ${route.path}`] ?? {};
        const parameters = (route.path.match(/:[A-Za-z]+/g) ?? []).map((p) => p.slice(1)).filter((p) => p !== 'accountId');
        for (const parameter of parameters) {
          await probe(tokens.sandbox, route.method, pathOf(route, { ...VALID_PARAMS, accountId: SANDBOX, [parameter]: value }), body);
        }
        for (const field of Object.keys(body)) {
          await probe(tokens.sandbox, route.method, pathOf(route, { ...VALID_PARAMS, accountId: SANDBOX }), { ...body, [field]: value });
        }
      }
      const imported = await importLines(tokens.sandbox, [
        { type: 'RegisterUser', accountId: SANDBOX, userId: value, email: `h${index}@sandbox.example`, fullName: value, orgId: 'qa' },
        { type: 'RecordLogin', accountId: SANDBOX, product: 'KSE', userId: value },
      ]);
      expect({ value: value.slice(0, 40), status: imported.status }).toEqual({ value: value.slice(0, 40), status: value.length > 128 ? 400 : 200 });
    }
    expect(unclean).toEqual([]);

    // Stored hostile ids come back as plain data in the sandbox's reports, in JSON and CSV.
    await caughtUp();
    for (const report of ['assignments', 'sessions']) {
      expect((await probe(tokens.sandbox, 'GET', `/v1/accounts/${SANDBOX}/reports/${report}?product=KSE&format=csv`)).status).toBe(200);
    }
    const stored = await query<{ id: string }>(
      database,
      `SELECT data->>'userId' AS id FROM events WHERE stream_id = 'account-sandbox' AND type = 'UserRegistered'`,
    );
    expect(stored.map((r) => r.id)).toEqual(expect.arrayContaining(["' OR 1=1 --", '"; DROP TABLE events; --', '%', '../../etc/passwd']));
    expect(unclean).toEqual([]);
  }, 300_000);

  test('LIKE wildcards in q match only themselves', async () => {
    for (const [report, product] of [
      ['assignments', 'KSE'],
      ['sessions', 'KRE'],
    ]) {
      const all = await probe(tokens.admin, 'GET', `/v1/accounts/${OWN}/reports/${report}?product=${product}`);
      expect(all.body.total).toBeGreaterThan(0);
      for (const q of ['%', '_', '%%', '\\']) {
        const filtered = await probe(tokens.admin, 'GET', `/v1/accounts/${OWN}/reports/${report}?product=${product}&q=${encodeURIComponent(q)}`);
        expect({ report, q, total: filtered.body.total }).toEqual({ report, q, total: 0 });
      }
    }
  });

  test('CSV exports start no text cell with = + - @ TAB or CR, and show the formula names neutralised', async () => {
    const cells: string[] = [];
    for (const report of REPORTS) {
      // Series grouped by organization carry the organizations' names.
      const groupBy = parametersOf(report).includes('groupBy') ? '&groupBy=org' : '';
      // reclaim-backtest requires the policy it replays (SPEC §8.2b).
      const idleDays = parametersOf(report).includes('idleDays') ? '&idleDays=30' : '';
      // forecast takes no `from`: its past is the `history` buckets that end by `to` (SPEC §8.4).
      const from = parametersOf(report).includes('from') ? '&from=2026-01-01' : '';
      const series = report.shape === 'series' ? `${from}&to=2026-01-31${groupBy}${idleDays}` : '';
      for (const product of report.products) {
        const answer = await probe(tokens.admin, 'GET', `/v1/accounts/${OWN}/reports/${report.name}?product=${product}${series}&format=csv`);
        expect({ report: report.name, status: answer.status }).toEqual({ report: report.name, status: 200 });
        cells.push(...parseCsv(answer.text).flat());
      }
    }
    const NUMBER = /^-?\d+(\.\d+)?$/;
    expect(cells.filter((cell) => FORMULA_START.test(cell) && !NUMBER.test(cell))).toEqual([]);
    expect(cells).toEqual(
      expect.arrayContaining(["'=1+1", '\'=HYPERLINK("http://evil.example","x")', "'+SUM(1)", "'-2+3", "'@cmd", "'=s1", "'+m1", "'=SUM(1,2)"]),
    );
  });
});
