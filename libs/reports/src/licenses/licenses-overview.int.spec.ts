import type { LedgerCommand } from '../../../domain/src/commands.js';
import type { LedgerEvent } from '../../../domain/src/events.js';
import { poolFigures } from '../../../domain/src/pools.js';
import { evolve, initialState, type AccountState } from '../../../domain/src/state.js';
import { cmd } from '../../../domain/src/testing/decider-spec.js';
import { IN_MEMORY, openDatabase, type LedgerDatabase } from '../../../database/src/database.js';
import type { StoredEvent } from '../../../event-store/src/event-store.js';
import { storedHistory } from '../../../../test/support/stored-history.js';
import { licensesProjection } from '../../../../projections/licenses.projection.js';
import { projectionHarness, type ProjectionHarness } from '../testing/projection-harness.js';
import { randomHistory } from '../testing/random-history.js';
import { buildLicensesOverview } from './licenses-overview.js';

const LEASE = 900_000;
const at = (iso: string) => Date.parse(iso);

function stateOf(events: readonly StoredEvent[]): AccountState {
  const state = initialState();
  for (const e of events) evolve(state, { type: e.type, data: e.data, occurredAt: e.metadata.occurredAt } as unknown as LedgerEvent);
  return state;
}

describe('licenses overview agrees with the write side pools (property)', () => {
  let database: LedgerDatabase;
  beforeAll(async () => {
    database = await openDatabase({ dataDir: IN_MEMORY });
  });
  afterAll(() => database.close());

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('random history, seed %i: every scope figure equals poolFigures at now', async (seed) => {
    const history = randomHistory(seed, { steps: 250 });
    const events = storedHistory(history.commands, { onRejected: 'skip', leaseMs: LEASE });
    const harness = await projectionHarness([licensesProjection], events, { database, batchSize: 1 + ((seed * 37) % 120), leaseMs: LEASE });
    try {
      const state = stateOf(events);
      let compared = 0;
      for (const offset of [0, 5 * 60_000, 20 * 60_000, 3 * 3_600_000, 30 * 86_400_000]) {
        const now = Math.max(history.end, state.lastAt) + offset;
        const overview = await buildLicensesOverview({ accountId: 'acme' }, harness.context(now));
        const products = new Set([...state.purchases.values()].map((p) => p.product));
        expect(overview.products.map((p) => p.product).sort()).toEqual([...products].sort());
        for (const product of overview.products) {
          const expected = [...poolFigures(state, product.product, now, LEASE).values()]
            .map(({ scope, dedicated, pool, used, available, offline }) => ({ scope, dedicated, pool, used, available, offline }))
            .sort((a, b) => a.scope.localeCompare(b.scope));
          const actual = product.scopes
            .map(({ scope, dedicated, pool, used, available, offline }) => ({ scope, dedicated, pool, used, available, offline }))
            .sort((a, b) => a.scope.localeCompare(b.scope));
          expect({ seed, offset, product: product.product, scopes: actual }).toEqual({ seed, offset, product: product.product, scopes: expected });
          compared += actual.reduce((n, s) => n + s.used, 0);
        }
      }
      expect(compared).toBeGreaterThan(0);
    } finally {
      await harness.close();
    }
  });
});

