import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { createApp } from '../../apps/api/src/create-app.js';
import { ApiKeyStore } from '../../libs/auth/src/api-keys.js';
import { loadConfig } from '../../libs/platform/src/config.js';

/**
 * OpenAPI a client can be generated from (SPEC §6): types generated from /docs-json by
 * openapi-typescript, a small program written against them (and against the shared contract types,
 * so the two must agree) typechecked by the compiler, then run against the server to call a report.
 */
const EXAMPLE = resolve('../shared/examples/spec-7-worked-example.ndjson');
const CONTRACTS = resolve('libs/contracts/src/index.js');

const CLIENT = `
import type { paths } from './schema.js';
import type { SeriesBody, ProblemDetails, LicenseListPage } from '${CONTRACTS}';

type ReportRoute = paths['/v1/accounts/{accountId}/reports/{name}']['get'];
type ReportQuery = NonNullable<ReportRoute['parameters']['query']>;
type ReportAnswer = ReportRoute['responses'][200]['content']['application/json'];
type Problem = ReportRoute['responses'][404]['content']['application/problem+json'];

/** A bucket-series report through the generated types; the body must be the contract's SeriesBody. */
export async function seriesReport(base: string, token: string, accountId: string, name: string, query: ReportQuery): Promise<SeriesBody> {
  const search = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
  const response = await fetch(\`\${base}/v1/accounts/\${encodeURIComponent(accountId)}/reports/\${encodeURIComponent(name)}?\${search}\`, {
    headers: { authorization: \`Bearer \${token}\` },
  });
  if (!response.ok) {
    const problem: ProblemDetails = (await response.json()) as Problem;
    throw new Error(\`\${problem.code}: \${problem.detail}\`);
  }
  const body = (await response.json()) as ReportAnswer;
  if (!('interval' in body)) throw new Error('not a bucket series');
  return body;
}

type ListRoute = paths['/v1/accounts/{accountId}/licenses/{product}/{list}']['get'];
type ListAnswer = ListRoute['responses'][200]['content']['application/json'];

/** A page of a list of the license overview through the generated types; the body must be the contract's LicenseListPage. */
export async function licenseList(base: string, token: string, accountId: string, product: string, list: ListRoute['parameters']['path']['list'], query: NonNullable<ListRoute['parameters']['query']>): Promise<LicenseListPage> {
  const search = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
  const response = await fetch(\`\${base}/v1/accounts/\${accountId}/licenses/\${product}/\${list}?\${search}\`, { headers: { authorization: \`Bearer \${token}\` } });
  const body: ListAnswer = (await response.json()) as ListAnswer;
  return body;
}
`;

