import { licenseSourceOf, licenseSources, parentScopeOf, parentsFrom } from './scopes.js';

/** The SPEC §7 tree: qa (top level) > mobile; and dev (top level). */
const parentOf = parentsFrom(
  new Map<string, string | null>([
    ['qa', null],
    ['mobile', 'qa'],
    ['dev', null],
  ]),
);

describe('license source and parent scope (SPEC §1)', () => {
  const dedications = new Map([
    ['qa', 3],
    ['mobile', 1],
  ]);

  it('draws a unit from the nearest dedicated org-or-ancestor, else the account', () => {
    expect(licenseSourceOf('mobile', dedications, parentOf)).toBe('mobile');
    expect(licenseSourceOf('qa', dedications, parentOf)).toBe('qa');
    expect(licenseSourceOf('dev', dedications, parentOf)).toBe('account');
    expect(licenseSourceOf('mobile', new Map([['qa', 3]]), parentOf)).toBe('qa');
  });

  it('takes a quantity ≤ 0 as no dedication', () => {
    expect(
      licenseSourceOf(
        'mobile',
        new Map([
          ['qa', 3],
          ['mobile', 0],
        ]),
        parentOf,
      ),
    ).toBe('qa');
  });

  it('takes a dedicated org from its nearest dedicated proper ancestor, else the account', () => {
    expect(parentScopeOf('mobile', dedications, parentOf)).toBe('qa');
    expect(parentScopeOf('qa', dedications, parentOf)).toBe('account');
    expect(parentScopeOf('mobile', new Map([['mobile', 1]]), parentOf)).toBe('account');
  });

  it('resolves many organizations alike, once each', () => {
    const sourceOf = licenseSources(dedications, parentOf);
    expect(['qa', 'mobile', 'dev', 'mobile'].map(sourceOf)).toEqual(['qa', 'mobile', 'account', 'mobile']);
  });
});
