import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../apps/api/src/create-app.js';
import type { Health } from '../../apps/api/src/health-check.js';
import { parsePosition } from '../../libs/event-store/src/event-store.js';
import { CommandGateway, type ClientCommand } from '../../libs/ledger/src/command-gateway.js';
import { loadConfig } from '../../libs/platform/src/config.js';
import { LEDGER_DATABASE } from '../../libs/platform/src/tokens.js';
import type { LedgerDatabase } from '../../libs/database/src/database.js';
import { ProjectionEngine } from '../../projections/engine/projection-engine.js';
import { accountWithSeatPool } from '../support/ledger-fixtures.js';
import { SQL_BACKENDS, type LedgerBackend } from '../support/ledger-backends.js';

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** Prometheus text format 0.0.4: `# HELP` / `# TYPE` lines, and samples `name{label="value",…} number`. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$/.test(line)) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*)\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/.exec(line);
    if (!match) throw new Error(`not a line of the Prometheus text format: ${line}`);
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

function valueOf(samples: readonly Sample[], name: string, labels: Record<string, string>): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

/** SPEC §6 ops: GET /health and GET /metrics on the real app, projections running in it. */
describe.each(SQL_BACKENDS)('/health and /metrics on %s', (_name, open) => {
  let backend: LedgerBackend;
  let app: NestExpressApplication;
  let url: string;
  let lastPosition: string;

  beforeAll(async () => {
    backend = await open('ops');
    app = await createApp(loadConfig(backend.env), { logger: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const gateway = app.get(CommandGateway);
    const context = { actor: 'ops-spec' };
    // 6 accepted commands, each its own append…
    for (const [i, command] of accountWithSeatPool('acme', 1, 3).entries()) {
      lastPosition = (await gateway.execute({ ...command, commandId: `c${i}` } as ClientCommand, context)).position!;
    }
    // …one repeated (no append) and one refused by a rule (no append).
    await gateway.execute({ ...accountWithSeatPool('acme', 1, 3)[0], commandId: 'c0' } as ClientCommand, context);
    await expect(gateway.execute({ type: 'AssignSeat', accountId: 'acme', product: 'KSE', userId: 'nobody' }, context)).rejects.toThrow();
    await app.get(ProjectionEngine).waitForPosition(parsePosition(lastPosition), 30_000);
  });
  afterAll(async () => {
    await app?.close().catch(() => {}); // its database was closed under it by the last test
    await backend?.remove();
  });

  it("GET /health: 200 ok, the store's head, the database, and every projection running here and caught up", async () => {
    const response = await fetch(`${url}/health`);
    expect(response.status).toBe(200);
    const health = (await response.json()) as Health;
    expect(health).toMatchObject({
      status: 'ok',
      eventStore: { status: 'up', headPosition: lastPosition },
      database: { status: 'up' },
    });
    const names = app.get(ProjectionEngine).names;
    expect(names.length).toBeGreaterThan(0);
    expect(health.projections!.map((p) => p.name).sort()).toEqual([...names].sort());
    for (const projection of health.projections!) {
      expect(projection).toMatchObject({ state: 'running-here', position: lastPosition, lagEvents: 0, lagSeconds: 0, lastError: null });
    }
  });

  it('GET /metrics: Prometheus text; appends, append latency and commands counted; projection gauges', async () => {
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const samples = parseExposition(await response.text());

    expect(valueOf(samples, 'ledger_appends_total', { outcome: 'accepted' })).toBe(6);
    expect(valueOf(samples, 'ledger_appends_total', { outcome: 'conflict' })).toBeUndefined();
    expect(valueOf(samples, 'ledger_append_duration_seconds_count', { outcome: 'accepted' })).toBe(6);
    expect(valueOf(samples, 'ledger_append_duration_seconds_bucket', { outcome: 'accepted', le: '+Inf' })).toBe(6);
    expect(valueOf(samples, 'ledger_append_duration_seconds_sum', { outcome: 'accepted' })).toBeGreaterThan(0);
    expect(valueOf(samples, 'ledger_commands_total', { type: 'RegisterUser', outcome: 'accepted' })).toBe(3);
    expect(valueOf(samples, 'ledger_commands_total', { type: 'OpenAccount', outcome: 'accepted' })).toBe(1);
    expect(valueOf(samples, 'ledger_commands_total', { type: 'OpenAccount', outcome: 'duplicate' })).toBe(1);
    expect(valueOf(samples, 'ledger_commands_total', { type: 'AssignSeat', outcome: 'rejected' })).toBe(1);

    const commit = Number(lastPosition.split('/')[0]);
    for (const projection of app.get(ProjectionEngine).names) {
      const active = { projection, status: 'active' };
      expect({ projection, commit: valueOf(samples, 'ledger_projection_position_commit', active) }).toEqual({ projection, commit });
      expect(valueOf(samples, 'ledger_projection_lag_events', active)).toBe(0);
      expect(valueOf(samples, 'ledger_projection_lag_seconds', active)).toBe(0);
      expect(valueOf(samples, 'ledger_projection_last_batch_failed', active)).toBe(0);
      expect(valueOf(samples, 'ledger_projection_events_folded', active)).toBeGreaterThanOrEqual(0);
    }
    expect(valueOf(samples, 'ledger_projection_status_unreadable', {})).toBe(0);
  });

  it('GET /health: 503 unavailable naming the database once it is closed under the app', async () => {
    await app.get<string, LedgerDatabase>(LEDGER_DATABASE).close();
    const response = await fetch(`${url}/health`);
    expect(response.status).toBe(503);
    const health = (await response.json()) as Health;
    expect(health).toMatchObject({ status: 'unavailable', database: { status: 'down', error: expect.any(String) } });
    // The SQL event store lives in the same database.
    expect(health.eventStore).toMatchObject({ status: 'down' });

    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    const samples = parseExposition(await metrics.text());
    expect(valueOf(samples, 'ledger_projection_status_unreadable', {})).toBe(1);
    expect(valueOf(samples, 'ledger_appends_total', { outcome: 'accepted' })).toBe(6);
  });
});
