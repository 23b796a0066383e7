import { QUOTA_EXCEEDED_MESSAGE } from './errors.js';
import { event } from './events.js';
import { cmd, given, pools } from './testing/decider-spec.js';

/**
 * SPEC §1 pools and §3 DedicateLicenses. The tree: account → a → b → c, and d (top level).
 * KSE ×10. Users: ua in a, ub/ub2 in b, uc/uc2 in c, ud in d.
 */

const tree = [
  cmd('OpenAccount', '2026-01-05T13:00:00Z', { name: 'Acme', timezone: 'UTC' }),
  cmd('CreateOrganization', '2026-01-05T13:01:00Z', { orgId: 'a', name: 'A' }),
  cmd('CreateOrganization', '2026-01-05T13:02:00Z', { orgId: 'b', name: 'B', parentOrgId: 'a' }),
  cmd('CreateOrganization', '2026-01-05T13:03:00Z', { orgId: 'c', name: 'C', parentOrgId: 'b' }),
  cmd('CreateOrganization', '2026-01-05T13:04:00Z', { orgId: 'd', name: 'D' }),
  ...(
    [
      ['ua', 'a'],
      ['ub', 'b'],
      ['ub2', 'b'],
      ['uc', 'c'],
      ['uc2', 'c'],
      ['ud', 'd'],
    ] as const
  ).map(([userId, orgId], i) => cmd('RegisterUser', `2026-01-05T13:1${i}:00Z`, { userId, email: `${userId}@acme.example`, fullName: userId, orgId })),
  cmd('PurchaseLicenses', '2026-01-05T14:00:00Z', {
    purchaseId: 'p1',
    product: 'KSE',
    quantity: 10,
    startsAt: '2026-01-01T00:00:00Z',
    expiresAt: '2027-01-01T00:00:00Z',
  }),
];

const T = '2026-01-06T12:00:00Z';
let minute = 0;
/** Commands of a scenario, one minute apart from 2026-01-06T00:00Z, in the order written. */
const next = () => `2026-01-06T00:${String(minute++ % 60).padStart(2, '0')}:00Z`;
const dedicate = (orgId: string, quantity: number, at = next()) => cmd('DedicateLicenses', at, { product: 'KSE', orgId, quantity });
const assign = (userId: string, at = next()) => cmd('AssignSeat', at, { product: 'KSE', userId });

beforeEach(() => {
  minute = 0;
});

describe('DedicateLicenses', () => {
  it('records the quantity and the previous one; the account pool shrinks by it', () => {
    const state = given(tree)
      .when(dedicate('a', 4, T))
      .then([{ type: 'LicensesDedicated', data: { product: 'KSE', orgId: 'a', quantity: 4, previousQuantity: 0 } }]);
    expect(pools(state, 'KSE', T)).toEqual({
      account: { dedicated: 10, pool: 6, used: 0, offline: 0, available: 6 },
      a: { dedicated: 4, pool: 4, used: 0, offline: 0, available: 4 },
    });
    given(tree, dedicate('a', 4))
      .when(dedicate('a', 6, T))
      .then([{ type: 'LicensesDedicated', data: { product: 'KSE', orgId: 'a', quantity: 6, previousQuantity: 4 } }]);
  });

  it('refuses an unknown organization (NOT_FOUND)', () => {
    given(tree)
      .when(dedicate('zz', 1, T))
      .thenRejects('NOT_FOUND', "organization 'zz'");
  });

  it('is per product: a KSE dedication leaves KRE untouched, and a product never purchased has nothing to dedicate', () => {
    const state = given(tree, dedicate('a', 4)).state();
    expect(pools(state, 'KRE', T)).toEqual({ account: { dedicated: 0, pool: 0, used: 0, offline: 0, available: 0 } });
    given(tree)
      .when(cmd('DedicateLicenses', T, { product: 'KRE', orgId: 'a', quantity: 1 }))
      .thenRejects('LICENSE_QUOTA_EXCEEDED', QUOTA_EXCEEDED_MESSAGE);
  });

  it('LICENSE_QUOTA_EXCEEDED, with exactly the SPEC message, when the account cannot cover it', () => {
    const error = given(tree)
      .when(dedicate('a', 11, T))
      .thenRejects('LICENSE_QUOTA_EXCEEDED');
    expect(error.message).toBe('The number of the licenses cannot exceed the license quota');
    given(tree)
      .when(dedicate('a', 10, T))
      .thenAccepted();
    given(tree, dedicate('a', 10))
      .when(dedicate('d', 1, T))
      .thenRejects('LICENSE_QUOTA_EXCEEDED');
  });

  it('LICENSE_QUOTA_EXCEEDED when the parent scope (a dedicated org) cannot cover it: a=5 with ua seated, b=5 refused, b=4 ok', () => {
    const history = [...tree, dedicate('a', 5), assign('ua')];
    given(history)
      .when(dedicate('b', 5, T))
      .thenRejects('LICENSE_QUOTA_EXCEEDED', QUOTA_EXCEEDED_MESSAGE);
    const state = given(history)
      .when(dedicate('b', 4, T))
      .thenAccepted();
    expect(pools(state, 'KSE', T)).toMatchObject({
      account: { pool: 5, used: 0, available: 5 },
      a: { pool: 1, used: 1, available: 0 },
      b: { pool: 4, used: 0, available: 4 },
    });
  });

  it('DEDICATION_BELOW_USAGE when lowered below what the subtree uses (a=5 with 3 seats below: 2 refused, 3 ok)', () => {
    const history = [...tree, dedicate('a', 5), assign('ua'), assign('ub'), assign('uc')];
    const error = given(history)
      .when(dedicate('a', 2, T))
      .thenRejects('DEDICATION_BELOW_USAGE', "'a'");
    expect(error.errors).toEqual([{ path: 'quantity', message: 'must be at least 3' }]);
    given(history)
      .when(dedicate('a', 3, T))
      .thenAccepted();
  });

  it('DEDICATION_BELOW_USAGE when lowered below what the subtree dedicates further down (a=5, c=4: a=3 refused)', () => {
    const history = [...tree, dedicate('a', 5), dedicate('c', 4)];
    given(history)
      .when(dedicate('a', 3, T))
      .thenRejects('DEDICATION_BELOW_USAGE');
    given(history)
      .when(dedicate('a', 4, T))
      .thenAccepted();
  });
});

