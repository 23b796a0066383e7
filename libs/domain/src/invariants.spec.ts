import type { LedgerCommand } from './commands.js';
import { decide } from './decide.js';
import { isSessionOpenAt, poolFigures, sourceOfOrg } from './pools.js';
import type { Product } from './products.js';
import { cmd, DEFAULT_LEASE_MS, fold } from './testing/decider-spec.js';
import { evolve, type AccountState } from './state.js';

/**
 * SPEC §1 / §3 invariants under random command sequences (seeded, so a failure reproduces):
 * after every decision, no scope is pushed below zero (purchases here never expire), the
 * per-organization counters match a recount, and a rejected command appends nothing.
 */

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const ORGS = ['a', 'b', 'c', 'd'];
const USERS = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'];
const PRODUCTS: Product[] = ['KSE', 'KRE', 'TRUETEST'];

const setup: LedgerCommand[] = [
  cmd('OpenAccount', '2026-01-01T00:00:00Z', { name: 'Acme', timezone: 'UTC' }),
  cmd('CreateOrganization', '2026-01-01T00:00:00Z', { orgId: 'a', name: 'A' }),
  cmd('CreateOrganization', '2026-01-01T00:00:00Z', { orgId: 'b', name: 'B', parentOrgId: 'a' }),
  cmd('CreateOrganization', '2026-01-01T00:00:00Z', { orgId: 'c', name: 'C', parentOrgId: 'b' }),
  cmd('CreateOrganization', '2026-01-01T00:00:00Z', { orgId: 'd', name: 'D' }),
  ...USERS.map((userId, i) =>
    cmd('RegisterUser', '2026-01-01T00:00:00Z', {
      userId,
      email: `${userId}@acme.example`,
      fullName: userId,
      orgId: ORGS[i % ORGS.length]!,
    }),
  ),
  ...PRODUCTS.map((product, i) =>
    cmd('PurchaseLicenses', '2026-01-01T00:00:00Z', {
      purchaseId: `p${i}`,
      product,
      quantity: 4,
      startsAt: '2026-01-01T00:00:00Z',
      expiresAt: '2030-01-01T00:00:00Z',
      machineQuota: 6,
    }),
  ),
];

function randomCommand(rand: () => number, at: string, n: number, started: readonly string[]): LedgerCommand {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const userId = pick(USERS);
  const recent = started.length > 0 ? started[started.length - 1 - Math.floor(rand() * Math.min(4, started.length))]! : 's-none';
  const machineId = `m${Math.floor(rand() * 8)}`;
  switch (Math.floor(rand() * 13)) {
    case 0:
      return cmd('DedicateLicenses', at, { product: pick(PRODUCTS), orgId: pick(ORGS), quantity: Math.floor(rand() * 4) });
    case 1:
      return cmd('AssignSeat', at, { product: 'KSE', userId });
    case 2:
      return cmd('UnassignSeat', at, { product: 'KSE', userId });
    case 3:
      return cmd('StartSession', at, { product: pick(['KRE', 'KSE'] as const), sessionId: `s${n}`, userId, machineId });
    case 4:
      return cmd('HeartbeatSession', at, { sessionId: recent });
    case 5:
      return cmd('EndSession', at, { sessionId: recent });
    case 6:
      return cmd('MoveUser', at, { userId, orgId: pick(ORGS) });
    case 7:
      return cmd('GenerateOfflineLicense', at, {
        product: pick(['KSE', 'KRE'] as const),
        userId,
        machineId,
        expiresAt: new Date(Date.parse(at) + rand() * 3 * 3_600_000 + 1).toISOString(),
      });
    case 8:
      return cmd('ActivateApplication', at, { applicationId: `app${Math.floor(rand() * 6)}` });
    case 9:
      return cmd('ReleaseApplication', at, { applicationId: `app${Math.floor(rand() * 6)}` });
    case 10:
      return cmd('AmendPurchase', at, { purchaseId: `p${Math.floor(rand() * 3)}`, quantity: 1 + Math.floor(rand() * 6) });
    case 11:
      return cmd('DeactivateMachine', at, { product: pick(['KSE', 'KRE'] as const), machineId, userId });
    default:
      return cmd('ExpireSessions', at);
  }
}