describe('a typed client generated from /docs-json', () => {
  let dir: string;
  let app: NestExpressApplication;
  let url: string;
  let token: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-openapi-'));
    app = await createApp(loadConfig({ LEDGER_DATA_DIR: join(dir, 'data') }), { logger: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    token = (await app.get(ApiKeyStore).create({ accountId: 'acme', role: 'account-admin' })).token;
    const imported = await fetch(`${url}/v1/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
      body: await readFile(EXAMPLE),
    });
    expect(imported.status).toBe(200);
  });
  afterAll(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('every /v1 operation: bearer security, a schema for each success body, problem+json errors; open routes need no key', async () => {
    const document = (await (await fetch(`${url}/docs-json`)).json()) as {
      components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
      security?: unknown[];
      paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
    };
    expect(document.components.securitySchemes['api-key']).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'opaque' }),
    );
    const refs = JSON.stringify(document).match(/#\/components\/schemas\/[A-Za-z]+/g) ?? [];
    for (const name of new Set(refs.map((r) => r.split('/').at(-1)!))) expect(Object.keys(document.components.schemas)).toContain(name);
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        if (path.startsWith('/v1')) {
          expect([where, operation.security]).toEqual([where, undefined]); // the document's: the bearer key
          expect([where, operation.responses['401']?.content?.['application/problem+json']?.schema]).toEqual([
            where,
            { $ref: '#/components/schemas/ProblemDetails' },
          ]);
        } else {
          expect([where, operation.security]).toEqual([where, []]);
        }
        const successes = Object.entries(operation.responses).filter(([status]) => status.startsWith('2'));
        expect([where, successes.length]).not.toEqual([where, 0]);
        for (const [status, response] of successes) {
          const schemas = Object.values(response.content ?? {}).map((c) => c.schema);
          expect([where, status, schemas.length > 0 && schemas.every((s) => s !== undefined)]).toEqual([where, status, true]);
        }
      }
    }
  });

  test('command bodies are described by the rules that check them', async () => {
    const document = (await (await fetch(`${url}/docs-json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } }>>;
    };
    const body = (path: string, method: string) => document.paths[path]![method]!.requestBody!.content['application/json']!.schema;
    expect(body('/v1/accounts/{accountId}/purchases', 'post')).toEqual({
      type: 'object',
      additionalProperties: false,
      required: ['purchaseId', 'product', 'quantity', 'startsAt', 'expiresAt'],
      properties: expect.objectContaining({
        purchaseId: expect.objectContaining({ type: 'string', minLength: 1, maxLength: 128 }),
        product: expect.objectContaining({ type: 'string', enum: expect.arrayContaining(['KSE', 'KRE', 'TRUETEST']) }),
        quantity: expect.objectContaining({ type: 'integer', minimum: 1 }),
        startsAt: expect.objectContaining({ type: 'string', format: 'date-time' }),
        machineQuota: expect.objectContaining({ type: 'integer' }),
        at: expect.objectContaining({ format: 'date-time' }),
        commandId: expect.objectContaining({ type: 'string' }),
      }),
    });
    // Fields in the path are not asked for in the body.
    expect(Object.keys(body('/v1/accounts/{accountId}/users/{userId}/move', 'post').properties as object).sort()).toEqual([
      'at',
      'commandId',
      'orgId',
    ]);
  });

  test('openapi-typescript generates types; a program using them typechecks against the contracts and reads a report', async () => {
    const document = (await (await fetch(`${url}/docs-json`)).json()) as Parameters<typeof openapiTS>[0];
    await writeFile(join(dir, 'schema.d.ts'), astToString(await openapiTS(document)));
    await writeFile(join(dir, 'client.ts'), CLIENT);
    await writeFile(join(dir, 'package.json'), '{"type":"module"}');

    const program = ts.createProgram([join(dir, 'client.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      skipLibCheck: true,
      typeRoots: [resolve('node_modules/@types')],
      types: ['node'],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);

    const compiled = ts.transpileModule(CLIENT, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText;
    await writeFile(join(dir, 'client.mjs'), compiled);
    const client = (await import(pathToFileURL(join(dir, 'client.mjs')).href)) as {
      seriesReport(
        base: string,
        token: string,
        accountId: string,
        name: string,
        query: Record<string, string>,
      ): Promise<{ buckets: Record<string, number>[] }>;
    };
    const query = { product: 'KSE', from: '2026-01-01', to: '2026-02-28', interval: 'month' };
    let body: { buckets: Record<string, number>[] } | undefined;
    for (let attempt = 0; attempt < 100 && body?.buckets[0]?.assigned !== 2; attempt++) {
      body = await client.seriesReport(url, token, 'acme', 'seat-history', query).catch(() => undefined);
      if (body?.buckets[0]?.assigned !== 2) await new Promise((done) => setTimeout(done, 200));
    }
    expect(body!.buckets.map((b) => [b.purchased, b.assigned, b.activated])).toEqual([
      [5, 2, 2],
      [5, 2, 1],
    ]);
    await expect(client.seriesReport(url, token, 'acme', 'nope', query)).rejects.toThrow(/^NOT_FOUND: report 'nope' does not exist/);
    const list = await (
      client as unknown as { licenseList: (...args: unknown[]) => Promise<{ total: number; rows: { userId: string }[] }> }
    ).licenseList(url, token, 'acme', 'KSE', 'licensed-users', { pageSize: 1, page: 2 });
    expect({ total: list.total, rows: list.rows.map((r) => r.userId) }).toEqual({ total: 2, rows: ['u2'] });
  });
});