describe('depth 3 and no borrowing', () => {
  it('c (depth 3) takes its quantity from its nearest dedicated ancestor a, skipping undedicated b', () => {
    const state = given(tree, dedicate('a', 5))
      .when(dedicate('c', 2, T))
      .thenAccepted();
    expect(pools(state, 'KSE', T)).toMatchObject({
      account: { dedicated: 10, pool: 5 },
      a: { dedicated: 5, pool: 3 },
      c: { dedicated: 2, pool: 2 },
    });
  });

  it('units draw from the nearest dedicated org-or-ancestor: uc from c, ub from a, ud from the account', () => {
    const history = [...tree, dedicate('a', 5), dedicate('c', 2)];
    given(history)
      .when(assign('uc', T))
      .then([{ type: 'SeatAssigned', data: { product: 'KSE', userId: 'uc', licenseSource: 'c' } }]);
    given(history)
      .when(assign('ub', T))
      .then([{ type: 'SeatAssigned', data: { product: 'KSE', userId: 'ub', licenseSource: 'a' } }]);
    given(history)
      .when(assign('ud', T))
      .then([{ type: 'SeatAssigned', data: { product: 'KSE', userId: 'ud', licenseSource: 'account' } }]);
  });

  it('a full dedicated org cannot draw from its parent, even though the parent and the account have room', () => {
    const history = [...tree, dedicate('a', 5), dedicate('c', 1), assign('uc')];
    const state = given(history).state();
    expect(pools(state, 'KSE', T)).toMatchObject({ account: { available: 5 }, a: { available: 4 }, c: { available: 0 } });
    given(history).when(assign('uc2', T)).thenRejects('LICENSE_QUOTA_EXCEEDED', QUOTA_EXCEEDED_MESSAGE);
    given(history)
      .when(assign('ub', T))
      .then([{ type: 'SeatAssigned', data: { product: 'KSE', userId: 'ub', licenseSource: 'a' } }]);
  });

  it('a dedicated org uses all of its pool and no more: c=2 takes uc and uc2, then is full', () => {
    const history = [...tree, dedicate('c', 2), assign('uc'), assign('uc2')];
    expect(pools(given(history).state(), 'KSE', T).c).toEqual({ dedicated: 2, pool: 2, used: 2, offline: 0, available: 0 });
  });
});

describe('a new dedication in the middle of the tree moves the units below it', () => {
  it('b=2 takes over ub and uc, which were drawn from a', () => {
    const history = [...tree, dedicate('a', 5), assign('ub'), assign('uc'), assign('ua')];
    expect(pools(given(history).state(), 'KSE', T).a).toMatchObject({ pool: 5, used: 3, available: 2 });
    const state = given(history)
      .when(dedicate('b', 2, T))
      .thenAccepted();
    expect(pools(state, 'KSE', T)).toMatchObject({
      a: { dedicated: 5, pool: 3, used: 1, available: 2 },
      b: { dedicated: 2, pool: 2, used: 2, available: 0 },
    });
    // b is now full: ub2 can no longer draw from a.
    given(history, dedicate('b', 2, T))
      .when(assign('ub2', '2026-01-06T12:01:00Z'))
      .thenRejects('LICENSE_QUOTA_EXCEEDED');
  });

  it('is accepted while the parent is full, when it brings its units along (a=2, full with ub and uc; b=2 ok)', () => {
    const history = [...tree, dedicate('a', 2), assign('ub'), assign('uc')];
    expect(pools(given(history).state(), 'KSE', T).a.available).toBe(0);
    const state = given(history)
      .when(dedicate('b', 2, T))
      .thenAccepted();
    expect(pools(state, 'KSE', T)).toMatchObject({ a: { pool: 0, used: 0, available: 0 }, b: { pool: 2, used: 2, available: 0 } });
  });

  it('DEDICATION_BELOW_USAGE comes first: b=1 under 2 units is below usage, not a quota problem of full a', () => {
    const history = [...tree, dedicate('a', 2), assign('ub'), assign('uc')];
    given(history)
      .when(dedicate('b', 1, T))
      .thenRejects('DEDICATION_BELOW_USAGE', "'b'");
  });

  it('a dedication in the middle takes over the dedicated orgs below it as their parent scope (a=5, c=2, then b=3)', () => {
    const state = given(tree, dedicate('a', 5), dedicate('c', 2), assign('uc'), assign('ub'))
      .when(dedicate('b', 3, T))
      .thenAccepted();
    expect(pools(state, 'KSE', T)).toMatchObject({
      account: { pool: 5 },
      a: { pool: 2, used: 0, available: 2 },
      b: { pool: 1, used: 1, available: 0 },
      c: { pool: 2, used: 1, available: 1 },
    });
  });
});