function recount(state: AccountState, product: Product) {
  const ps = state.products.get(product);
  const seats = new Map<string, number>();
  const sessions = new Map<string, number>();
  if (!ps) return { seats, sessions };
  for (const userId of ps.seats.keys()) {
    const org = state.users.get(userId)!.orgId;
    seats.set(org, (seats.get(org) ?? 0) + 1);
  }
  for (const sessionId of ps.unitSessions) {
    const org = state.users.get(state.sessions.get(sessionId)!.userId)!.orgId;
    sessions.set(org, (sessions.get(org) ?? 0) + 1);
  }
  return { seats, sessions };
}

function checkInvariants(state: AccountState, at: number, context: string): void {
  for (const product of PRODUCTS) {
    for (const f of poolFigures(state, product, at, DEFAULT_LEASE_MS).values()) {
      if (f.available < 0) throw new Error(`${context}: ${product} scope ${f.scope} available ${f.available}`);
    }
    const ps = state.products.get(product);
    if (!ps) continue;
    const { seats, sessions } = recount(state, product);
    expect(new Map(ps.seatsByOrg)).toEqual(seats);
    expect(new Map(ps.sessionUnitsByOrg)).toEqual(sessions);
    for (const sessionId of ps.unitSessions) expect(state.sessions.has(sessionId)).toBe(true);
  }
  // A session is open by event, ended or expired: in exactly one of the three.
  for (const sessionId of [...state.sessions.keys(), ...state.endedSessions, ...state.expiredSessions]) {
    expect([state.sessions.has(sessionId), state.endedSessions.has(sessionId), state.expiredSessions.has(sessionId)].filter(Boolean)).toHaveLength(1);
  }
}

describe('invariants under random command sequences', () => {
  it.each(Array.from({ length: 40 }, (_, i) => i + 1))('seed %i', (seed) => {
    const rand = prng(seed);
    const state = fold(setup);
    let t = Date.parse('2026-01-02T00:00:00Z');
    let accepted = 0;
    const started: string[] = [];
    for (let n = 0; n < 150; n++) {
      t += Math.floor(rand() * 6 * 60_000);
      const at = new Date(t).toISOString();
      const command = randomCommand(rand, at, n, started);
      if (command.type === 'StartSession') started.push(command.sessionId);
      const decision = decide(state, command, { now: t, leaseMs: DEFAULT_LEASE_MS });
      const context = `seed ${seed}, #${n} ${JSON.stringify(command)} → ${decision.error?.code ?? 'ok'}`;
      if (decision.error) {
        const denial = decision.error.code === 'CONCURRENCY_LIMIT_REACHED';
        const recorded = decision.events.filter((e) => e.type !== 'SessionExpired').map((e) => e.type);
        expect({ context, recorded }).toEqual({
          context,
          recorded: denial ? [command.type === 'StartSession' ? 'SessionDenied' : 'ApplicationDenied'] : [],
        });
        if (!denial) expect({ context, events: decision.events }).toEqual({ context, events: [] });
      } else {
        accepted++;
      }
      for (const e of decision.events) evolve(state, e);
      checkInvariants(state, t, context);
      // Units whose source a move would change are never moved.
      if (!decision.error && command.type === 'MoveUser') {
        for (const product of PRODUCTS) {
          const ps = state.products.get(product);
          if (!ps) continue;
          const holds =
            ps.seats.has(command.userId) ||
            ps.offlineLicenses.some((l) => l.userId === command.userId && l.expiresAt > t) ||
            [...ps.unitSessions].some((id) => state.sessions.get(id)!.userId === command.userId && isSessionOpenAt(state, id, t, DEFAULT_LEASE_MS));
          if (holds) {
            const move = decision.events.find((e) => e.type === 'UserMoved')!;
            if (move.type !== 'UserMoved') throw new Error('unreachable');
            expect(sourceOfOrg(state, ps.dedications, move.data.fromOrgId)).toBe(sourceOfOrg(state, ps.dedications, move.data.orgId));
          }
        }
      }
    }
    expect(accepted).toBeGreaterThan(30);
  });
});
