import type { Scope } from '../events.js';
import { APPLICATION_SOURCE } from '../rules/units.js';
import type { ReplayUnit } from './what-if-inputs.js';
import type { PoolState } from './what-if-pool-state.js';

/**
 * Units held, per organization of their holder (applications per the account), and `used` per scope
 * derived from them with the sources as they stand (recounted when a dedication moves units).
 */
export class UnitCounts {
  private readonly byOrg = new Map<string, number>();
  private accountUnits = 0;
  /** userId → [organization, units held]. */
  private readonly holders = new Map<string, { orgId: string; units: number }>();
  private used = new Map<Scope, number>();
  private countedFor = -1;

  constructor(private readonly pool: PoolState) {}

  /** Adds a unit, in its holder's organization as it now stands (the account for an application). */
  add(unit: ReplayUnit): void {
    if (unit.userId === null || unit.orgId === null) {
      this.accountUnits += 1;
      this.bumpUsed(APPLICATION_SOURCE, 1);
      return;
    }
    const holder = this.holders.get(unit.userId);
    if (holder && holder.units > 0) {
      holder.units += 1;
      this.bump(holder.orgId, 1);
    } else {
      this.holders.set(unit.userId, { orgId: unit.orgId, units: 1 });
      this.bump(unit.orgId, 1);
    }
  }

  remove(unit: ReplayUnit): void {
    if (unit.userId === null || unit.orgId === null) {
      this.accountUnits -= 1;
      this.bumpUsed(APPLICATION_SOURCE, -1);
      return;
    }
    const holder = this.holders.get(unit.userId)!;
    holder.units -= 1;
    this.bump(holder.orgId, -1);
  }

  move(userId: string, orgId: string): void {
    const holder = this.holders.get(userId);
    if (!holder) {
      this.holders.set(userId, { orgId, units: 0 });
      return;
    }
    if (holder.units > 0) {
      this.bump(holder.orgId, -holder.units);
      this.bump(orgId, holder.units);
    }
    holder.orgId = orgId;
  }

  usedOf(scope: Scope): number {
    this.recount();
    return this.used.get(scope) ?? 0;
  }

  private bump(orgId: string, delta: number): void {
    this.byOrg.set(orgId, (this.byOrg.get(orgId) ?? 0) + delta);
    if (this.countedFor === this.pool.generation) this.bumpUsed(this.pool.sourceOf(orgId), delta);
  }

  private bumpUsed(scope: Scope, delta: number): void {
    if (this.countedFor === this.pool.generation) this.used.set(scope, (this.used.get(scope) ?? 0) + delta);
  }

  private recount(): void {
    if (this.countedFor === this.pool.generation) return;
    const used = new Map<Scope, number>([[APPLICATION_SOURCE, this.accountUnits]]);
    for (const [orgId, n] of this.byOrg) {
      if (n === 0) continue;
      const source = this.pool.sourceOf(orgId);
      used.set(source, (used.get(source) ?? 0) + n);
    }
    this.used = used;
    this.countedFor = this.pool.generation;
  }
}
