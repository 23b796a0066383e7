import type { SimPools } from './account-pools.js';
import type { CommandBuffer } from './command-buffer.js';
import { machineOf, type AccountDirectory, type SimUser } from './directory.js';
import type { Random } from './random.js';
import { sessionDrawsUnit, type Product } from '../../domain/src/index.js';
import { HEARTBEAT_MS, HOUR_MS, KSE_ACTIONS, LEASE_MS, MINUTE_MS, TESTOPS_ACTIONS } from './sim-constants.js';

interface PlannedSession {
  readonly product: Product;
  readonly sessionId: string;
  readonly user: number;
  readonly machineId: string;
  readonly licenseType: 'online' | 'offline';
  readonly start: number;
  readonly heartbeats: number[];
  /** EndSession time, or null when the client crashed (the lease lapses). */
  readonly end: number | null;
  readonly lateHeartbeat: number | null;
}

/** A working day of a simulated account: logins, activity, and sessions with heartbeats, ends, crashes and denials. */
export class WorkDay {
  #sessionCounter = 0;

  constructor(
    private readonly rng: Random,
    private readonly directory: AccountDirectory,
    private readonly pools: SimPools,
    private readonly buffer: CommandBuffer,
  ) {}

  /** Work from 08:00 local until about `target` commands are pushed. */
  plan(midnight: number, target: number): void {
    const sessions: PlannedSession[] = [];
    const start = this.buffer.attempted;
    // Sessions are planned first and pushed after the capacity sweep: count them as they are planned.
    let planned = 0;
    while (this.directory.registered > 0 && this.buffer.attempted - start + planned < target) {
      const user = this.directory.users[this.directory.pickUser(this.rng)];
      const t = midnight + 8 * HOUR_MS + this.rng.int(12 * HOUR_MS);
      planned += this.#episode(user, t, sessions);
    }
    this.#sweepSessions(sessions);
  }

