import { QUOTA_EXCEEDED_MESSAGE } from './errors.js';
import { cmd, given, pools } from './testing/decider-spec.js';

/** SPEC §3 AssignSeat / UnassignSeat / RecordLogin / RecordActivity and the activation rule. */

const directory = [
  cmd('OpenAccount', '2026-01-05T13:00:00Z', { name: 'Acme', timezone: 'UTC' }),
  cmd('CreateOrganization', '2026-01-05T13:01:00Z', { orgId: 'qa', name: 'QA' }),
  cmd('CreateOrganization', '2026-01-05T13:02:00Z', { orgId: 'mobile', name: 'Mobile', parentOrgId: 'qa' }),
  ...['u1', 'u2', 'u3'].map((userId, i) =>
    cmd('RegisterUser', `2026-01-05T13:1${i}:00Z`, { userId, email: `${userId}@acme.example`, fullName: userId, orgId: 'mobile' }),
  ),
];
const kse2 = cmd('PurchaseLicenses', '2026-01-05T14:00:00Z', {
  purchaseId: 'p1',
  product: 'KSE',
  quantity: 2,
  startsAt: '2026-01-01T00:00:00Z',
  expiresAt: '2027-01-01T00:00:00Z',
});
const licensed = [...directory, kse2];

const assign = (userId: string, at: string) => cmd('AssignSeat', at, { product: 'KSE', userId });
const unassign = (userId: string, at: string) => cmd('UnassignSeat', at, { product: 'KSE', userId });
const login = (userId: string, at: string, machineId?: string) =>
  cmd('RecordLogin', at, machineId === undefined ? { product: 'KSE', userId } : { product: 'KSE', userId, machineId });

