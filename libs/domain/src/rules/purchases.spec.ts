import { isPurchaseActive, latestExpiryOf, machineQuotaOf, machinesWithinQuota, purchasesActiveAt, quantityActiveAt } from './purchases.js';

const t = (iso: string) => Date.parse(iso);
const p1 = {
  quantity: 5,
  startsAt: t('2026-01-01T00:00:00Z'),
  expiresAt: t('2027-01-01T00:00:00Z'),
  recordedAt: t('2026-01-05T14:00:00Z'),
  machineQuota: 3,
};
const p2 = {
  quantity: 2,
  startsAt: t('2026-03-01T00:00:00Z'),
  expiresAt: t('2026-04-01T00:00:00Z'),
  recordedAt: t('2026-01-10T00:00:00Z'),
  machineQuota: null,
};

describe('a purchase counts on [max(at, startsAt), expiresAt) (SPEC §2)', () => {
  it('never before it was recorded, even when it starts earlier', () => {
    expect(isPurchaseActive(p1, t('2026-01-05T13:59:59.999Z'))).toBe(false);
    expect(isPurchaseActive(p1, t('2026-01-05T14:00:00Z'))).toBe(true);
  });

  it('from its start when recorded before it, until (not at) its expiry', () => {
    expect(isPurchaseActive(p2, t('2026-02-28T23:59:59.999Z'))).toBe(false);
    expect(isPurchaseActive(p2, t('2026-03-01T00:00:00Z'))).toBe(true);
    expect(isPurchaseActive(p2, t('2026-04-01T00:00:00Z'))).toBe(false);
  });

  it('sums the active quantities and the machine quota (null when one active purchase has none)', () => {
    expect(quantityActiveAt([p1, p2], t('2026-02-01T00:00:00Z'))).toBe(5);
    expect(quantityActiveAt([p1, p2], t('2026-03-15T00:00:00Z'))).toBe(7);
    expect(machineQuotaOf(purchasesActiveAt([p1, p2], t('2026-02-01T00:00:00Z')))).toBe(3);
    expect(machineQuotaOf(purchasesActiveAt([p1, p2], t('2026-03-15T00:00:00Z')))).toBeNull();
    expect(machinesWithinQuota(3, 3)).toBe(true);
    expect(machinesWithinQuota(4, 3)).toBe(false);
    expect(machinesWithinQuota(400, null)).toBe(true);
  });

  it('names the subscription end: the latest expiry among the active purchases', () => {
    expect(latestExpiryOf([p1, p2])).toBe(p1.expiresAt);
    expect(latestExpiryOf([])).toBeNull();
  });
});
