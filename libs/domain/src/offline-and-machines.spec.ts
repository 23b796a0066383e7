import { QUOTA_EXCEEDED_MESSAGE } from './errors.js';
import { machineQuota } from './pools.js';
import { cmd, given, pools } from './testing/decider-spec.js';

/** SPEC §1 offline licenses and machine quota; §3 GenerateOfflineLicense, RevokeOfflineLicense, Register/DeactivateMachine. */

const directory = [
  cmd('OpenAccount', '2026-01-05T13:00:00Z', { name: 'Acme', timezone: 'UTC' }),
  cmd('CreateOrganization', '2026-01-05T13:01:00Z', { orgId: 'qa', name: 'QA' }),
  cmd('CreateOrganization', '2026-01-05T13:02:00Z', { orgId: 'dev', name: 'Dev' }),
  ...(
    [
      ['u1', 'dev'],
      ['u2', 'dev'],
      ['q1', 'qa'],
    ] as const
  ).map(([userId, orgId], i) => cmd('RegisterUser', `2026-01-05T13:1${i}:00Z`, { userId, email: `${userId}@acme.example`, fullName: userId, orgId })),
];
// Two active KSE purchases ending in June and December; a renewal for 2027 is not active yet.
const june = cmd('PurchaseLicenses', '2026-01-05T14:00:00Z', {
  purchaseId: 'p1',
  product: 'KSE',
  quantity: 1,
  startsAt: '2026-01-01T00:00:00Z',
  expiresAt: '2026-06-01T00:00:00Z',
  machineQuota: 1,
});
const december = cmd('PurchaseLicenses', '2026-01-05T14:01:00Z', {
  purchaseId: 'p2',
  product: 'KSE',
  quantity: 1,
  startsAt: '2026-01-01T00:00:00Z',
  expiresAt: '2026-12-01T00:00:00Z',
  machineQuota: 2,
});
const renewal = cmd('PurchaseLicenses', '2026-01-05T14:02:00Z', {
  purchaseId: 'p3',
  product: 'KSE',
  quantity: 1,
  startsAt: '2027-01-01T00:00:00Z',
  expiresAt: '2028-01-01T00:00:00Z',
  machineQuota: 5,
});
const licensed = [...directory, june, december, renewal];

const generate = (userId: string, machineId: string, at: string, expiresAt?: string, product: 'KSE' | 'KRE' = 'KSE') =>
  cmd('GenerateOfflineLicense', at, expiresAt === undefined ? { product, userId, machineId } : { product, userId, machineId, expiresAt });
const register = (machineId: string, at: string, userId = 'u1') => cmd('RegisterMachine', at, { product: 'KSE', machineId, userId });
const deactivate = (machineId: string, at: string, userId = 'u1') => cmd('DeactivateMachine', at, { product: 'KSE', machineId, userId });

