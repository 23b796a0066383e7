import type { CommandType, LedgerCommand } from '../../../domain/src/commands.js';
import { commandsOf, type FieldsArgument } from '../../../domain/src/testing/command-builders.js';
import type { Product } from '../../../domain/src/products.js';

/** A seeded PRNG (mulberry32), so a failing history can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomHistory {
  readonly commands: LedgerCommand[];
  readonly orgIds: readonly string[];
  readonly products: readonly Product[];
  /** Business time of the last command (ms). */
  readonly end: number;
}

/**
 * A random but plausible account history for property tests: an org tree, users, purchases of seat,
 * session and aut products, dedications, seats, sessions (online and offline, heartbeats, ends and
 * lapsed leases), offline licenses, machines, applications, user moves and amendments. Many commands
 * are rejected by the decider; run it with `onRejected: 'skip'`.
 */
export function randomHistory(seed: number, options: { steps?: number; start?: string; timezone?: string } = {}): RandomHistory {
  const rnd = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const accountId = 'acme';
  let now = Date.parse(options.start ?? '2026-03-01T08:00:00Z');
  const at = () => new Date(now).toISOString();
  const tick = (maxMinutes: number) => {
    now += Math.floor(rnd() * maxMinutes) * 60_000 + (rnd() < 0.3 ? Math.floor(rnd() * 60_000) : 0);
  };
  const commands: LedgerCommand[] = [];
  const command = commandsOf(accountId);
  const push = <T extends CommandType>(type: T, ...fields: FieldsArgument<T>) => commands.push(command(type, at(), ...fields));

  push('OpenAccount', { name: 'Acme', timezone: options.timezone ?? 'America/New_York' });
  const orgIds: string[] = [];
  const orgCount = 2 + Math.floor(rnd() * 5);
  for (let i = 0; i < orgCount; i++) {
    const orgId = `o${i}`;
    push('CreateOrganization', { orgId, name: `Org ${i}`, parentOrgId: orgIds.length > 0 && rnd() < 0.6 ? pick(orgIds) : null });
    orgIds.push(orgId);
  }
  const userIds: string[] = [];
  const userCount = 6 + Math.floor(rnd() * 8);
  for (let i = 0; i < userCount; i++) {
    push('RegisterUser', { userId: `u${i}`, email: `u${i}@acme.example`, fullName: `User ${i}`, orgId: pick(orgIds) });
    userIds.push(`u${i}`);
  }
  const products: Product[] = ['KSE', 'KRE', 'TC_DESKTOP', 'TRUETEST'];
  const purchaseIds: string[] = [];
  products.forEach((product, i) => {
    const expires = rnd() < 0.3 ? now + Math.floor(1 + rnd() * 48) * 3_600_000 : Date.parse('2027-03-01T00:00:00Z');
    push('PurchaseLicenses', {
      purchaseId: `p${i}`,
      product,
      quantity: 2 + Math.floor(rnd() * 6),
      startsAt: new Date(now - 86_400_000).toISOString(),
      expiresAt: new Date(expires).toISOString(),
      ...(rnd() < 0.5 ? { machineQuota: 4 + Math.floor(rnd() * 10) } : {}),
    });
    purchaseIds.push(`p${i}`);
  });

  const sessions: string[] = [];
  let sessionCounter = 0;
  let applicationCounter = 0;
  const steps = options.steps ?? 200;
  for (let step = 0; step < steps; step++) {
    tick(rnd() < 0.04 ? 300 : 6);
    const r = rnd();
    const product = pick(products);
    const userId = pick(userIds);
    const machineId = `m${Math.floor(rnd() * 8)}`;
    if (r < 0.08) push('DedicateLicenses', { product, orgId: pick(orgIds), quantity: Math.floor(rnd() * 4) });
    else if (r < 0.18) push('AssignSeat', { product: pick(['KSE'] as const), userId });
    else if (r < 0.22) push('UnassignSeat', { product: 'KSE', userId });
    else if (r < 0.42) {
      const sessionId = `s${sessionCounter++}`;
      sessions.push(sessionId);
      push('StartSession', {
        product: pick(['KSE', 'KRE', 'KRE', 'TC_DESKTOP'] as const),
        sessionId,
        userId,
        machineId,
        ...(rnd() < 0.1 ? { licenseType: 'offline' } : {}),
      });
    } else if (r < 0.66 && sessions.length > 0) push('HeartbeatSession', { sessionId: pick(sessions.slice(-3)) });
    else if (r < 0.72 && sessions.length > 0) push('EndSession', { sessionId: pick(sessions.slice(-4)) });
    else if (r < 0.76)
      push('GenerateOfflineLicense', {
        product: pick(['KSE', 'KRE'] as const),
        userId,
        machineId,
        ...(rnd() < 0.5 ? { expiresAt: new Date(now + Math.floor(1 + rnd() * 20) * 3_600_000).toISOString() } : {}),
      });
    else if (r < 0.8) push('RegisterMachine', { product, machineId, userId });
    else if (r < 0.82) push('DeactivateMachine', { product, machineId, userId });
    else if (r < 0.88) push('ActivateApplication', { applicationId: `app${applicationCounter++ % 5}` });
    else if (r < 0.93) push('ReleaseApplication', { applicationId: `app${Math.floor(rnd() * 5)}` });
    else if (r < 0.96) push('MoveUser', { userId, orgId: pick(orgIds) });
    else if (r < 0.98) push('AmendPurchase', { purchaseId: pick(purchaseIds), quantity: 1 + Math.floor(rnd() * 8) });
    else push('ExpireSessions');
  }
  return { commands, orgIds, products, end: now };
}
