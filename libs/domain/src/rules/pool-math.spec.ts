import { canDraw, canDrawFrom, HeldUnits, poolByScope, scopeFigures, scopesPushedNegative, withOverrides, type PoolTerms } from './pool-math.js';
import { parentsFrom } from './scopes.js';

const parentOf = parentsFrom(
  new Map<string, string | null>([
    ['qa', null],
    ['mobile', 'qa'],
    ['dev', null],
  ]),
);
/** SPEC §7 after rows 1–3: KSE ×5, qa 3, mobile 1. */
const terms: PoolTerms = {
  purchased: 5,
  dedications: new Map([
    ['qa', 3],
    ['mobile', 1],
  ]),
  parentOf,
};

describe('pool arithmetic (SPEC §1)', () => {
  it('gives the §7 pools: account 2, qa 2, mobile 1', () => {
    expect(Object.fromEntries(poolByScope(terms))).toEqual({ account: 2, qa: 2, mobile: 1 });
  });

  it('counts units by license source; available = pool − used; a full org never borrows', () => {
    const units = new HeldUnits(terms);
    expect(units.heldIn('mobile')).toBe('mobile');
    units.heldIn('qa');
    units.heldIn('dev', 1, { offline: true });
    const figures = scopeFigures(terms, units);
    expect(figures.get('mobile')).toEqual({ scope: 'mobile', dedicated: 1, pool: 1, used: 1, offline: 0, available: 0 });
    expect(figures.get('account')).toEqual({ scope: 'account', dedicated: 5, pool: 2, used: 1, offline: 1, available: 1 });
    expect(canDrawFrom(figures, 'mobile')).toBe(false);
    expect(canDrawFrom(figures, 'qa')).toBe(true);
    expect([2, 1, 0, -1].map(canDraw)).toEqual([true, true, false, false]);
  });

  it('takes hypothetical values scope by scope, 0 removing a dedication (what-if)', () => {
    const hypothesis = withOverrides(terms, {
      purchased: 8,
      dedications: new Map([
        ['mobile', 0],
        ['dev', 2],
      ]),
    });
    expect(Object.fromEntries(poolByScope(hypothesis))).toEqual({ account: 3, qa: 3, dev: 2 });
    expect(terms.dedications.get('mobile')).toBe(1);
  });

  it('reports the scopes a change pushes below zero, not those already over-allocated', () => {
    const units = new HeldUnits(terms);
    units.heldIn('qa', 2);
    const before = scopeFigures(terms, units);
    const after = scopeFigures(withOverrides(terms, { dedications: new Map([['qa', 1]]) }), units);
    expect(scopesPushedNegative(before, after)).toEqual(['qa']);
    expect(scopesPushedNegative(after, after)).toEqual([]);
  });
});