describe('GenerateOfflineLicense', () => {
  it('defaults expiresAt to the latest end among active purchases (not a future renewal), registers the machine, needs no seat', () => {
    const state = given(licensed)
      .when(generate('u1', 'm1', '2026-01-06T00:00:00Z'))
      .then([
        { type: 'MachineRegistered', data: { product: 'KSE', machineId: 'm1', userId: 'u1' } },
        {
          type: 'OfflineLicenseGenerated',
          data: { product: 'KSE', userId: 'u1', machineId: 'm1', expiresAt: '2026-12-01T00:00:00.000Z', licenseSource: 'account' },
        },
      ]);
    expect(state.products.get('KSE')!.seats.has('u1')).toBe(false);
    expect(pools(state, 'KSE', '2026-01-06T00:00:00Z').account).toMatchObject({ pool: 2, used: 1, offline: 1, available: 1 });
  });

  it('an explicit expiresAt up to the subscription end is kept; later is VALIDATION_FAILED; not after at either', () => {
    given(licensed)
      .when(generate('u1', 'm1', '2026-01-06T00:00:00Z', '2026-12-01T00:00:00Z'))
      .thenAccepted();
    given(licensed)
      .when(generate('u1', 'm1', '2026-01-06T00:00:00Z', '2026-03-01T00:00:00Z'))
      .then([
        { type: 'MachineRegistered', data: { product: 'KSE', machineId: 'm1', userId: 'u1' } },
        {
          type: 'OfflineLicenseGenerated',
          data: { product: 'KSE', userId: 'u1', machineId: 'm1', expiresAt: '2026-03-01T00:00:00.000Z', licenseSource: 'account' },
        },
      ]);
    const error = given(licensed)
      .when(generate('u1', 'm1', '2026-01-06T00:00:00Z', '2026-12-01T00:00:00.001Z'))
      .thenRejects('VALIDATION_FAILED');
    expect(error.errors).toEqual([expect.objectContaining({ path: 'expiresAt' })]);
    given(licensed)
      .when(generate('u1', 'm1', '2026-01-06T00:00:00Z', '2026-01-06T00:00:00Z'))
      .thenRejects('VALIDATION_FAILED');
  });

  it('a purchase that has not started does not extend the maximum (June only, renewal for 2027)', () => {
    given(directory, june, renewal)
      .when(generate('u1', 'm1', '2026-01-06T00:00:00Z'))
      .then([
        { type: 'MachineRegistered', data: { product: 'KSE', machineId: 'm1', userId: 'u1' } },
        {
          type: 'OfflineLicenseGenerated',
          data: { product: 'KSE', userId: 'u1', machineId: 'm1', expiresAt: '2026-06-01T00:00:00.000Z', licenseSource: 'account' },
        },
      ]);
    given(directory, june, renewal)
      .when(generate('u1', 'm1', '2026-01-06T00:00:00Z', '2027-06-01T00:00:00Z'))
      .thenRejects('VALIDATION_FAILED');
  });

  it('is drawn from the user’s license source', () => {
    given(licensed, cmd('DedicateLicenses', '2026-01-05T15:00:00Z', { product: 'KSE', orgId: 'qa', quantity: 1 }))
      .when(generate('q1', 'm1', '2026-01-06T00:00:00Z'))
      .then([
        { type: 'MachineRegistered', data: { product: 'KSE', machineId: 'm1', userId: 'q1' } },
        {
          type: 'OfflineLicenseGenerated',
          data: { product: 'KSE', userId: 'q1', machineId: 'm1', expiresAt: '2026-12-01T00:00:00.000Z', licenseSource: 'qa' },
        },
      ]);
  });

  it('is a unit until it expires (half-open), then frees it', () => {
    // KSE ×2: an offline license until Feb 1 and a seat fill the pool.
    const history = [
      ...licensed,
      generate('u1', 'm1', '2026-01-06T00:00:00Z', '2026-02-01T00:00:00Z'),
      cmd('AssignSeat', '2026-01-06T00:01:00Z', { product: 'KSE', userId: 'u2' }),
    ];
    given(history)
      .when(cmd('AssignSeat', '2026-01-31T23:59:59Z', { product: 'KSE', userId: 'q1' }))
      .thenRejects('LICENSE_QUOTA_EXCEEDED', QUOTA_EXCEEDED_MESSAGE);
    given(history)
      .when(cmd('AssignSeat', '2026-02-01T00:00:00Z', { product: 'KSE', userId: 'q1' }))
      .thenAccepted();
    expect(pools(given(history).state(), 'KSE', '2026-02-01T00:00:00Z').account).toMatchObject({ used: 1, offline: 0 });
  });

  it('is a unit of its own: a seat holder who also works offline uses 2 units', () => {
    const state = given(licensed, cmd('AssignSeat', '2026-01-06T00:00:00Z', { product: 'KSE', userId: 'u1' }))
      .when(generate('u1', 'm1', '2026-01-06T00:01:00Z'))
      .thenAccepted();
    expect(pools(state, 'KSE', '2026-01-06T00:01:00Z').account).toEqual({ dedicated: 2, pool: 2, used: 2, offline: 1, available: 0 });
  });

  it('no unit available: LICENSE_QUOTA_EXCEEDED; no active purchase: NO_ACTIVE_SUBSCRIPTION', () => {
    const full = [
      ...licensed,
      cmd('AssignSeat', '2026-01-06T00:00:00Z', { product: 'KSE', userId: 'u1' }),
      cmd('AssignSeat', '2026-01-06T00:01:00Z', { product: 'KSE', userId: 'u2' }),
    ];
    given(full)
      .when(generate('q1', 'm1', '2026-01-06T00:02:00Z'))
      .thenRejects('LICENSE_QUOTA_EXCEEDED');
    given(directory)
      .when(generate('u1', 'm1', '2026-01-06T00:00:00Z'))
      .thenRejects('NO_ACTIVE_SUBSCRIPTION');
    given(licensed)
      .when(generate('u1', 'm1', '2026-01-06T00:00:00Z', undefined, 'KRE'))
      .thenRejects('NO_ACTIVE_SUBSCRIPTION');
  });

  it('exists for KSE and KRE only (VALIDATION_FAILED for TESTOPS); unknown user NOT_FOUND', () => {
    given(licensed)
      .when(cmd('GenerateOfflineLicense', '2026-01-06T00:00:00Z', { product: 'TESTOPS', userId: 'u1', machineId: 'm1' }))
      .thenRejects('VALIDATION_FAILED');
    given(licensed)
      .when(generate('u9', 'm1', '2026-01-06T00:00:00Z'))
      .thenRejects('NOT_FOUND');
  });

  it('one unexpired license per machine (ALREADY_EXISTS); a new one once it has expired', () => {
    const first = [...licensed, generate('u1', 'm1', '2026-01-06T00:00:00Z', '2026-02-01T00:00:00Z')];
    given(first)
      .when(generate('u2', 'm1', '2026-01-07T00:00:00Z'))
      .thenRejects('ALREADY_EXISTS', "'m1'");
    given(first)
      .when(generate('u1', 'm1', '2026-02-01T00:00:00Z'))
      .then([
        {
          type: 'OfflineLicenseGenerated',
          data: { product: 'KSE', userId: 'u1', machineId: 'm1', expiresAt: '2026-12-01T00:00:00.000Z', licenseSource: 'account' },
        },
      ]);
  });
});