describe('AssignSeat', () => {
  it('assigns a seat from the account pool, recording the license source', () => {
    const state = given(licensed)
      .when(assign('u1', '2026-01-06T13:00:00Z'))
      .then([{ type: 'SeatAssigned', data: { product: 'KSE', userId: 'u1', licenseSource: 'account' } }]);
    expect(state.products.get('KSE')!.seats.get('u1')).toEqual({ assignedAt: Date.parse('2026-01-06T13:00:00Z'), activated: false });
    expect(pools(state, 'KSE', '2026-01-06T13:00:00Z').account).toMatchObject({ used: 1, available: 1 });
  });

  it('the source is the nearest dedicated org-or-ancestor: qa for a user of mobile', () => {
    given(licensed, cmd('DedicateLicenses', '2026-01-05T15:00:00Z', { product: 'KSE', orgId: 'qa', quantity: 1 }))
      .when(assign('u1', '2026-01-06T13:00:00Z'))
      .then([{ type: 'SeatAssigned', data: { product: 'KSE', userId: 'u1', licenseSource: 'qa' } }]);
  });

  it('refuses a second seat of the same product (ALREADY_ASSIGNED)', () => {
    given(licensed, assign('u1', '2026-01-06T13:00:00Z')).when(assign('u1', '2026-01-06T13:01:00Z')).thenRejects('ALREADY_ASSIGNED', "'u1'");
  });

  it('refuses an unknown user (NOT_FOUND) and a product that is not seat-based (VALIDATION_FAILED)', () => {
    given(licensed).when(assign('u9', '2026-01-06T13:00:00Z')).thenRejects('NOT_FOUND', "user 'u9'");
    given(licensed)
      .when(cmd('AssignSeat', '2026-01-06T13:00:00Z', { product: 'KRE', userId: 'u1' }))
      .thenRejects('VALIDATION_FAILED');
    given(licensed)
      .when(cmd('AssignSeat', '2026-01-06T13:00:00Z', { product: 'TRUETEST', userId: 'u1' }))
      .thenRejects('VALIDATION_FAILED');
  });

  it('LICENSE_QUOTA_EXCEEDED with the SPEC message when the pool is used up (2 of 2)', () => {
    const full = [...licensed, assign('u1', '2026-01-06T13:00:00Z'), assign('u2', '2026-01-06T13:01:00Z')];
    const error = given(full).when(assign('u3', '2026-01-06T13:02:00Z')).thenRejects('LICENSE_QUOTA_EXCEEDED');
    expect(error.message).toBe(QUOTA_EXCEEDED_MESSAGE);
    expect(error.message).toBe('The number of the licenses cannot exceed the license quota');
    expect(error.status).toBe(409);
  });

  it('the account pool is what dedications leave: 2 purchased, 1 dedicated elsewhere → the second account seat is refused', () => {
    const dev = cmd('CreateOrganization', '2026-01-05T15:00:00Z', { orgId: 'dev', name: 'Dev' });
    given(
      licensed,
      dev,
      cmd('DedicateLicenses', '2026-01-05T15:01:00Z', { product: 'KSE', orgId: 'dev', quantity: 1 }),
      assign('u1', '2026-01-06T13:00:00Z'),
    )
      .when(assign('u2', '2026-01-06T13:01:00Z'))
      .thenRejects('LICENSE_QUOTA_EXCEEDED');
  });

  it('NO_ACTIVE_SUBSCRIPTION without an active purchase of the product, and before LICENSE_QUOTA_EXCEEDED', () => {
    given(directory).when(assign('u1', '2026-01-06T13:00:00Z')).thenRejects('NO_ACTIVE_SUBSCRIPTION', 'KSE');
    given(licensed)
      .when(cmd('AssignSeat', '2026-01-06T13:00:00Z', { product: 'TESTOPS', userId: 'u1' }))
      .thenRejects('NO_ACTIVE_SUBSCRIPTION');
    // A full pool whose only purchase has expired: both rules fail, the subscription one is reported.
    const full = [...licensed, assign('u1', '2026-01-06T13:00:00Z'), assign('u2', '2026-01-06T13:01:00Z')];
    given(full).when(assign('u3', '2027-01-01T00:00:00Z')).thenRejects('NO_ACTIVE_SUBSCRIPTION');
  });

  it('a pool of 10 yields exactly 10 seats', () => {
    const people = Array.from({ length: 11 }, (_, i) =>
      cmd('RegisterUser', `2026-01-05T14:${String(10 + i)}:00Z`, { userId: `w${i}`, email: `w${i}@acme.example`, fullName: `W ${i}`, orgId: 'qa' }),
    );
    const ten = cmd('PurchaseLicenses', '2026-01-05T15:00:00Z', {
      purchaseId: 'p10',
      product: 'TESTOPS',
      quantity: 10,
      startsAt: '2026-01-01T00:00:00Z',
      expiresAt: '2027-01-01T00:00:00Z',
    });
    const seats = people
      .slice(0, 10)
      .map((_, i) => cmd('AssignSeat', `2026-01-06T00:${String(i).padStart(2, '0')}:00Z`, { product: 'TESTOPS', userId: `w${i}` }));
    const state = given(directory, people, ten, seats).state();
    expect(state.products.get('TESTOPS')!.seats.size).toBe(10);
    given(directory, people, ten, seats)
      .when(cmd('AssignSeat', '2026-01-06T01:00:00Z', { product: 'TESTOPS', userId: 'w10' }))
      .thenRejects('LICENSE_QUOTA_EXCEEDED');
  });
});

describe('UnassignSeat', () => {
  it('frees the unit', () => {
    const full = [...licensed, assign('u1', '2026-01-06T13:00:00Z'), assign('u2', '2026-01-06T13:01:00Z')];
    const state = given(full)
      .when(unassign('u1', '2026-01-07T00:00:00Z'))
      .then([{ type: 'SeatUnassigned', data: { product: 'KSE', userId: 'u1' } }]);
    expect(pools(state, 'KSE', '2026-01-07T00:00:00Z').account).toMatchObject({ used: 1, available: 1 });
    given(full, unassign('u1', '2026-01-07T00:00:00Z')).when(assign('u3', '2026-01-07T00:01:00Z')).thenAccepted();
  });

  it('refuses a user without a seat (NOT_ASSIGNED) and an unknown user (NOT_FOUND)', () => {
    given(licensed).when(unassign('u1', '2026-01-07T00:00:00Z')).thenRejects('NOT_ASSIGNED', "'u1'");
    given(licensed, assign('u1', '2026-01-06T13:00:00Z'), unassign('u1', '2026-01-06T14:00:00Z'))
      .when(unassign('u1', '2026-01-07T00:00:00Z'))
      .thenRejects('NOT_ASSIGNED');
    given(licensed).when(unassign('u9', '2026-01-07T00:00:00Z')).thenRejects('NOT_FOUND');
  });

  it('open KSE sessions go on after the seat is unassigned', () => {
    const history = [
      ...licensed,
      assign('u1', '2026-01-06T13:00:00Z'),
      cmd('StartSession', '2026-01-06T13:05:00Z', { product: 'KSE', sessionId: 'k1', userId: 'u1', machineId: 'm1' }),
      unassign('u1', '2026-01-06T13:10:00Z'),
    ];
    given(history)
      .when(cmd('HeartbeatSession', '2026-01-06T13:15:00Z', { sessionId: 'k1' }))
      .then([{ type: 'SessionHeartbeatRecorded', data: { sessionId: 'k1', product: 'KSE' } }]);
    given(history)
      .when(cmd('EndSession', '2026-01-06T13:19:00Z', { sessionId: 'k1' }))
      .then([{ type: 'SessionEnded', data: { sessionId: 'k1', product: 'KSE', endedAt: '2026-01-06T13:19:00Z' } }]);
  });
});

