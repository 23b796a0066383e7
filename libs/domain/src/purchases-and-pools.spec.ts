import { QUOTA_EXCEEDED_MESSAGE } from './errors.js';
import { purchasedQuantity } from './pools.js';
import { isPurchaseActive } from './rules/purchases.js';
import { cmd, given, pools } from './testing/decider-spec.js';

/** SPEC §3 PurchaseLicenses / AmendPurchase, §2 purchase windows, §1 expiry and over-allocation. */

const open = cmd('OpenAccount', '2026-01-05T13:00:00Z', { name: 'Acme', timezone: 'UTC' });
const qa = cmd('CreateOrganization', '2026-01-05T13:01:00Z', { orgId: 'qa', name: 'QA' });
const dev = cmd('CreateOrganization', '2026-01-05T13:02:00Z', { orgId: 'dev', name: 'Dev' });
const users = ['u1', 'u2', 'u3', 'u4'].map((userId, i) =>
  cmd('RegisterUser', `2026-01-05T13:1${i}:00Z`, { userId, email: `${userId}@acme.example`, fullName: userId.toUpperCase(), orgId: 'dev' }),
);
const q1 = cmd('RegisterUser', '2026-01-05T13:20:00Z', { userId: 'q1', email: 'q1@acme.example', fullName: 'Q One', orgId: 'qa' });
const directory = [open, qa, dev, ...users, q1];

const assign = (userId: string, at: string) => cmd('AssignSeat', at, { product: 'KSE', userId });
const unassign = (userId: string, at: string) => cmd('UnassignSeat', at, { product: 'KSE', userId });

describe('PurchaseLicenses', () => {
  const p1 = cmd('PurchaseLicenses', '2026-01-05T14:00:00Z', {
    purchaseId: 'p1',
    product: 'KSE',
    quantity: 5,
    startsAt: '2026-01-01T00:00:00Z',
    expiresAt: '2027-01-01T00:00:00Z',
  });

  it('records the purchase; machineQuota defaults to null (unlimited)', () => {
    given(directory)
      .when(p1)
      .then([
        {
          type: 'LicensesPurchased',
          data: {
            purchaseId: 'p1',
            product: 'KSE',
            quantity: 5,
            startsAt: '2026-01-01T00:00:00Z',
            expiresAt: '2027-01-01T00:00:00Z',
            machineQuota: null,
          },
        },
      ]);
  });

  it('refuses expiresAt ≤ startsAt (VALIDATION_FAILED)', () => {
    for (const expiresAt of ['2026-01-01T00:00:00Z', '2025-12-31T23:59:59Z']) {
      const error = given(directory)
        .when(
          cmd('PurchaseLicenses', '2026-01-05T14:00:00Z', {
            purchaseId: 'p1',
            product: 'KSE',
            quantity: 5,
            startsAt: '2026-01-01T00:00:00Z',
            expiresAt,
          }),
        )
        .thenRejects('VALIDATION_FAILED');
      expect(error.errors).toEqual([expect.objectContaining({ path: 'expiresAt' })]);
    }
  });

  it('refuses a duplicate purchaseId (ALREADY_EXISTS)', () => {
    given(directory, p1)
      .when(
        cmd('PurchaseLicenses', '2026-01-05T14:01:00Z', {
          purchaseId: 'p1',
          product: 'KRE',
          quantity: 1,
          startsAt: '2026-01-01T00:00:00Z',
          expiresAt: '2027-01-01T00:00:00Z',
        }),
      )
      .thenRejects('ALREADY_EXISTS', "purchase 'p1'");
  });
});