  /** One stretch of work of a user; returns the number of session commands planned (not yet pushed). */
  #episode(user: SimUser, t: number, sessions: PlannedSession[]): number {
    const id = user.id;
    let planned = 0;
    const plan = (
      product: Product,
      machineId: string,
      licenseType: 'online' | 'offline',
      start: number,
      minutes: [number, number],
      crash: number,
    ) => {
      const session = this.#planSession(product, user, machineId, licenseType, start, this.rng.between(...minutes) * MINUTE_MS, crash);
      sessions.push(session);
      planned += 1 + session.heartbeats.length + (session.end === null ? 0 : 1) + (session.lateHeartbeat === null ? 0 : 1);
      return session;
    };
    switch (user.profile) {
      case 'tester': {
        this.buffer.push(t, 'RecordLogin', { product: 'KSE', userId: id, machineId: machineOf(user) });
        let at = t;
        for (let k = this.rng.between(1, 4); k > 0; k--) {
          at += this.rng.between(2, 40) * MINUTE_MS;
          this.buffer.push(at, 'RecordActivity', { product: 'KSE', userId: id, action: this.rng.pick(KSE_ACTIONS) });
        }
        const offline = this.pools.offline.get('KSE')!.find((l) => l.user === user.idx && l.expiresAt > t + 4 * HOUR_MS);
        if (offline && this.rng.chance(0.5)) plan('KSE', offline.machineId, 'offline', t + MINUTE_MS, [20, 180], 0.02);
        else if (this.pools.seatHolders.get('KSE')!.has(user.idx) && this.rng.chance(0.35))
          plan('KSE', machineOf(user), 'online', t + MINUTE_MS, [20, 180], 0.02);
        if (this.pools.seatHolders.get('TESTOPS')!.has(user.idx) && this.rng.chance(0.3)) {
          this.buffer.push(at + 5 * MINUTE_MS, 'RecordLogin', { product: 'TESTOPS', userId: id });
          this.buffer.push(at + 7 * MINUTE_MS, 'RecordActivity', { product: 'TESTOPS', userId: id, action: this.rng.pick(TESTOPS_ACTIONS) });
        }
        break;
      }
      case 'runner': {
        let start = t;
        for (let k = this.rng.chance(0.3) ? 2 : 1; k > 0; k--) {
          const offline = this.pools.offline.get('KRE')!.find((l) => l.user === user.idx && l.expiresAt > start + 4 * HOUR_MS);
          const session = offline
            ? plan('KRE', offline.machineId, 'offline', start, [10, 120], 0.03)
            : plan('KRE', machineOf(user), 'online', start, [10, 120], 0.03);
          start = (session.end ?? session.start + 2 * HOUR_MS) + this.rng.between(1, 30) * MINUTE_MS;
        }
        break;
      }
      case 'cloud': {
        const product = this.rng.chance(0.7) ? 'TC_DESKTOP' : 'TC_MOBILE_NATIVE';
        this.buffer.push(t, 'RecordLogin', { product, userId: id });
        plan(product, `tc-${user.id}`, 'online', t + MINUTE_MS, [5, 60], 0.02);
        break;
      }
      case 'manager': {
        this.buffer.push(t, 'RecordLogin', { product: 'TESTOPS', userId: id });
        let at = t;
        for (let k = this.rng.between(1, 3); k > 0; k--) {
          at += this.rng.between(3, 60) * MINUTE_MS;
          this.buffer.push(at, 'RecordActivity', { product: 'TESTOPS', userId: id, action: this.rng.pick(TESTOPS_ACTIONS) });
        }
        if (this.pools.seatHolders.get('KAM')!.has(user.idx) && this.rng.chance(0.3)) {
          this.buffer.push(at + MINUTE_MS, 'RecordLogin', { product: 'KAM', userId: id });
        }
        break;
      }
    }
    return planned;
  }

  #planSession(
    product: Product,
    user: SimUser,
    machineId: string,
    licenseType: 'online' | 'offline',
    start: number,
    duration: number,
    crash: number,
  ): PlannedSession {
    const heartbeats: number[] = [];
    const crashed = this.rng.chance(crash);
    const crashAt = crashed ? start + this.rng.next() * duration : Infinity;
    let beat = start;
    for (;;) {
      beat += HEARTBEAT_MS + this.rng.between(-30_000, 30_000);
      if (beat >= start + duration || beat >= crashAt) break;
      heartbeats.push(beat);
    }
    const lastSeen = heartbeats.at(-1) ?? start;
    return {
      product,
      sessionId: `s-${++this.#sessionCounter}`,
      user: user.idx,
      machineId,
      licenseType,
      start,
      heartbeats,
      end: crashed ? null : start + duration,
      lateHeartbeat: crashed && this.rng.chance(0.2) ? lastSeen + LEASE_MS + this.rng.between(1, 20) * MINUTE_MS : null,
    };
  }

  /**
   * Decides, in start order, which sessions find a free unit (as the ledger will), then pushes
   * their commands: a denied start is pushed alone (SessionDenied, rejected).
   */
  #sweepSessions(sessions: PlannedSession[]): void {
    sessions.sort((a, b) => a.start - b.start);
    const open = new Map<string, number[]>();
    for (const s of sessions) {
      const userId = this.directory.users[s.user].id;
      const start = {
        product: s.product,
        sessionId: s.sessionId,
        userId,
        machineId: s.machineId,
        ...(s.licenseType === 'offline' ? { licenseType: 'offline' } : {}),
      };
      const drawsUnit = sessionDrawsUnit(s.product, s.licenseType);
      if (drawsUnit) {
        const source = this.pools.sourceOf(s.product, s.user);
        const key = `${s.product}|${source}`;
        const ends = (open.get(key) ?? []).filter((end) => end > s.start);
        const capacity = (this.pools.poolsOf(s.product).get(source) ?? 0) - this.pools.offlineIn(s.product, source, s.start);
        if (ends.length >= capacity) {
          open.set(key, ends);
          this.buffer.push(s.start, 'StartSession', start, 'CONCURRENCY_LIMIT_REACHED');
          continue;
        }
        ends.push(s.end ?? (s.heartbeats.at(-1) ?? s.start) + LEASE_MS);
        open.set(key, ends);
      }
      this.buffer.push(s.start, 'StartSession', start);
      for (const beat of s.heartbeats) this.buffer.push(beat, 'HeartbeatSession', { sessionId: s.sessionId });
      if (s.end !== null) this.buffer.push(s.end, 'EndSession', { sessionId: s.sessionId });
      if (s.lateHeartbeat !== null) this.buffer.push(s.lateHeartbeat, 'HeartbeatSession', { sessionId: s.sessionId }, 'SESSION_NOT_OPEN');
    }
  }
}
