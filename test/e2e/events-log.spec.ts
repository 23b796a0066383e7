import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../apps/api/src/create-app.js';
import { runCli } from '../../apps/cli/src/cli.js';
import { ApiKeyStore } from '../../libs/auth/src/api-keys.js';
import { accountStreamId } from '../../libs/domain/src/index.js';
import type { EventStore, StoredEvent } from '../../libs/event-store/src/event-store.js';
import { formatPosition } from '../../libs/event-store/src/event-store.js';
import { CommandGateway, type ClientCommand } from '../../libs/ledger/src/command-gateway.js';
import { loadConfig } from '../../libs/platform/src/config.js';
import { EVENT_STORE } from '../../libs/platform/src/tokens.js';
import { captureOutput } from '../support/capture-output.js';
import { accountWithSeatPool } from '../support/ledger-fixtures.js';
import { SQL_BACKENDS, type LedgerBackend } from '../support/ledger-backends.js';

interface EventsBody {
  accountId: string;
  untilPosition: string | null;
  nextAfter: string | null;
  events: { position: string; streamId: string; type: string; eventId: string; metadata: Record<string, unknown> }[];
}

/** SPEC §5 "Events": GET /v1/accounts/{id}/events and `ledger events`, on the real app. */
describe.each(SQL_BACKENDS)('the events log on %s', (_name, open) => {
  let backend: LedgerBackend;
  let app: NestExpressApplication;
  let url: string;
  let store: EventStore;
  let admin: string;
  let auditor: string;
  let stored: StoredEvent[];
  let exportAtStamp: string;
  let stamp: string;

  const get = async (path: string, token = admin) => fetch(`${url}/v1/accounts/${path}`, { headers: { authorization: `Bearer ${token}` } });
  const page = async (query: string, token = admin): Promise<EventsBody> => {
    const response = await get(`acme/events${query}`, token);
    expect(response.status).toBe(200);
    return (await response.json()) as EventsBody;
  };
  let sent = 0;
  /** One command at a time: an account's business time only moves forward. */
  const run = async (commands: ClientCommand[], correlationId: string) => {
    for (const command of commands) {
      await app.get(CommandGateway).execute({ ...command, commandId: `c${sent++}` } as ClientCommand, { actor: 'events-spec', correlationId });
    }
  };

  beforeAll(async () => {
    backend = await open('events');
    app = await createApp(loadConfig(backend.env), { logger: false, runProjections: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const keys = app.get(ApiKeyStore);
    admin = (await keys.create({ accountId: 'acme', role: 'account-admin' })).token;
    auditor = (await keys.create({ accountId: 'acme', role: 'auditor' })).token;
    store = app.get<string, EventStore>(EVENT_STORE);
    await run(accountWithSeatPool('acme', 2, 3), 'setup');
    await run(accountWithSeatPool('globex', 1, 1).slice(0, 2), 'other');
    stored = await store.readStream(accountStreamId('acme'));
  });
  afterAll(async () => {
    await app?.close();
    await backend?.remove();
  });

  it('pages by cursor through every event of the account, in log order, without gaps or repeats', async () => {
    expect(stored).toHaveLength(6);
    const seen: EventsBody['events'] = [];
    let stampOfFirst: string | null = null;
    for (let after: string | null = null, pages = 0; ; pages += 1) {
      const body: EventsBody = await page(`?limit=4${after ? `&after=${after}` : ''}${stampOfFirst ? `&until=${stampOfFirst}` : ''}`);
      expect(body.accountId).toBe('acme');
      stampOfFirst ??= body.untilPosition;
      expect(body.untilPosition).toBe(stampOfFirst);
      expect(body.events.length).toBeLessThanOrEqual(4);
      seen.push(...body.events);
      if (body.nextAfter === null) break;
      expect(body.nextAfter).toBe(body.events.at(-1)!.position);
      after = body.nextAfter;
      expect(pages).toBeLessThan(3);
    }
    expect(seen.map((e) => e.eventId)).toEqual(stored.map((e) => e.eventId));
    expect(seen.map((e) => e.position)).toEqual(stored.map((e) => formatPosition(e.position)));
    expect(new Set(seen.map((e) => e.streamId))).toEqual(new Set(['account-acme']));
  });

  it('shows every metadata field of each event', async () => {
    const { events } = await page('?limit=1', auditor);
    expect(events[0]).toMatchObject({ type: 'AccountOpened', streamRevision: '0', data: expect.objectContaining({ name: 'Race' }) });
    expect(events[0].metadata).toEqual({
      commandId: 'c0',
      correlationId: 'setup',
      causationId: null,
      actor: 'events-spec',
      occurredAt: '2026-01-05T12:00:00.000Z',
      recordedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      schemaVersion: 1,
    });
  });

  it('filters by type (comma-separated), by the account stream and by occurredAt, to exclusive', async () => {
    const users = await page('?type=UserRegistered');
    expect(users.events.map((e) => e.type)).toEqual(['UserRegistered', 'UserRegistered', 'UserRegistered']);
    const two = await page('?type=OrganizationCreated,LicensesPurchased&stream=account-acme');
    expect(two.events.map((e) => e.type)).toEqual(['OrganizationCreated', 'LicensesPurchased']);
    // The fixture's commands happen at 12:00, 12:01, 12:02 (three users) and 12:03.
    const window = await page('?from=2026-01-05T12:01:00Z&to=2026-01-05T13:03:00%2B01:00');
    expect(window.events.map((e) => e.type)).toEqual(['OrganizationCreated', 'UserRegistered', 'UserRegistered', 'UserRegistered']);
    const pagedFilter = await page('?type=UserRegistered&limit=2');
    expect(pagedFilter.events).toHaveLength(2);
    const rest = await page(`?type=UserRegistered&limit=2&after=${pagedFilter.nextAfter}`);
    expect(rest.events.map((e) => e.eventId)).toEqual([users.events[2].eventId]);
    expect(rest.nextAfter).toBeNull();
  });

  it('format=ndjson: the stamp first, then every matching event; until= regenerates it exactly after more appends', async () => {
    const response = await get('acme/events?format=ndjson');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    exportAtStamp = await response.text();
    const [first, ...lines] = exportAtStamp
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    stamp = first.untilPosition;
    expect(first).toEqual({ accountId: 'acme', untilPosition: expect.stringMatching(/^\d+\/\d+$/) });
    expect(lines.map((e: { eventId: string }) => e.eventId)).toEqual(stored.map((e) => e.eventId));

    await run([{ type: 'AssignSeat', accountId: 'acme', product: 'KSE', userId: 'u0', at: '2026-01-05T12:10:00.000Z' }], 'later');
    const regenerated = await (await get(`acme/events?format=ndjson&until=${stamp}`)).text();
    expect(regenerated).toBe(exportAtStamp);
    const current = await (await get('acme/events?format=ndjson')).text();
    expect(current.trimEnd().split('\n')).toHaveLength(lines.length + 2);
    expect(JSON.parse(current.split('\n')[0]).untilPosition).not.toBe(stamp);
  });

  it("refuses another account's stream and another account's events with the 404 of an unknown account", async () => {
    const stream = await get('acme/events?stream=account-globex');
    expect(stream.status).toBe(404);
    expect(await stream.json()).toMatchObject({ code: 'NOT_FOUND' });
    const other = await get('globex/events');
    expect(other.status).toBe(404);
    expect(JSON.stringify(await other.json())).not.toContain('OrganizationCreated');
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['after=12', 'after'],
    ['until=tomorrow', 'until'],
    ['type=SeatAssigned,Nonsense', 'type'],
    ['from=2026-01-05', 'from'],
    ['from=2026-01-06T00:00:00Z&to=2026-01-05T00:00:00Z', 'to'],
    ['colour=blue', 'colour'],
    ['format=csv', 'format'],
    ['format=ndjson&limit=5', 'limit'],
  ])('?%s → 400 VALIDATION_FAILED naming %s', async (query, field) => {
    const response = await get(`acme/events?${query}`);
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { code: string; errors: { path: string; message: string }[] };
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors.map((e) => e.path)).toEqual([field]);
  });

  it('lists the event types when one is unknown', async () => {
    const problem = (await (await get('acme/events?type=Nonsense')).json()) as { errors: { message: string }[] };
    expect(problem.errors[0].message).toContain('SeatAssigned');
    expect(problem.errors[0].message).toContain("'Nonsense'");
  });

  describe('ledger events (the server stopped: one process at a time on the embedded store)', () => {
    beforeAll(async () => {
      await app.close();
    });

    it('--format ndjson --until writes the same export as HTTP', async () => {
      const out = captureOutput();
      expect(await runCli(['events', '--account', 'acme', '--format', 'ndjson', '--until', stamp], out, backend.env)).toBe(0);
      expect(out.out()).toBe(exportAtStamp);
    });

    it('prints a page as JSON with the cursor of the next', async () => {
      const out = captureOutput();
      expect(await runCli(['events', '--account', 'acme', '--type', 'UserRegistered', '--limit', '2'], out, backend.env)).toBe(0);
      const body = JSON.parse(out.out()) as EventsBody;
      expect(body.events.map((e) => e.type)).toEqual(['UserRegistered', 'UserRegistered']);
      expect(body.nextAfter).toBe(body.events[1].position);
    });

    it('bad parameters exit 2 naming the field; an unknown account exits 1', async () => {
      const bad = captureOutput();
      expect(await runCli(['events', '--account', 'acme', '--limit', 'lots'], bad, backend.env)).toBe(2);
      expect(bad.err()).toContain('limit must be a whole number');
      const missing = captureOutput();
      expect(await runCli(['events', '--type', 'SeatAssigned'], missing, backend.env)).toBe(2);
      expect(missing.err()).toContain("ledger events: required option '--account <id>' not specified");
      const unknown = captureOutput();
      expect(await runCli(['events', '--account', 'nobody'], unknown, backend.env)).toBe(1);
      expect(unknown.err()).toContain("NOT_FOUND: account 'nobody' does not exist");
    });
  });
});
