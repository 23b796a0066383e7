/**
 * Purchases (SPEC §1, §2): a purchase counts on [max(at, startsAt), expiresAt) — never before it was
 * recorded (`recordedAt`, the business time of LicensesPurchased) — and an amendment takes effect
 * from its own `at` (callers pass each purchase as it stood then). Instants are epoch milliseconds.
 */
export interface PurchaseWindow {
  readonly startsAt: number;
  readonly expiresAt: number;
  /** Business time the purchase was recorded. */
  readonly recordedAt: number;
}

export interface PurchaseTerms extends PurchaseWindow {
  readonly quantity: number;
  /** Machines it allows (the legacy machine quota); null: unlimited. */
  readonly machineQuota: number | null;
}

/** The first instant a purchase counts: the later of when it was recorded and when it starts. */
export function purchaseCountsFrom(purchase: PurchaseWindow): number {
  return Math.max(purchase.recordedAt, purchase.startsAt);
}

export function isPurchaseActive(purchase: PurchaseWindow, at: number): boolean {
  return purchaseCountsFrom(purchase) <= at && at < purchase.expiresAt;
}

/** The purchases active at `at`, in their order. */
export function purchasesActiveAt<P extends PurchaseWindow>(purchases: Iterable<P>, at: number): P[] {
  const active: P[] = [];
  for (const p of purchases) if (isPurchaseActive(p, at)) active.push(p);
  return active;
}

/** Σ quantity of the purchases active at `at`: the account's purchased (dedicated) quantity. */
export function quantityActiveAt(purchases: Iterable<PurchaseWindow & { readonly quantity: number }>, at: number): number {
  let total = 0;
  for (const p of purchases) if (isPurchaseActive(p, at)) total += p.quantity;
  return total;
}

/**
 * The machine quota of a product (SPEC §1): Σ machineQuota over its active purchases; null
 * (unlimited) when one of them has none. `active` are the active purchases.
 */
export function machineQuotaOf(active: Iterable<{ readonly machineQuota: number | null }>): number | null {
  let total = 0;
  for (const p of active) {
    if (p.machineQuota === null) return null;
    total += p.machineQuota;
  }
  return total;
}

/** Whether `registered` machines fit the quota (null: unlimited). */
export function machinesWithinQuota(registered: number, quota: number | null): boolean {
  return quota === null || registered <= quota;
}

/** The latest end among the active purchases (the subscription's end), or null when none is active. */
export function latestExpiryOf(active: Iterable<{ readonly expiresAt: number }>): number | null {
  let latest: number | null = null;
  for (const p of active) if (latest === null || p.expiresAt > latest) latest = p.expiresAt;
  return latest;
}