describe('a purchase counts on [max(at, startsAt), expiresAt)', () => {
  it('never before it was recorded, even if startsAt is earlier', () => {
    const state = given(
      directory,
      cmd('PurchaseLicenses', '2026-01-10T00:00:00Z', {
        purchaseId: 'p1',
        product: 'KSE',
        quantity: 5,
        startsAt: '2026-01-01T00:00:00Z',
        expiresAt: '2027-01-01T00:00:00Z',
      }),
    ).state();
    const p1 = state.purchases.get('p1')!;
    expect(isPurchaseActive(p1, Date.parse('2026-01-09T23:59:59.999Z'))).toBe(false);
    expect(purchasedQuantity(state, 'KSE', Date.parse('2026-01-09T23:59:59.999Z'))).toBe(0);
    expect(purchasedQuantity(state, 'KSE', Date.parse('2026-01-10T00:00:00Z'))).toBe(5);
  });

  const future = cmd('PurchaseLicenses', '2026-01-05T14:00:00Z', {
    purchaseId: 'p1',
    product: 'KSE',
    quantity: 2,
    startsAt: '2026-02-01T00:00:00Z',
    expiresAt: '2026-03-01T00:00:00Z',
  });

  it('not before startsAt: NO_ACTIVE_SUBSCRIPTION until then', () => {
    given(directory, future).when(assign('u1', '2026-01-31T23:59:59Z')).thenRejects('NO_ACTIVE_SUBSCRIPTION');
    given(directory, future)
      .when(assign('u1', '2026-02-01T00:00:00Z'))
      .then([{ type: 'SeatAssigned', data: { product: 'KSE', userId: 'u1', licenseSource: 'account' } }]);
  });

  it('not at expiresAt (half-open)', () => {
    given(directory, future).when(assign('u1', '2026-02-28T23:59:59.999Z')).thenAccepted();
    given(directory, future).when(assign('u1', '2026-03-01T00:00:00Z')).thenRejects('NO_ACTIVE_SUBSCRIPTION');
  });
});

describe('expiry: nothing is revoked, available goes negative, no draw until it is ≥ 1 again', () => {
  // p1: 2 seats until March; p2: 1 seat from March. u1, u2 hold seats when p1 expires.
  const history = [
    ...directory,
    cmd('PurchaseLicenses', '2026-01-05T14:00:00Z', {
      purchaseId: 'p1',
      product: 'KSE',
      quantity: 2,
      startsAt: '2026-01-01T00:00:00Z',
      expiresAt: '2026-03-01T00:00:00Z',
    }),
    cmd('PurchaseLicenses', '2026-01-05T14:01:00Z', {
      purchaseId: 'p2',
      product: 'KSE',
      quantity: 1,
      startsAt: '2026-03-01T00:00:00Z',
      expiresAt: '2027-01-01T00:00:00Z',
    }),
    assign('u1', '2026-01-06T00:00:00Z'),
    assign('u2', '2026-01-06T00:01:00Z'),
  ];

  it('seats stay assigned and the account shows over-allocation', () => {
    const state = given(history).state();
    expect(pools(state, 'KSE', '2026-02-28T23:59:59Z').account).toEqual({ dedicated: 2, pool: 2, used: 2, offline: 0, available: 0 });
    expect(pools(state, 'KSE', '2026-03-01T00:00:00Z').account).toEqual({ dedicated: 1, pool: 1, used: 2, offline: 0, available: -1 });
    expect([...state.products.get('KSE')!.seats.keys()]).toEqual(['u1', 'u2']);
  });

  it('blocks new seats (LICENSE_QUOTA_EXCEEDED) until available is ≥ 1 again', () => {
    given(history).when(assign('u3', '2026-03-02T00:00:00Z')).thenRejects('LICENSE_QUOTA_EXCEEDED', QUOTA_EXCEEDED_MESSAGE);
    given(history, unassign('u1', '2026-03-02T00:00:00Z')).when(assign('u3', '2026-03-02T00:01:00Z')).thenRejects('LICENSE_QUOTA_EXCEEDED');
    given(history, unassign('u1', '2026-03-02T00:00:00Z'), unassign('u2', '2026-03-02T00:00:30Z'))
      .when(assign('u3', '2026-03-02T00:01:00Z'))
      .thenAccepted();
  });

  it('with no active purchase at all: NO_ACTIVE_SUBSCRIPTION comes before LICENSE_QUOTA_EXCEEDED', () => {
    const onlyP1 = history.filter((c) => !(c.type === 'PurchaseLicenses' && c.purchaseId === 'p2'));
    const state = given(onlyP1).state();
    expect(pools(state, 'KSE', '2026-03-02T00:00:00Z').account.available).toBe(-2);
    given(onlyP1).when(assign('u3', '2026-03-02T00:00:00Z')).thenRejects('NO_ACTIVE_SUBSCRIPTION');
  });
});