describe('removing a dedication (quantity 0) moves its units to the parent scope', () => {
  it('c=0: uc is drawn from a again, and c is no longer a scope', () => {
    const history = [...tree, dedicate('a', 5), dedicate('c', 2), assign('uc')];
    const state = given(history)
      .when(dedicate('c', 0, T))
      .then([{ type: 'LicensesDedicated', data: { product: 'KSE', orgId: 'c', quantity: 0, previousQuantity: 2 } }]);
    expect(pools(state, 'KSE', T)).toEqual({
      account: { dedicated: 10, pool: 5, used: 0, offline: 0, available: 5 },
      a: { dedicated: 5, pool: 5, used: 1, offline: 0, available: 4 },
    });
    given(history, dedicate('c', 0, T))
      .when(assign('uc2', '2026-01-06T12:01:00Z'))
      .then([{ type: 'SeatAssigned', data: { product: 'KSE', userId: 'uc2', licenseSource: 'a' } }]);
  });

  it('a=0 while a and the account are both full: the units go back with the quantity, accepted', () => {
    const history = [...tree, dedicate('a', 2), dedicate('d', 8), assign('ua'), assign('uc')];
    const state = given(history)
      .when(dedicate('a', 0, T))
      .thenAccepted();
    expect(pools(state, 'KSE', T)).toMatchObject({ account: { pool: 2, used: 2, available: 0 } });
  });

  it('is refused (LICENSE_QUOTA_EXCEEDED) when the parent cannot take the units', () => {
    // Through commands an org's available never drops below 0, so removing it always returns at
    // least as many licenses as units. This history comes from raw events (e.g. an import
    // recorded under older rules) in which c holds 2 units on a dedication of 1, and a is full.
    const history = [
      ...tree,
      dedicate('a', 3),
      event('LicensesDedicated', { product: 'KSE', orgId: 'c', quantity: 1, previousQuantity: 0 }, '2026-01-06T01:00:00Z'),
      event('SeatAssigned', { product: 'KSE', userId: 'uc', licenseSource: 'c' }, '2026-01-06T01:01:00Z'),
      event('SeatAssigned', { product: 'KSE', userId: 'uc2', licenseSource: 'c' }, '2026-01-06T01:02:00Z'),
      event('SeatAssigned', { product: 'KSE', userId: 'ua', licenseSource: 'a' }, '2026-01-06T01:03:00Z'),
      event('SeatAssigned', { product: 'KSE', userId: 'ub', licenseSource: 'a' }, '2026-01-06T01:04:00Z'),
    ];
    expect(pools(given(history).state(), 'KSE', T)).toMatchObject({ a: { pool: 2, used: 2, available: 0 }, c: { available: -1 } });
    given(history)
      .when(dedicate('c', 0, T))
      .thenRejects('LICENSE_QUOTA_EXCEEDED', QUOTA_EXCEEDED_MESSAGE);
  });

  it('removing a dedication while the account is over-allocated is accepted when it does not make it worse', () => {
    const expiring = [
      ...tree.slice(0, -1),
      cmd('PurchaseLicenses', '2026-01-05T14:00:00Z', {
        purchaseId: 'p1',
        product: 'KSE',
        quantity: 4,
        startsAt: '2026-01-01T00:00:00Z',
        expiresAt: '2026-03-01T00:00:00Z',
      }),
      cmd('PurchaseLicenses', '2026-01-05T14:01:00Z', {
        purchaseId: 'p2',
        product: 'KSE',
        quantity: 2,
        startsAt: '2026-01-01T00:00:00Z',
        expiresAt: '2027-01-01T00:00:00Z',
      }),
      dedicate('a', 2),
      dedicate('d', 1),
      assign('ua'),
      assign('ub'),
      assign('ud'),
    ];
    const march = '2026-03-02T00:00:00Z';
    expect(pools(given(expiring).state(), 'KSE', march)).toMatchObject({
      account: { pool: -1, used: 0, available: -1 },
      a: { available: 0 },
      d: { available: 0 },
    });
    given(expiring)
      .when(dedicate('a', 0, march))
      .thenAccepted(); // -1 + 2 - 2 = -1: not worse
    given(expiring)
      .when(dedicate('a', 3, march))
      .thenRejects('LICENSE_QUOTA_EXCEEDED'); // -1 → -2
  });
});
