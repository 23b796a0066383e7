import { DateTime } from 'luxon';
import type { CommandType, LedgerCommand } from '../../../domain/src/commands.js';
import { commandsOf, type FieldsArgument } from '../../../domain/src/testing/command-builders.js';
import type { BucketInterval } from '../../../domain/src/time/index.js';
import { seededRandom } from './random-history.js';

/**
 * A random seat history (seeded) for property tests of the seat reports: an org tree, users, projects,
 * purchases of KSE and TESTOPS with amendments, dedications, seats assigned and unassigned, logins,
 * activity, sessions and user moves, at instants that often fall on local midnights and hours. Many
 * commands are rejected by the decider; run it with `onRejected: 'skip'`. `now` lies in the last third.
 */
export const ZONES = ['UTC', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Europe/London'];
export const SEEDS = [11, 23, 37, 41, 59, 73, 89, 97];
/** Around where the histories start (the first commands are three days earlier). */
export const SEAT_HISTORY_START = Date.parse('2026-01-01T00:00:00Z');

export interface SeatHistory {
  readonly accountId: string;
  readonly zone: string;
  readonly commands: LedgerCommand[];
  readonly now: number;
}

export function randomSeatHistory(seed: number): SeatHistory {
  const rnd = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));
  const accountId = `r${seed}`;
  const zone = pick(ZONES);
  const iso = (ms: number) => new Date(ms).toISOString();
  const commands: LedgerCommand[] = [];
  let t = SEAT_HISTORY_START - 3 * 86_400_000;
  const command = commandsOf(accountId);
  const add = <T extends CommandType>(type: T, ...fields: FieldsArgument<T>) => commands.push(command(type, iso(t), ...fields));

  add('OpenAccount', { name: accountId, timezone: zone });
  const orgs: string[] = [];
  for (let i = 0; i < 5; i += 1) {
    const orgId = `o${i}`;
    add('CreateOrganization', {
      orgId,
      name: `Org ${String.fromCharCode(69 - i)}`,
      ...(orgs.length > 0 && rnd() < 0.6 ? { parentOrgId: pick(orgs) } : {}),
    });
    orgs.push(orgId);
  }
  const users: string[] = [];
  for (let i = 0; i < 9; i += 1) {
    users.push(`u${i}`);
    add('RegisterUser', { userId: `u${i}`, email: `u${i}@${accountId}.example`, fullName: `User ${i}`, orgId: pick(orgs) });
  }
  // Projects take no random draws, so the rest of a seed's history is the same with or without them.
  for (let i = 0; i < 3; i += 1) add('CreateProject', { projectId: `j${i}`, name: `Project ${'CAB'[i]}`, orgId: orgs[i] });
  users.forEach((userId, i) => {
    if (i % 3 !== 2) add('AddUserToProject', { projectId: `j${i % 3}`, userId });
    if (i % 2 === 0) add('AddUserToProject', { projectId: `j${(i + 1) % 3}`, userId });
  });
  const purchases: string[] = [];
  const buy = () => {
    const purchaseId = `p${purchases.length}`;
    purchases.push(purchaseId);
    const startsAt = t + int(-10, 10) * 86_400_000;
    add('PurchaseLicenses', {
      purchaseId,
      product: pick(['KSE', 'KSE', 'TESTOPS']),
      quantity: int(1, 5),
      startsAt: iso(startsAt),
      expiresAt: iso(startsAt + int(5, 80) * 86_400_000 + int(0, 23) * 3_600_000),
    });
  };
  buy();
  let sessions = 0;
  for (let step = 0; step < 170; step += 1) {
    const roll = rnd();
    if (roll < 0.25)
      t = DateTime.fromMillis(t, { zone }).plus({ days: 1 }).startOf('day').toMillis(); // exactly local midnight
    else if (roll < 0.4) t = DateTime.fromMillis(t, { zone }).plus({ hours: 1 }).startOf('hour').toMillis();
    else if (roll < 0.5)
      t += 0; // the same instant
    else t += int(1, 900) * 60_000 + int(0, 59) * 1000;
    const product = rnd() < 0.8 ? 'KSE' : 'TESTOPS';
    const what = rnd();
    if (what < 0.06) buy();
    else if (what < 0.1)
      add(
        'AmendPurchase',
        rnd() < 0.5
          ? { purchaseId: pick(purchases), quantity: int(1, 6) }
          : { purchaseId: pick(purchases), expiresAt: iso(t + int(-5, 60) * 86_400_000) },
      );
    else if (what < 0.16) add('DedicateLicenses', { product, orgId: pick(orgs), quantity: int(0, 3) });
    else if (what < 0.36) add('AssignSeat', { product, userId: pick(users) });
    else if (what < 0.46) add('UnassignSeat', { product, userId: pick(users) });
    else if (what < 0.66) add('RecordLogin', { product, userId: pick(users) });
    else if (what < 0.8) add('RecordActivity', { product, userId: pick(users), action: 'run' });
    else if (what < 0.88) add('StartSession', { product, sessionId: `s${(sessions += 1)}`, userId: pick(users), machineId: `m${int(0, 3)}` });
    else add('MoveUser', { userId: pick(users), orgId: pick(orgs) });
  }
  // Now: somewhere in the last third of the history (events after it are not folded yet, as in life).
  const first = Date.parse(commands[0]!.at);
  const now = first + Math.floor((t - first) * (0.66 + rnd() * 0.4));
  return { accountId, zone, commands, now };
}

export interface SeriesQuery {
  from: string;
  to: string;
  interval: BucketInterval;
  orgId?: string;
  groupBy: boolean;
}

/** Random report requests whose window starts between the history's start and now. */
export function randomSeriesQueries(seed: number, orgIds: readonly string[], now: number, start = SEAT_HISTORY_START): SeriesQuery[] {
  const rnd = seededRandom(seed * 7919);
  const out: SeriesQuery[] = [];
  const days = Math.floor((now - start) / 86_400_000) + 5;
  for (let i = 0; i < 12; i += 1) {
    const interval = (['hour', 'day', 'day', 'week', 'month'] as const)[Math.floor(rnd() * 5)]!;
    const from = DateTime.fromMillis(start, { zone: 'utc' }).plus({ days: Math.floor(rnd() * days) - 5 });
    const span = interval === 'hour' ? Math.floor(rnd() * 3) : Math.floor(rnd() * 70);
    const orgId = rnd() < 0.5 ? undefined : orgIds[Math.floor(rnd() * orgIds.length)];
    out.push({ from: from.toISODate()!, to: from.plus({ days: span }).toISODate()!, interval, ...(orgId ? { orgId } : {}), groupBy: rnd() < 0.3 });
  }
  return out;
}