describe('expiry only over-allocates the account: a dedicated org keeps its own pool', () => {
  // p1 ×3 expires in March, p2 ×2 continues; qa holds a dedication of 2 with one seat.
  const history = [
    ...directory,
    cmd('PurchaseLicenses', '2026-01-05T14:00:00Z', {
      purchaseId: 'p1',
      product: 'KSE',
      quantity: 3,
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
    cmd('DedicateLicenses', '2026-01-05T15:00:00Z', { product: 'KSE', orgId: 'qa', quantity: 2 }),
    assign('u1', '2026-01-06T00:00:00Z'),
    assign('u2', '2026-01-06T00:01:00Z'),
    cmd('RegisterUser', '2026-01-06T00:02:00Z', { userId: 'q2', email: 'q2@acme.example', fullName: 'Q Two', orgId: 'qa' }),
    assign('q1', '2026-01-06T00:03:00Z'),
  ];

  it('the account goes to -2, qa still has 1 available and can draw it; the account cannot', () => {
    expect(pools(given(history).state(), 'KSE', '2026-03-02T00:00:00Z')).toEqual({
      account: { dedicated: 2, pool: 0, used: 2, offline: 0, available: -2 },
      qa: { dedicated: 2, pool: 2, used: 1, offline: 0, available: 1 },
    });
    given(history)
      .when(assign('q2', '2026-03-02T00:00:00Z'))
      .then([{ type: 'SeatAssigned', data: { product: 'KSE', userId: 'q2', licenseSource: 'qa' } }]);
    given(history).when(assign('u3', '2026-03-02T00:00:00Z')).thenRejects('LICENSE_QUOTA_EXCEEDED');
  });
});

describe('AmendPurchase', () => {
  const p1 = cmd('PurchaseLicenses', '2026-01-05T14:00:00Z', {
    purchaseId: 'p1',
    product: 'KSE',
    quantity: 5,
    startsAt: '2026-01-01T00:00:00Z',
    expiresAt: '2027-01-01T00:00:00Z',
    machineQuota: 3,
  });
  // qa dedicated 3 (account pool 2), u1 holds a seat from the account: account available 1.
  const inUse = [
    ...directory,
    p1,
    cmd('DedicateLicenses', '2026-01-05T15:00:00Z', { product: 'KSE', orgId: 'qa', quantity: 3 }),
    assign('u1', '2026-01-06T00:00:00Z'),
  ];

  it('records the whole amended purchase, and takes effect from its own at', () => {
    const amend = cmd('AmendPurchase', '2026-02-01T00:00:00Z', { purchaseId: 'p1', quantity: 6 });
    const state = given(inUse)
      .when(amend)
      .then([
        {
          type: 'PurchaseAmended',
          data: { purchaseId: 'p1', product: 'KSE', quantity: 6, expiresAt: '2027-01-01T00:00:00.000Z', machineQuota: 3 },
        },
      ]);
    expect(pools(state, 'KSE', '2026-02-01T00:00:00Z').account).toMatchObject({ dedicated: 6, pool: 3, used: 1, available: 2 });
  });

  it('refuses an unknown purchase (NOT_FOUND) and an amendment that changes nothing (VALIDATION_FAILED)', () => {
    given(inUse)
      .when(cmd('AmendPurchase', '2026-02-01T00:00:00Z', { purchaseId: 'p9', quantity: 6 }))
      .thenRejects('NOT_FOUND');
    given(inUse)
      .when(cmd('AmendPurchase', '2026-02-01T00:00:00Z', { purchaseId: 'p1' }))
      .thenRejects('VALIDATION_FAILED');
  });

  it('refuses an expiresAt at or before startsAt (VALIDATION_FAILED)', () => {
    given(inUse)
      .when(cmd('AmendPurchase', '2026-02-01T00:00:00Z', { purchaseId: 'p1', expiresAt: '2026-01-01T00:00:00Z' }))
      .thenRejects('VALIDATION_FAILED');
  });

  it('QUOTA_BELOW_USAGE when the account would be below what it dedicates and uses (5 → 3 with 3 dedicated + 1 seat)', () => {
    given(inUse)
      .when(cmd('AmendPurchase', '2026-02-01T00:00:00Z', { purchaseId: 'p1', quantity: 3 }))
      .thenRejects('QUOTA_BELOW_USAGE', 'account');
    given(inUse)
      .when(cmd('AmendPurchase', '2026-02-01T00:00:00Z', { purchaseId: 'p1', quantity: 4 }))
      .thenAccepted();
  });

  it('QUOTA_BELOW_USAGE when dedications alone exceed the new quantity (5 → 2 with qa dedicated 3, no seats)', () => {
    const dedicatedOnly = [...directory, p1, cmd('DedicateLicenses', '2026-01-05T15:00:00Z', { product: 'KSE', orgId: 'qa', quantity: 3 })];
    given(dedicatedOnly)
      .when(cmd('AmendPurchase', '2026-02-01T00:00:00Z', { purchaseId: 'p1', quantity: 2 }))
      .thenRejects('QUOTA_BELOW_USAGE');
  });

  it('QUOTA_BELOW_USAGE when ending the purchase now would strand what is in use', () => {
    given(inUse)
      .when(cmd('AmendPurchase', '2026-02-01T00:00:00Z', { purchaseId: 'p1', expiresAt: '2026-02-01T00:00:00Z' }))
      .thenRejects('QUOTA_BELOW_USAGE');
    given(directory, p1)
      .when(cmd('AmendPurchase', '2026-02-01T00:00:00Z', { purchaseId: 'p1', expiresAt: '2026-02-01T00:00:00Z' }))
      .thenAccepted();
  });

  it('QUOTA_BELOW_USAGE when machineQuota would be below the registered machines', () => {
    const machines = ['m1', 'm2'].map((machineId, i) =>
      cmd('RegisterMachine', `2026-01-06T00:0${i}:00Z`, { product: 'KSE', machineId, userId: 'u1' }),
    );
    given(inUse, machines)
      .when(cmd('AmendPurchase', '2026-02-01T00:00:00Z', { purchaseId: 'p1', machineQuota: 1 }))
      .thenRejects('QUOTA_BELOW_USAGE', 'machineQuota');
    given(inUse, machines)
      .when(cmd('AmendPurchase', '2026-02-01T00:00:00Z', { purchaseId: 'p1', machineQuota: 2 }))
      .thenAccepted();
    given(inUse, machines)
      .when(cmd('AmendPurchase', '2026-02-01T00:00:00Z', { purchaseId: 'p1', machineQuota: null }))
      .then([
        {
          type: 'PurchaseAmended',
          data: { purchaseId: 'p1', product: 'KSE', quantity: 5, expiresAt: '2027-01-01T00:00:00.000Z', machineQuota: null },
        },
      ]);
  });

  it('an over-allocated account (expired purchase) may be amended when the change does not make it worse', () => {
    const overAllocated = [
      ...directory,
      cmd('PurchaseLicenses', '2026-01-05T14:00:00Z', {
        purchaseId: 'p1',
        product: 'KSE',
        quantity: 2,
        startsAt: '2026-01-01T00:00:00Z',
        expiresAt: '2026-03-01T00:00:00Z',
      }),
      cmd('PurchaseLicenses', '2026-01-05T14:01:00Z', {
        purchaseId: 'p2',
        product: 'KSE',
        quantity: 1,
        startsAt: '2026-01-01T00:00:00Z',
        expiresAt: '2027-01-01T00:00:00Z',
      }),
      assign('u1', '2026-01-06T00:00:00Z'),
      assign('u2', '2026-01-06T00:01:00Z'),
      assign('u3', '2026-01-06T00:02:00Z'),
    ];
    expect(pools(given(overAllocated).state(), 'KSE', '2026-03-02T00:00:00Z').account.available).toBe(-2);
    // From -2 to -1: better, accepted although still negative.
    given(overAllocated)
      .when(cmd('AmendPurchase', '2026-03-02T00:00:00Z', { purchaseId: 'p2', quantity: 2 }))
      .thenAccepted();
    // Unchanged pool (machine quota only): accepted.
    given(overAllocated)
      .when(cmd('AmendPurchase', '2026-03-02T00:00:00Z', { purchaseId: 'p2', machineQuota: 10 }))
      .thenAccepted();
    // Down from 1: from -2 to -3, refused.
    given(overAllocated)
      .when(cmd('AmendPurchase', '2026-03-02T00:00:00Z', { purchaseId: 'p2', expiresAt: '2026-03-02T00:00:00Z' }))
      .thenRejects('QUOTA_BELOW_USAGE');
  });
});