describe('RecordLogin and activation', () => {
  const seated = [...licensed, assign('u1', '2026-01-06T13:00:00Z')];

  it('the first login after the assignment activates the seat', () => {
    const state = given(seated)
      .when(login('u1', '2026-01-07T04:30:00Z', 'm1'))
      .then([
        { type: 'UserLoggedIn', data: { product: 'KSE', userId: 'u1', machineId: 'm1' } },
        { type: 'SeatActivated', data: { product: 'KSE', userId: 'u1' } },
      ]);
    expect(state.products.get('KSE')!.seats.get('u1')!.activated).toBe(true);
  });

  it('a later login does not activate again', () => {
    given(seated, login('u1', '2026-01-07T04:30:00Z'))
      .when(login('u1', '2026-01-08T04:30:00Z'))
      .then([{ type: 'UserLoggedIn', data: { product: 'KSE', userId: 'u1', machineId: null } }]);
  });

  it('a login without a seat only records the login, and does not count for a later assignment', () => {
    given(licensed)
      .when(login('u1', '2026-01-06T12:00:00Z'))
      .then([{ type: 'UserLoggedIn', data: { product: 'KSE', userId: 'u1', machineId: null } }]);
    const state = given(licensed, login('u1', '2026-01-06T12:00:00Z')).when(assign('u1', '2026-01-06T13:00:00Z')).thenAccepted();
    expect(state.products.get('KSE')!.seats.get('u1')!.activated).toBe(false);
  });

  it('a login for another product does not activate the KSE seat', () => {
    given(seated)
      .when(cmd('RecordLogin', '2026-01-07T04:30:00Z', { product: 'TESTOPS', userId: 'u1' }))
      .then([{ type: 'UserLoggedIn', data: { product: 'TESTOPS', userId: 'u1', machineId: null } }]);
  });

  it('unassigning resets activation: after re-assignment only a new login activates', () => {
    const reassigned = [...seated, login('u1', '2026-01-07T04:30:00Z'), unassign('u1', '2026-02-10T12:00:00Z'), assign('u1', '2026-02-10T12:05:00Z')];
    expect(given(reassigned).state().products.get('KSE')!.seats.get('u1')).toEqual({
      assignedAt: Date.parse('2026-02-10T12:05:00Z'),
      activated: false,
    });
    given(reassigned)
      .when(login('u1', '2026-02-11T09:00:00Z'))
      .then([
        { type: 'UserLoggedIn', data: { product: 'KSE', userId: 'u1', machineId: null } },
        { type: 'SeatActivated', data: { product: 'KSE', userId: 'u1' } },
      ]);
  });

  it('refuses an unknown user (NOT_FOUND)', () => {
    given(seated).when(login('u9', '2026-01-07T04:30:00Z')).thenRejects('NOT_FOUND', "user 'u9'");
  });
});

describe('RecordActivity', () => {
  it('records the action and does not activate a seat (only a login does)', () => {
    const state = given(licensed, assign('u1', '2026-01-06T13:00:00Z'))
      .when(cmd('RecordActivity', '2026-01-07T00:00:00Z', { product: 'KSE', userId: 'u1', action: 'run-test' }))
      .then([{ type: 'UserActivityRecorded', data: { product: 'KSE', userId: 'u1', action: 'run-test' } }]);
    expect(state.products.get('KSE')!.seats.get('u1')!.activated).toBe(false);
  });

  it('refuses an unknown user (NOT_FOUND)', () => {
    given(licensed)
      .when(cmd('RecordActivity', '2026-01-07T00:00:00Z', { product: 'KSE', userId: 'u9', action: 'run-test' }))
      .thenRejects('NOT_FOUND');
  });
});