describe('licenses overview (SPEC §4.7)', () => {
  const HISTORY: LedgerCommand[] = [
    cmd('OpenAccount', '2026-01-05T13:00:00Z', { name: 'Acme', timezone: 'America/New_York' }),
    cmd('CreateOrganization', '2026-01-05T13:01:00Z', { orgId: 'qa', name: 'QA' }),
    cmd('CreateOrganization', '2026-01-05T13:02:00Z', { orgId: 'mobile', name: 'Mobile', parentOrgId: 'qa' }),
    cmd('CreateOrganization', '2026-01-05T13:02:30Z', { orgId: 'ops', name: 'Ops' }),
    cmd('RegisterUser', '2026-01-05T13:03:00Z', { userId: 'u1', email: 'u1@acme.example', fullName: 'User One', orgId: 'qa' }),
    cmd('RegisterUser', '2026-01-05T13:04:00Z', { userId: 'u2', email: 'u2@acme.example', fullName: 'User Two', orgId: 'mobile' }),
    cmd('RegisterUser', '2026-01-05T13:05:00Z', { userId: 'u3', email: 'u3@acme.example', fullName: 'User Three', orgId: 'ops' }),
    cmd('PurchaseLicenses', '2026-01-05T14:00:00Z', {
      purchaseId: 'p1',
      product: 'KSE',
      quantity: 5,
      startsAt: '2026-01-01T00:00:00Z',
      expiresAt: '2027-01-01T00:00:00Z',
      machineQuota: 10,
    }),
    cmd('PurchaseLicenses', '2026-01-05T14:01:00Z', {
      purchaseId: 'p2',
      product: 'KRE',
      quantity: 2,
      startsAt: '2026-01-01T00:00:00Z',
      expiresAt: '2026-12-01T00:00:00Z',
    }),
    cmd('DedicateLicenses', '2026-01-05T15:00:00Z', { product: 'KSE', orgId: 'qa', quantity: 3 }),
    cmd('DedicateLicenses', '2026-01-05T15:05:00Z', { product: 'KSE', orgId: 'mobile', quantity: 1 }),
    cmd('AssignSeat', '2026-01-06T13:00:00Z', { product: 'KSE', userId: 'u2' }),
    cmd('AssignSeat', '2026-01-06T13:02:00Z', { product: 'KSE', userId: 'u1' }),
    cmd('GenerateOfflineLicense', '2026-01-06T14:00:00Z', { product: 'KSE', userId: 'u1', machineId: 'laptop-1', expiresAt: '2026-06-01T00:00:00Z' }),
    cmd('GenerateOfflineLicense', '2026-01-06T14:01:00Z', { product: 'KSE', userId: 'u3', machineId: 'laptop-3', expiresAt: '2026-02-01T00:00:00Z' }),
    cmd('RegisterMachine', '2026-01-06T14:02:00Z', { product: 'KSE', machineId: 'desk-2', userId: 'u2' }),
    cmd('StartSession', '2026-03-02T15:00:00Z', { product: 'KRE', sessionId: 's1', userId: 'u3', machineId: 'ci-1' }),
    cmd('StartSession', '2026-03-02T15:01:00Z', { product: 'KSE', sessionId: 's2', userId: 'u2', machineId: 'desk-2' }),
  ];
  const NOW = at('2026-03-02T15:05:00Z');
  let harness: ProjectionHarness;
  beforeAll(async () => {
    harness = await projectionHarness([licensesProjection], storedHistory(HISTORY), { batchSize: 4 });
  });
  afterAll(() => harness.close());

  it('per product: figures, scopes, lists', async () => {
    const overview = await buildLicensesOverview({ accountId: 'acme' }, harness.context(NOW));
    expect(overview).toMatchObject({ accountId: 'acme', asOf: '2026-03-02T15:05:00.000Z', timezone: 'America/New_York', orgId: null });
    expect(overview.asOfPosition).toMatch(/^\d+\/\d+$/);
    expect(overview.products.map((p) => p.product)).toEqual(['KSE', 'KRE']);
    const kse = overview.products[0]!;
    expect(kse).toMatchObject({
      product: 'KSE',
      model: 'seat',
      purchased: 5,
      machineQuota: 10,
      registeredMachines: 3,
      expiresAt: '2027-01-01T00:00:00.000Z',
    });
    expect(kse.scopes).toEqual([
      { scope: 'account', name: 'Account', dedicated: 5, pool: 2, used: 0, available: 2, offline: 0 },
      { scope: 'qa', name: 'QA', dedicated: 3, pool: 2, used: 2, available: 0, offline: 1 },
      { scope: 'mobile', name: 'Mobile', dedicated: 1, pool: 1, used: 1, available: 0, offline: 0 },
    ]);
    expect(kse.licensedUsers).toEqual([
      { userId: 'u1', name: 'User One', email: 'u1@acme.example', licenseSource: 'qa', licenseSourceName: 'QA' },
      { userId: 'u2', name: 'User Two', email: 'u2@acme.example', licenseSource: 'mobile', licenseSourceName: 'Mobile' },
    ]);
    expect(kse.onlineLicenses).toEqual([expect.objectContaining({ machineId: 'desk-2', userId: 'u2', sessionId: 's2' })]);
    expect(kse.offlineLicenses).toEqual([
      { userId: 'u1', machineId: 'laptop-1', expiresAt: '2026-06-01T00:00:00.000Z', unexpired: true, licenseSource: 'qa' },
      { userId: 'u3', machineId: 'laptop-3', expiresAt: '2026-02-01T00:00:00.000Z', unexpired: false, licenseSource: 'account' },
    ]);
    expect(kse.machines.map((m) => m.machineId)).toEqual(['desk-2', 'laptop-1', 'laptop-3']);
    const kre = overview.products[1]!;
    expect(kre).toMatchObject({ product: 'KRE', model: 'session', purchased: 2, machineQuota: null, registeredMachines: 1 });
    expect(kre.scopes).toEqual([{ scope: 'account', name: 'Account', dedicated: 2, pool: 2, used: 1, available: 1, offline: 0 }]);
    expect(kre.onlineLicenses).toEqual([expect.objectContaining({ machineId: 'ci-1', userId: 'u3', sessionId: 's1' })]);
  });

  it('a lapsed lease holds no unit and is no online license, before SessionExpired', async () => {
    const overview = await buildLicensesOverview({ accountId: 'acme', product: 'KRE' }, harness.context(at('2026-03-02T15:20:00Z')));
    expect(overview.products).toHaveLength(1);
    expect(overview.products[0]!.scopes[0]).toMatchObject({ used: 0, available: 2 });
    expect(overview.products[0]!.onlineLicenses).toEqual([]);
  });

  it('orgId: the scopes of its subtree and its own source; lists of its users', async () => {
    const overview = await buildLicensesOverview({ accountId: 'acme', product: 'KSE', orgId: 'mobile' }, harness.context(NOW));
    expect(overview.products[0]!.scopes.map((s) => s.scope)).toEqual(['mobile']);
    expect(overview.products[0]!.licensedUsers.map((u) => u.userId)).toEqual(['u2']);
    const ops = await buildLicensesOverview({ accountId: 'acme', product: 'KSE', orgId: 'ops' }, harness.context(NOW));
    expect(ops.products[0]!.scopes.map((s) => s.scope)).toEqual(['account']);
    expect(ops.products[0]!.offlineLicenses.map((o) => o.machineId)).toEqual(['laptop-3']);
  });

  it('an expired purchase leaves the pool over-allocated (negative available)', async () => {
    const overview = await buildLicensesOverview({ accountId: 'acme', product: 'KSE' }, harness.context(at('2027-02-01T00:00:00Z')));
    expect(overview.products[0]).toMatchObject({ purchased: 0, expiresAt: null, machineQuota: 0 });
    expect(overview.products[0]!.scopes[0]).toMatchObject({ scope: 'account', dedicated: 0, pool: -3, available: -3 }); // qa's 3 still taken from it
  });

  it('rejects asOf (answered by the replay), unknown accounts and orgs', async () => {
    await expect(buildLicensesOverview({ accountId: 'acme', asOf: '2026-03-01T00:00:00Z' }, harness.context(NOW))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'asOf' }],
    });
    await expect(buildLicensesOverview({ accountId: 'other' }, harness.context(NOW))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(buildLicensesOverview({ accountId: 'acme', orgId: 'nope' }, harness.context(NOW))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('licenses overview: holders follow their user in the directory', () => {
  const HISTORY: LedgerCommand[] = [
    cmd('OpenAccount', '2026-01-05T13:00:00Z', { name: 'Acme', timezone: 'UTC' }),
    cmd('CreateOrganization', '2026-01-05T13:01:00Z', { orgId: 'qa', name: 'QA' }),
    cmd('CreateOrganization', '2026-01-05T13:02:00Z', { orgId: 'web', name: 'Web', parentOrgId: 'qa' }),
    cmd('CreateOrganization', '2026-01-05T13:02:30Z', { orgId: 'auto', name: 'Automation', parentOrgId: 'qa' }),
    cmd('RegisterUser', '2026-01-05T13:03:00Z', { userId: 'u1', email: 'u1@acme.example', fullName: 'User One', orgId: 'web' }),
    cmd('PurchaseLicenses', '2026-01-05T14:00:00Z', {
      purchaseId: 'p1',
      product: 'KSE',
      quantity: 4,
      startsAt: '2026-01-01T00:00:00Z',
      expiresAt: '2027-01-01T00:00:00Z',
    }),
    cmd('DedicateLicenses', '2026-01-05T15:00:00Z', { product: 'KSE', orgId: 'qa', quantity: 2 }),
    cmd('AssignSeat', '2026-01-06T13:00:00Z', { product: 'KSE', userId: 'u1' }),
    cmd('RegisterMachine', '2026-01-06T13:01:00Z', { product: 'KSE', machineId: 'desk-1', userId: 'u1' }),
    cmd('GenerateOfflineLicense', '2026-01-06T13:02:00Z', { product: 'KSE', userId: 'u1', machineId: 'laptop-1', expiresAt: '2026-06-01T00:00:00Z' }),
    cmd('MoveUser', '2026-01-07T09:00:00Z', { userId: 'u1', orgId: 'auto' }), // the same license source: allowed while units are held
  ];
  const NOW = at('2026-01-08T00:00:00Z');

  it.each([1, 3, 100])('moved in a later batch or the same (batch size %i): the lists follow the user to the new org', async (batchSize) => {
    const harness = await projectionHarness([licensesProjection], storedHistory(HISTORY), { batchSize });
    try {
      const [kse] = (await buildLicensesOverview({ accountId: 'acme' }, harness.context(NOW))).products;
      expect(kse!.scopes).toEqual([
        { scope: 'account', name: 'Account', dedicated: 4, pool: 2, used: 0, available: 2, offline: 0 },
        { scope: 'qa', name: 'QA', dedicated: 2, pool: 2, used: 2, available: 0, offline: 1 },
      ]);
      expect(kse!.licensedUsers).toEqual([
        { userId: 'u1', name: 'User One', email: 'u1@acme.example', licenseSource: 'qa', licenseSourceName: 'QA' },
      ]);
      const auto = (await buildLicensesOverview({ accountId: 'acme', orgId: 'auto' }, harness.context(NOW))).products[0]!;
      expect([auto.licensedUsers.length, auto.machines.map((m) => m.machineId), auto.offlineLicenses.map((o) => o.machineId)]).toEqual([
        1,
        ['desk-1', 'laptop-1'],
        ['laptop-1'],
      ]);
      const web = (await buildLicensesOverview({ accountId: 'acme', orgId: 'web' }, harness.context(NOW))).products[0]!;
      expect([web.licensedUsers, web.machines, web.offlineLicenses]).toEqual([[], [], []]);
    } finally {
      await harness.close();
    }
  });
});

describe('licenses overview: kept lists are read anew once the holdings change', () => {
  const OPENING: LedgerCommand[] = [
    cmd('OpenAccount', '2026-01-05T13:00:00Z', { name: 'Acme', timezone: 'UTC' }),
    cmd('CreateOrganization', '2026-01-05T13:01:00Z', { orgId: 'qa', name: 'QA' }),
    cmd('CreateOrganization', '2026-01-05T13:01:30Z', { orgId: 'web', name: 'Web', parentOrgId: 'qa' }),
    cmd('RegisterUser', '2026-01-05T13:03:00Z', { userId: 'u1', email: 'u1@acme.example', fullName: 'User One', orgId: 'qa' }),
    cmd('RegisterUser', '2026-01-05T13:04:00Z', { userId: 'u2', email: 'u2@acme.example', fullName: 'User Two', orgId: 'qa' }),
    cmd('PurchaseLicenses', '2026-01-05T14:00:00Z', {
      purchaseId: 'p1',
      product: 'KSE',
      quantity: 4,
      startsAt: '2026-01-01T00:00:00Z',
      expiresAt: '2027-01-01T00:00:00Z',
    }),
    cmd('AssignSeat', '2026-01-06T13:00:00Z', { product: 'KSE', userId: 'u1' }),
  ];
  const LATER: LedgerCommand[] = [
    cmd('AssignSeat', '2026-01-07T13:00:00Z', { product: 'KSE', userId: 'u2' }),
    cmd('RegisterMachine', '2026-01-07T13:01:00Z', { product: 'KSE', machineId: 'desk-2', userId: 'u2' }),
    cmd('MoveUser', '2026-01-07T13:02:00Z', { userId: 'u1', orgId: 'web' }),
    cmd('StartSession', '2026-01-07T13:03:00Z', { product: 'KSE', sessionId: 's1', userId: 'u1', machineId: 'desk-1' }),
  ];
  const NOW = at('2026-01-07T13:05:00Z');

  it('seats, machines and moves after a first read show in the next one; sessions show without a change to the seats', async () => {
    const all = storedHistory([...OPENING, ...LATER]);
    const between = (from: string, to: string) => all.filter((e) => at(e.metadata.occurredAt) >= at(from) && at(e.metadata.occurredAt) < at(to));
    const harness = await projectionHarness([licensesProjection], between('2026-01-01T00:00:00Z', '2026-01-07T00:00:00Z'), { batchSize: 2 });
    try {
      const kse = async (orgId?: string) =>
        (await buildLicensesOverview({ accountId: 'acme', ...(orgId ? { orgId } : {}) }, harness.context(NOW))).products[0]!;
      const before = await kse();
      expect(before.licensedUsers.map((u) => u.userId)).toEqual(['u1']);
      expect((await kse('web')).licensedUsers).toEqual([]);
      await harness.fold(between('2026-01-07T00:00:00Z', '2026-01-07T13:03:00Z'));
      const after = await kse();
      expect([after.licensedUsers.map((u) => u.userId), after.machines.map((m) => m.machineId)]).toEqual([['u1', 'u2'], ['desk-2']]);
      expect((await kse('web')).licensedUsers.map((u) => u.userId)).toEqual(['u1']);
      await harness.fold(between('2026-01-07T13:03:00Z', '2026-01-08T00:00:00Z'));
      expect((await kse()).onlineLicenses.map((s) => s.sessionId)).toEqual(['s1']);
    } finally {
      await harness.close();
    }
  });
});
