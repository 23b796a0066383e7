import { heldUnits, nextTimedPoolChange, poolFigures } from './pools.js';
import { cmd, given } from './testing/decider-spec.js';
import type { Product } from './products.js';

/** heldUnits lists what poolFigures counts as `used`; nextTimedPoolChange says when time alone changes those figures. */

const LEASE_MS = 900_000;
const history = given(
  cmd('OpenAccount', '2026-03-01T00:00:00Z', { name: 'Acme', timezone: 'UTC' }),
  cmd('CreateOrganization', '2026-03-01T00:01:00Z', { orgId: 'qa', name: 'QA' }),
  cmd('CreateOrganization', '2026-03-01T00:02:00Z', { orgId: 'mobile', name: 'Mobile', parentOrgId: 'qa' }),
  cmd('RegisterUser', '2026-03-01T00:03:00Z', { userId: 'u1', email: 'u1@acme.example', fullName: 'U1', orgId: 'qa' }),
  cmd('RegisterUser', '2026-03-01T00:04:00Z', { userId: 'u2', email: 'u2@acme.example', fullName: 'U2', orgId: 'mobile' }),
  cmd('RegisterUser', '2026-03-01T00:05:00Z', { userId: 'u3', email: 'u3@acme.example', fullName: 'U3', orgId: 'qa' }),
  cmd('PurchaseLicenses', '2026-03-01T01:00:00Z', {
    purchaseId: 'k',
    product: 'KRE',
    quantity: 4,
    startsAt: '2026-03-01T00:00:00Z',
    expiresAt: '2026-04-01T00:00:00Z',
  }),
  cmd('PurchaseLicenses', '2026-03-01T01:01:00Z', {
    purchaseId: 'k2',
    product: 'KRE',
    quantity: 1,
    startsAt: '2026-03-05T00:00:00Z',
    expiresAt: '2026-03-20T00:00:00Z',
  }),
  cmd('DedicateLicenses', '2026-03-01T02:00:00Z', { product: 'KRE', orgId: 'mobile', quantity: 2 }),
  cmd('StartSession', '2026-03-02T10:00:00Z', { product: 'KRE', sessionId: 's1', userId: 'u1', machineId: 'm1' }),
  cmd('StartSession', '2026-03-02T10:05:00Z', { product: 'KRE', sessionId: 's2', userId: 'u2', machineId: 'm2' }),
  cmd('GenerateOfflineLicense', '2026-03-02T10:06:00Z', { product: 'KRE', userId: 'u3', machineId: 'm3', expiresAt: '2026-03-03T00:00:00Z' }),
  cmd('HeartbeatSession', '2026-03-02T10:10:00Z', { sessionId: 's2' }),
).state(LEASE_MS);

const at = (iso: string) => Date.parse(iso);

describe('heldUnits', () => {
  it.each(['2026-03-02T10:07:00Z', '2026-03-02T10:14:59.999Z', '2026-03-02T10:15:00Z', '2026-03-02T10:25:00Z', '2026-03-03T00:00:00Z'])(
    'counted per scope, gives poolFigures’ used at %s',
    (instant) => {
      const units = heldUnits(history, 'KRE', at(instant), LEASE_MS);
      for (const [scope, figures] of poolFigures(history, 'KRE', at(instant), LEASE_MS)) {
        expect({ scope, used: units.filter((u) => u.scope === scope).length }).toEqual({ scope, used: figures.used });
      }
    },
  );

  it('names each unit and its source', () => {
    expect(heldUnits(history, 'KRE', at('2026-03-02T10:07:00Z'), LEASE_MS)).toEqual([
      { kind: 'session', sessionId: 's1', userId: 'u1', scope: 'account' },
      { kind: 'session', sessionId: 's2', userId: 'u2', scope: 'mobile' },
      { kind: 'offline', index: 0, userId: 'u3', scope: 'account' },
    ]);
    expect(heldUnits(history, 'KSE' as Product, at('2026-03-02T10:07:00Z'), LEASE_MS)).toEqual([]);
  });
});

describe('nextTimedPoolChange', () => {
  it('walks the lease lapses, license expiries and purchase starts and ends in order', () => {
    const walk: string[] = [];
    for (let t: number | null = at('2026-03-02T10:10:00Z'); (t = nextTimedPoolChange(history, 'KRE', t, LEASE_MS)) !== null;)
      walk.push(new Date(t).toISOString());
    expect(walk).toEqual([
      '2026-03-02T10:15:00.000Z', // s1: started 10:00, no heartbeat
      '2026-03-02T10:25:00.000Z', // s2: last heartbeat 10:10
      '2026-03-03T00:00:00.000Z', // the offline license
      '2026-03-05T00:00:00.000Z', // k2 starts counting
      '2026-03-20T00:00:00.000Z', // k2 expires
      '2026-04-01T00:00:00.000Z', // k expires
    ]);
  });
});
