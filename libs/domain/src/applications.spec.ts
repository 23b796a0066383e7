import { cmd, given, pools } from './testing/decider-spec.js';

/** SPEC §1 aut model and §3 ActivateApplication / ReleaseApplication (TrueTest, from the account pool). */

const directory = [
  cmd('OpenAccount', '2026-01-05T13:00:00Z', { name: 'Acme', timezone: 'UTC' }),
  cmd('CreateOrganization', '2026-01-05T13:01:00Z', { orgId: 'qa', name: 'QA' }),
];
const truetest2 = cmd('PurchaseLicenses', '2026-01-05T14:00:00Z', {
  purchaseId: 'p1',
  product: 'TRUETEST',
  quantity: 2,
  startsAt: '2026-01-01T00:00:00Z',
  expiresAt: '2027-01-01T00:00:00Z',
});
const licensed = [...directory, truetest2];

const activate = (applicationId: string, at: string) => cmd('ActivateApplication', at, { applicationId });
const release = (applicationId: string, at: string) => cmd('ReleaseApplication', at, { applicationId });

describe('ActivateApplication / ReleaseApplication', () => {
  it('activates an application, drawing a unit from the account', () => {
    const state = given(licensed)
      .when(activate('shop', '2026-01-06T00:00:00Z'))
      .then([{ type: 'ApplicationActivated', data: { product: 'TRUETEST', applicationId: 'shop' } }]);
    expect(pools(state, 'TRUETEST', '2026-01-06T00:00:00Z').account).toMatchObject({ pool: 2, used: 1, available: 1 });
  });

  it('beyond capacity: records ApplicationDenied and fails with CONCURRENCY_LIMIT_REACHED', () => {
    const two = [...licensed, activate('shop', '2026-01-06T00:00:00Z'), activate('bank', '2026-01-06T00:01:00Z')];
    const denial = given(two).when(activate('blog', '2026-01-06T00:02:00Z')).thenDenied('CONCURRENCY_LIMIT_REACHED', 'ApplicationDenied');
    expect(denial.data).toEqual({ product: 'TRUETEST', applicationId: 'blog', reason: 'CONCURRENCY_LIMIT_REACHED' });
    expect(given(two, denial).state().products.get('TRUETEST')!.applications.has('blog')).toBe(false);
  });

  it('a release frees the unit', () => {
    const two = [...licensed, activate('shop', '2026-01-06T00:00:00Z'), activate('bank', '2026-01-06T00:01:00Z')];
    given(two)
      .when(release('shop', '2026-01-06T00:02:00Z'))
      .then([{ type: 'ApplicationReleased', data: { product: 'TRUETEST', applicationId: 'shop' } }]);
    given(two, release('shop', '2026-01-06T00:02:00Z')).when(activate('blog', '2026-01-06T00:03:00Z')).thenAccepted();
  });

  it('draws from the account pool: a TRUETEST dedication to qa leaves the account 1 of 2', () => {
    const history = [
      ...licensed,
      cmd('DedicateLicenses', '2026-01-05T15:00:00Z', { product: 'TRUETEST', orgId: 'qa', quantity: 1 }),
      activate('shop', '2026-01-06T00:00:00Z'),
    ];
    given(history).when(activate('bank', '2026-01-06T00:01:00Z')).thenDenied('CONCURRENCY_LIMIT_REACHED', 'ApplicationDenied');
  });

  it('refuses an application already active (ALREADY_EXISTS) and activation without a purchase (NO_ACTIVE_SUBSCRIPTION)', () => {
    given(licensed, activate('shop', '2026-01-06T00:00:00Z')).when(activate('shop', '2026-01-06T00:01:00Z')).thenRejects('ALREADY_EXISTS');
    given(directory).when(activate('shop', '2026-01-06T00:00:00Z')).thenRejects('NO_ACTIVE_SUBSCRIPTION');
    given(licensed).when(activate('shop', '2027-01-01T00:00:00Z')).thenRejects('NO_ACTIVE_SUBSCRIPTION');
  });

  it('releasing an application that is not active is NOT_FOUND', () => {
    given(licensed).when(release('shop', '2026-01-06T00:00:00Z')).thenRejects('NOT_FOUND');
    given(licensed, activate('shop', '2026-01-06T00:00:00Z'), release('shop', '2026-01-06T00:01:00Z'))
      .when(release('shop', '2026-01-06T00:02:00Z'))
      .thenRejects('NOT_FOUND');
  });
});