describe('RevokeOfflineLicense', () => {
  it('is always refused (OFFLINE_LICENSE_IRREVOCABLE), appending nothing', () => {
    const history = [...licensed, generate('u1', 'm1', '2026-01-06T00:00:00Z')];
    const error = given(history)
      .when(cmd('RevokeOfflineLicense', '2026-01-07T00:00:00Z', { product: 'KSE', machineId: 'm1' }))
      .thenRejects('OFFLINE_LICENSE_IRREVOCABLE');
    expect(error.status).toBe(409);
    given(licensed)
      .when(cmd('RevokeOfflineLicense', '2026-01-07T00:00:00Z', { product: 'KRE', machineId: 'nope' }))
      .thenRejects('OFFLINE_LICENSE_IRREVOCABLE');
  });
});

describe('machines and machine quota', () => {
  it('the quota is the sum over active purchases (1 + 2 = 3); unlimited if an active purchase has none', () => {
    const state = given(licensed).state();
    expect(machineQuota(state, 'KSE', Date.parse('2026-01-06T00:00:00Z'))).toBe(3);
    expect(machineQuota(state, 'KSE', Date.parse('2026-06-01T00:00:00Z'))).toBe(2);
    const unlimited = given(
      licensed,
      cmd('PurchaseLicenses', '2026-01-05T14:03:00Z', {
        purchaseId: 'p4',
        product: 'KSE',
        quantity: 1,
        startsAt: '2026-01-01T00:00:00Z',
        expiresAt: '2026-03-01T00:00:00Z',
      }),
    ).state();
    expect(machineQuota(unlimited, 'KSE', Date.parse('2026-02-28T00:00:00Z'))).toBeNull();
    expect(machineQuota(unlimited, 'KSE', Date.parse('2026-03-01T00:00:00Z'))).toBe(3);
  });

  it('RegisterMachine registers up to the quota, then MACHINE_QUOTA_EXCEEDED', () => {
    const three = [...licensed, register('m1', '2026-01-06T00:00:00Z'), register('m2', '2026-01-06T00:01:00Z')];
    given(three)
      .when(register('m3', '2026-01-06T00:02:00Z'))
      .then([{ type: 'MachineRegistered', data: { product: 'KSE', machineId: 'm3', userId: 'u1' } }]);
    given(three, register('m3', '2026-01-06T00:02:00Z')).when(register('m4', '2026-01-06T00:03:00Z')).thenRejects('MACHINE_QUOTA_EXCEEDED');
  });

  it('with an active purchase without machineQuota, there is no limit', () => {
    const history = [
      ...licensed,
      cmd('PurchaseLicenses', '2026-01-05T14:03:00Z', {
        purchaseId: 'p4',
        product: 'KSE',
        quantity: 1,
        startsAt: '2026-01-01T00:00:00Z',
        expiresAt: '2026-03-01T00:00:00Z',
      }),
      ...['m1', 'm2', 'm3', 'm4'].map((m, i) => register(m, `2026-01-06T00:0${i}:00Z`)),
    ];
    given(history).when(register('m5', '2026-01-06T00:05:00Z')).thenAccepted();
  });

  it('the quota follows the active purchases: after June, 2 machines', () => {
    const two = [...licensed, register('m1', '2026-01-06T00:00:00Z'), register('m2', '2026-01-06T00:01:00Z')];
    given(two).when(register('m3', '2026-06-01T00:00:00Z')).thenRejects('MACHINE_QUOTA_EXCEEDED');
  });

  it('refuses a registered machine (ALREADY_EXISTS) and an unknown user (NOT_FOUND)', () => {
    given(licensed, register('m1', '2026-01-06T00:00:00Z'))
      .when(register('m1', '2026-01-06T00:01:00Z', 'u2'))
      .thenRejects('ALREADY_EXISTS');
    given(licensed)
      .when(register('m1', '2026-01-06T00:00:00Z', 'u9'))
      .thenRejects('NOT_FOUND');
  });

  it('a session on an unregistered machine registers it, within the quota (MACHINE_QUOTA_EXCEEDED, nothing appended)', () => {
    const seated = [
      ...licensed,
      cmd('AssignSeat', '2026-01-06T00:00:00Z', { product: 'KSE', userId: 'u1' }),
      register('m1', '2026-01-06T00:01:00Z'),
      register('m2', '2026-01-06T00:02:00Z'),
      register('m3', '2026-01-06T00:03:00Z'),
    ];
    given(seated)
      .when(cmd('StartSession', '2026-01-06T01:00:00Z', { product: 'KSE', sessionId: 'k1', userId: 'u1', machineId: 'm4' }))
      .thenRejects('MACHINE_QUOTA_EXCEEDED');
    given(seated)
      .when(cmd('StartSession', '2026-01-06T01:00:00Z', { product: 'KSE', sessionId: 'k1', userId: 'u1', machineId: 'm3' }))
      .then([
        {
          type: 'SessionStarted',
          data: { product: 'KSE', sessionId: 'k1', userId: 'u1', machineId: 'm3', licenseType: 'online', licenseSource: 'account' },
        },
      ]);
  });

  it('the machine quota is checked before capacity: a start on a new machine beyond both is MACHINE_QUOTA_EXCEEDED, not a denial', () => {
    const kre = [
      ...licensed,
      cmd('PurchaseLicenses', '2026-01-05T14:03:00Z', {
        purchaseId: 'k1',
        product: 'KRE',
        quantity: 1,
        startsAt: '2026-01-01T00:00:00Z',
        expiresAt: '2027-01-01T00:00:00Z',
        machineQuota: 1,
      }),
      cmd('StartSession', '2026-01-06T00:00:00Z', { product: 'KRE', sessionId: 's1', userId: 'u1', machineId: 'm1' }),
    ];
    given(kre)
      .when(cmd('StartSession', '2026-01-06T00:01:00Z', { product: 'KRE', sessionId: 's2', userId: 'u2', machineId: 'm2' }))
      .thenRejects('MACHINE_QUOTA_EXCEEDED');
    given(kre)
      .when(cmd('StartSession', '2026-01-06T00:01:00Z', { product: 'KRE', sessionId: 's2', userId: 'u2', machineId: 'm1' }))
      .thenDenied('CONCURRENCY_LIMIT_REACHED', 'SessionDenied');
  });

  it('an offline license on an unregistered machine registers it, within the quota', () => {
    const three = [
      ...licensed,
      register('m1', '2026-01-06T00:01:00Z'),
      register('m2', '2026-01-06T00:02:00Z'),
      register('m3', '2026-01-06T00:03:00Z'),
    ];
    given(three)
      .when(generate('u1', 'm4', '2026-01-06T01:00:00Z'))
      .thenRejects('MACHINE_QUOTA_EXCEEDED');
    given(three)
      .when(generate('u1', 'm3', '2026-01-06T01:00:00Z'))
      .then([
        {
          type: 'OfflineLicenseGenerated',
          data: { product: 'KSE', userId: 'u1', machineId: 'm3', expiresAt: '2026-12-01T00:00:00.000Z', licenseSource: 'account' },
        },
      ]);
  });

  it('a login does not register its machine', () => {
    const state = given(licensed)
      .when(cmd('RecordLogin', '2026-01-06T00:00:00Z', { product: 'KSE', userId: 'u1', machineId: 'm9' }))
      .then([{ type: 'UserLoggedIn', data: { product: 'KSE', userId: 'u1', machineId: 'm9' } }]);
    expect(state.products.get('KSE')!.machines.has('m9')).toBe(false);
    given(licensed, cmd('RecordLogin', '2026-01-06T00:00:00Z', { product: 'KSE', userId: 'u1', machineId: 'm9' }))
      .when(register('m9', '2026-01-06T00:01:00Z'))
      .thenAccepted();
  });

  it('DeactivateMachine frees a place in the quota; an unknown machine is NOT_FOUND', () => {
    const three = [
      ...licensed,
      register('m1', '2026-01-06T00:01:00Z'),
      register('m2', '2026-01-06T00:02:00Z'),
      register('m3', '2026-01-06T00:03:00Z'),
    ];
    given(three)
      .when(deactivate('m2', '2026-01-07T00:00:00Z'))
      .then([{ type: 'MachineDeactivated', data: { product: 'KSE', machineId: 'm2', userId: 'u1' } }]);
    given(three, deactivate('m2', '2026-01-07T00:00:00Z')).when(register('m4', '2026-01-07T00:01:00Z')).thenAccepted();
    given(three).when(deactivate('m9', '2026-01-07T00:00:00Z')).thenRejects('NOT_FOUND');
    given(three)
      .when(deactivate('m1', '2026-01-07T00:00:00Z', 'u9'))
      .thenRejects('NOT_FOUND');
  });

  it('a machine bound to an unexpired offline license cannot be deactivated (MACHINE_BOUND_OFFLINE) until it expires', () => {
    const bound = [...licensed, generate('u1', 'm1', '2026-01-06T00:00:00Z', '2026-02-01T00:00:00Z')];
    given(bound).when(deactivate('m1', '2026-01-31T23:59:59Z')).thenRejects('MACHINE_BOUND_OFFLINE', "'m1'");
    given(bound).when(deactivate('m1', '2026-02-01T00:00:00Z')).thenAccepted();
  });
});
