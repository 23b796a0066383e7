import type { AccountDirectory } from './directory.js';
import type { Random } from './random.js';
import { ACCOUNT, SEAT_PRODUCTS, SESSION_PRODUCTS } from './sim-constants.js';

export interface OfflineLicense {
  readonly user: number;
  readonly machineId: string;
  readonly expiresAt: number;
}

/**
 * What a simulated account holds, by product: purchases, dedications, seats and offline licenses,
 * and its pools as SPEC §1 computes them, so that the commands it writes are almost all accepted.
 */
export class SimPools {
  readonly purchased = new Map<string, number>();
  readonly purchaseIds = new Map<string, string>();
  readonly dedications = new Map<string, Map<number, number>>();
  readonly poolCache = new Map<string, Map<string, number>>();
  readonly seatHolders = new Map<string, IndexedSet>();
  readonly seatsBySource = new Map<string, Map<string, number>>();
  readonly offline = new Map<string, OfflineLicense[]>();
  readonly registeredMachines = new Map<string, Set<string>>();

  constructor(private readonly directory: AccountDirectory) {
    for (const p of [...SEAT_PRODUCTS, ...SESSION_PRODUCTS, 'TRUETEST']) {
      this.dedications.set(p, new Map());
      this.seatHolders.set(p, new IndexedSet());
      this.seatsBySource.set(p, new Map());
      this.offline.set(p, []);
      this.registeredMachines.set(p, new Set());
    }
  }

  sourceOf(product: string, user: number): string {
    const dedications = this.dedications.get(product)!;
    for (const org of this.directory.orgs[this.directory.users[user].org].path) if (dedications.has(org)) return this.directory.orgs[org].id;
    return ACCOUNT;
  }

  poolsOf(product: string): Map<string, number> {
    let pools = this.poolCache.get(product);
    if (pools) return pools;
    const dedications = this.dedications.get(product)!;
    pools = new Map([[ACCOUNT, this.purchased.get(product) ?? 0]]);
    for (const [org, quantity] of dedications) pools.set(this.directory.orgs[org].id, (pools.get(this.directory.orgs[org].id) ?? 0) + quantity);
    for (const [org, quantity] of dedications) {
      const parent = this.directory.orgs[org].path.slice(1).find((o) => dedications.has(o));
      const scope = parent === undefined ? ACCOUNT : this.directory.orgs[parent].id;
      pools.set(scope, pools.get(scope)! - quantity);
    }
    this.poolCache.set(product, pools);
    return pools;
  }

  offlineIn(product: string, source: string, at: number): number {
    let n = 0;
    for (const l of this.offline.get(product)!) if (l.expiresAt > at && this.sourceOf(product, l.user) === source) n++;
    return n;
  }

  used(product: string, source: string, at: number): number {
    return (this.seatsBySource.get(product)!.get(source) ?? 0) + this.offlineIn(product, source, at);
  }

  free(product: string, source: string, at: number): number {
    return (this.poolsOf(product).get(source) ?? 0) - this.used(product, source, at);
  }
}

export function bump(counts: Map<string, number>, key: string, delta: number): void {
  counts.set(key, (counts.get(key) ?? 0) + delta);
}

/** A list of user indexes with O(1) add, remove and random pick. */
export class IndexedSet {
  private readonly items: number[] = [];
  private readonly positions = new Map<number, number>();

  get size(): number {
    return this.items.length;
  }

  has(item: number): boolean {
    return this.positions.has(item);
  }

  add(item: number): void {
    if (this.positions.has(item)) return;
    this.positions.set(item, this.items.length);
    this.items.push(item);
  }

  delete(item: number): void {
    const position = this.positions.get(item);
    if (position === undefined) return;
    const last = this.items.pop()!;
    this.positions.delete(item);
    if (last !== item) {
      this.items[position] = last;
      this.positions.set(last, position);
    }
  }

  pick(random: Random): number | undefined {
    return this.items.length === 0 ? undefined : this.items[random.int(this.items.length)];
  }
}
