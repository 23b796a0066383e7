import { cmd, given, pools } from './testing/decider-spec.js';

/** SPEC §3 StartSession / HeartbeatSession / EndSession, the lease, §2 half-open sessions. */

const directory = [
  cmd('OpenAccount', '2026-03-01T00:00:00Z', { name: 'Acme', timezone: 'UTC' }),
  cmd('CreateOrganization', '2026-03-01T00:01:00Z', { orgId: 'qa', name: 'QA' }),
  cmd('CreateOrganization', '2026-03-01T00:02:00Z', { orgId: 'dev', name: 'Dev' }),
  ...(
    [
      ['u1', 'dev'],
      ['u2', 'dev'],
      ['u3', 'dev'],
      ['q1', 'qa'],
      ['q2', 'qa'],
    ] as const
  ).map(([userId, orgId], i) => cmd('RegisterUser', `2026-03-01T00:1${i}:00Z`, { userId, email: `${userId}@acme.example`, fullName: userId, orgId })),
];
const kre2 = cmd('PurchaseLicenses', '2026-03-01T01:00:00Z', {
  purchaseId: 'p1',
  product: 'KRE',
  quantity: 2,
  startsAt: '2026-03-01T00:00:00Z',
  expiresAt: '2026-04-01T00:00:00Z',
});
const kse1 = cmd('PurchaseLicenses', '2026-03-01T01:01:00Z', {
  purchaseId: 'p2',
  product: 'KSE',
  quantity: 1,
  startsAt: '2026-03-01T00:00:00Z',
  expiresAt: '2026-04-01T00:00:00Z',
});
const licensed = [...directory, kre2, kse1];

const start = (sessionId: string, userId: string, at: string, machineId = `m-${sessionId}`, product: 'KRE' | 'KSE' = 'KRE') =>
  cmd('StartSession', at, { product, sessionId, userId, machineId });
const heartbeat = (sessionId: string, at: string) => cmd('HeartbeatSession', at, { sessionId });
const end = (sessionId: string, at: string) => cmd('EndSession', at, { sessionId });

describe('StartSession (session product)', () => {
  it('starts an online session drawn from the user’s source, registering a new machine first', () => {
    const state = given(licensed)
      .when(start('s1', 'u1', '2026-03-02T10:00:00Z', 'm1'))
      .then([
        { type: 'MachineRegistered', data: { product: 'KRE', machineId: 'm1', userId: 'u1' } },
        {
          type: 'SessionStarted',
          data: { product: 'KRE', sessionId: 's1', userId: 'u1', machineId: 'm1', licenseType: 'online', licenseSource: 'account' },
        },
      ]);
    expect(pools(state, 'KRE', '2026-03-02T10:00:00Z').account).toMatchObject({ used: 1, available: 1 });
  });

  it('on a registered machine only SessionStarted is recorded', () => {
    given(licensed, cmd('RegisterMachine', '2026-03-02T09:00:00Z', { product: 'KRE', machineId: 'm1', userId: 'u2' }))
      .when(start('s1', 'u1', '2026-03-02T10:00:00Z', 'm1'))
      .then([
        {
          type: 'SessionStarted',
          data: { product: 'KRE', sessionId: 's1', userId: 'u1', machineId: 'm1', licenseType: 'online', licenseSource: 'account' },
        },
      ]);
  });

  it('at capacity: records SessionDenied and fails with CONCURRENCY_LIMIT_REACHED; the machine is not registered', () => {
    const two = [...licensed, start('s1', 'u1', '2026-03-02T10:00:00Z'), start('s2', 'u2', '2026-03-02T10:01:00Z')];
    const denial = given(two)
      .when(start('s3', 'u3', '2026-03-02T10:02:00Z', 'm3'))
      .thenDenied('CONCURRENCY_LIMIT_REACHED', 'SessionDenied');
    expect(denial.data).toEqual({
      product: 'KRE',
      sessionId: 's3',
      userId: 'u3',
      machineId: 'm3',
      reason: 'CONCURRENCY_LIMIT_REACHED',
      licenseSource: 'account',
    });
    const after = given(two, denial).state();
    expect(after.products.get('KRE')!.machines.has('m3')).toBe(false);
    expect(after.sessions.has('s3')).toBe(false);
    // The denied id was never started: it can be tried again once there is room.
    given(two, denial, end('s1', '2026-03-02T10:03:00Z'))
      .when(start('s3', 'u3', '2026-03-02T10:04:00Z', 'm3'))
      .thenAccepted();
  });

  it('a dedicated org never borrows: qa=1 with one session open, q2 is denied though the account has room', () => {
    const history = [
      ...licensed,
      cmd('DedicateLicenses', '2026-03-01T02:00:00Z', { product: 'KRE', orgId: 'qa', quantity: 1 }),
      start('s1', 'q1', '2026-03-02T10:00:00Z'),
    ];
    expect(pools(given(history).state(), 'KRE', '2026-03-02T10:01:00Z')).toMatchObject({ account: { available: 1 }, qa: { available: 0 } });
    const denial = given(history)
      .when(start('s2', 'q2', '2026-03-02T10:01:00Z'))
      .thenDenied('CONCURRENCY_LIMIT_REACHED', 'SessionDenied');
    expect(denial.data.licenseSource).toBe('qa');
    given(history)
      .when(start('s2', 'u1', '2026-03-02T10:01:00Z'))
      .thenAccepted();
  });

  it('refuses without an active purchase (NO_ACTIVE_SUBSCRIPTION), appending nothing', () => {
    given(directory)
      .when(start('s1', 'u1', '2026-03-02T10:00:00Z'))
      .thenRejects('NO_ACTIVE_SUBSCRIPTION');
    given(licensed)
      .when(start('s1', 'u1', '2026-04-01T00:00:00Z'))
      .thenRejects('NO_ACTIVE_SUBSCRIPTION');
  });

  it('refuses a duplicate session id (ALREADY_EXISTS), an unknown user (NOT_FOUND), TRUETEST (VALIDATION_FAILED)', () => {
    given(licensed, start('s1', 'u1', '2026-03-02T10:00:00Z'))
      .when(start('s1', 'u2', '2026-03-02T10:01:00Z'))
      .thenRejects('ALREADY_EXISTS');
    given(licensed)
      .when(start('s1', 'u9', '2026-03-02T10:00:00Z'))
      .thenRejects('NOT_FOUND');
    given(licensed)
      .when(cmd('StartSession', '2026-03-02T10:00:00Z', { product: 'TRUETEST', sessionId: 's1', userId: 'u1', machineId: 'm1' }))
      .thenRejects('VALIDATION_FAILED');
  });

  it('a session id stays taken once the session ended or expired (ALREADY_EXISTS), though the state keeps only its id', () => {
    given(licensed, start('s1', 'u1', '2026-03-02T10:00:00Z'), end('s1', '2026-03-02T10:05:00Z'))
      .when(start('s1', 'u2', '2026-03-02T10:06:00Z'))
      .thenRejects('ALREADY_EXISTS');
    const lapsed = [
      ...licensed,
      start('s1', 'u1', '2026-03-02T10:00:00Z'),
      cmd('RecordActivity', '2026-03-02T11:00:00Z', { product: 'KRE', userId: 'u2', action: 'run' }),
    ];
    given(lapsed)
      .when(start('s1', 'u2', '2026-03-02T11:01:00Z'))
      .thenRejects('ALREADY_EXISTS');
    given(lapsed).when(heartbeat('s1', '2026-03-02T11:01:00Z')).thenRejects('SESSION_NOT_OPEN', 'has expired');
  });
});

describe('KSE sessions (seat product)', () => {
  it('need a seat (NOT_ASSIGNED)', () => {
    given(licensed)
      .when(start('k1', 'u1', '2026-03-02T10:00:00Z', 'm1', 'KSE'))
      .thenRejects('NOT_ASSIGNED', "'u1'");
  });

  it('draw no unit: the seat is the unit, so a full KSE pool still lets the seat holder open sessions', () => {
    const seated = [...licensed, cmd('AssignSeat', '2026-03-02T09:00:00Z', { product: 'KSE', userId: 'u1' })];
    given(seated)
      .when(start('k1', 'u1', '2026-03-02T10:00:00Z', 'm1', 'KSE'))
      .then([
        { type: 'MachineRegistered', data: { product: 'KSE', machineId: 'm1', userId: 'u1' } },
        {
          type: 'SessionStarted',
          data: { product: 'KSE', sessionId: 'k1', userId: 'u1', machineId: 'm1', licenseType: 'online', licenseSource: 'account' },
        },
      ]);
    const twoSessions = given(seated, start('k1', 'u1', '2026-03-02T10:00:00Z', 'm1', 'KSE'))
      .when(start('k2', 'u1', '2026-03-02T10:01:00Z', 'm2', 'KSE'))
      .thenAccepted();
    expect(pools(twoSessions, 'KSE', '2026-03-02T10:01:00Z').account).toMatchObject({ pool: 1, used: 1, available: 0 });
  });
});

describe('offline sessions', () => {
  const offline = cmd('GenerateOfflineLicense', '2026-03-02T09:00:00Z', { product: 'KRE', userId: 'u1', machineId: 'm1' });

  it('need an unexpired offline license for that user and machine (NOT_ASSIGNED)', () => {
    given(licensed)
      .when(cmd('StartSession', '2026-03-02T10:00:00Z', { product: 'KRE', sessionId: 's1', userId: 'u1', machineId: 'm1', licenseType: 'offline' }))
      .thenRejects('NOT_ASSIGNED');
    given(licensed, offline)
      .when(cmd('StartSession', '2026-03-02T10:00:00Z', { product: 'KRE', sessionId: 's1', userId: 'u1', machineId: 'm2', licenseType: 'offline' }))
      .thenRejects('NOT_ASSIGNED');
  });

  it('draw no further unit (the offline license is the unit): accepted while the pool is full', () => {
    const full = [...licensed, offline, start('s1', 'u2', '2026-03-02T09:55:00Z')];
    expect(pools(given(full).state(), 'KRE', '2026-03-02T10:00:00Z').account).toMatchObject({ used: 2, offline: 1, available: 0 });
    given(full)
      .when(cmd('StartSession', '2026-03-02T10:00:00Z', { product: 'KRE', sessionId: 's2', userId: 'u1', machineId: 'm1', licenseType: 'offline' }))
      .then([
        {
          type: 'SessionStarted',
          data: { product: 'KRE', sessionId: 's2', userId: 'u1', machineId: 'm1', licenseType: 'offline', licenseSource: 'account' },
        },
      ]);
  });
});

describe('HeartbeatSession / EndSession', () => {
  const open = [...licensed, start('s1', 'u1', '2026-03-02T10:00:00Z')];

  it('a heartbeat is recorded; an end records endedAt = at and frees the unit', () => {
    given(open)
      .when(heartbeat('s1', '2026-03-02T10:10:00Z'))
      .then([{ type: 'SessionHeartbeatRecorded', data: { sessionId: 's1', product: 'KRE' } }]);
    const state = given(open)
      .when(end('s1', '2026-03-02T10:12:00Z'))
      .then([{ type: 'SessionEnded', data: { sessionId: 's1', product: 'KRE', endedAt: '2026-03-02T10:12:00Z' } }]);
    expect(pools(state, 'KRE', '2026-03-02T10:12:00Z').account.used).toBe(0);
    expect(state.sessions.has('s1')).toBe(false);
    expect(state.endedSessions.has('s1')).toBe(true);
  });

  it('unknown session: NOT_FOUND', () => {
    given(open).when(heartbeat('s9', '2026-03-02T10:10:00Z')).thenRejects('NOT_FOUND');
    given(open).when(end('s9', '2026-03-02T10:10:00Z')).thenRejects('NOT_FOUND');
  });

  it('ended session: SESSION_NOT_OPEN for heartbeat and end', () => {
    const ended = [...open, end('s1', '2026-03-02T10:05:00Z')];
    given(ended).when(heartbeat('s1', '2026-03-02T10:06:00Z')).thenRejects('SESSION_NOT_OPEN', 'has ended');
    given(ended).when(end('s1', '2026-03-02T10:06:00Z')).thenRejects('SESSION_NOT_OPEN');
  });
});

describe('the lease (900 s by default, in business time)', () => {
  const open = [...licensed, start('s1', 'u1', '2026-03-02T10:00:00Z')];

  it('heartbeats just before lastSeen + lease keep the session open; each extends it', () => {
    given(open).when(heartbeat('s1', '2026-03-02T10:14:59.999Z')).thenAccepted();
    given(open, heartbeat('s1', '2026-03-02T10:10:00Z')).when(heartbeat('s1', '2026-03-02T10:24:59Z')).thenAccepted();
  });

  it('no heartbeat for a whole lease: heartbeat and end at or after lastSeen + lease are SESSION_NOT_OPEN, appending nothing', () => {
    given(open).when(heartbeat('s1', '2026-03-02T10:15:00Z')).thenRejects('SESSION_NOT_OPEN', 'expired');
    given(open).when(end('s1', '2026-03-02T11:00:00Z')).thenRejects('SESSION_NOT_OPEN');
    given(open, heartbeat('s1', '2026-03-02T10:10:00Z')).when(end('s1', '2026-03-02T10:25:00Z')).thenRejects('SESSION_NOT_OPEN');
  });

  it('the next accepted command appends SessionExpired first, with endedAt = lastSeen + lease', () => {
    const beat = [...open, heartbeat('s1', '2026-03-02T10:10:00Z')];
    const state = given(beat)
      .when(cmd('RecordActivity', '2026-03-02T11:00:00Z', { product: 'KRE', userId: 'u2', action: 'run' }))
      .then([
        { type: 'SessionExpired', data: { sessionId: 's1', product: 'KRE', endedAt: '2026-03-02T10:25:00.000Z' } },
        { type: 'UserActivityRecorded', data: { product: 'KRE', userId: 'u2', action: 'run' } },
      ]);
    expect(state.expiredSessions.has('s1')).toBe(true);
    expect(state.sessions.size).toBe(0);
    // Once expired by event, it stays not open.
    given(beat, cmd('RecordActivity', '2026-03-02T11:00:00Z', { product: 'KRE', userId: 'u2', action: 'run' }))
      .when(heartbeat('s1', '2026-03-02T11:01:00Z'))
      .thenRejects('SESSION_NOT_OPEN');
  });

  it('a lapsed session holds no unit even before SessionExpired is appended (capacity 1)', () => {
    const kre1 = [
      ...directory,
      cmd('PurchaseLicenses', '2026-03-01T01:00:00Z', {
        purchaseId: 'p1',
        product: 'KRE',
        quantity: 1,
        startsAt: '2026-03-01T00:00:00Z',
        expiresAt: '2026-04-01T00:00:00Z',
      }),
      start('s1', 'u1', '2026-03-02T10:00:00Z'),
      heartbeat('s1', '2026-03-02T10:10:00Z'),
    ];
    given(kre1)
      .when(start('s2', 'u2', '2026-03-02T10:24:59Z'))
      .thenDenied('CONCURRENCY_LIMIT_REACHED', 'SessionDenied');
    given(kre1)
      .when(start('s2', 'u2', '2026-03-02T10:25:00Z', 'm2'))
      .then([
        { type: 'SessionExpired', data: { sessionId: 's1', product: 'KRE', endedAt: '2026-03-02T10:25:00.000Z' } },
        { type: 'MachineRegistered', data: { product: 'KRE', machineId: 'm2', userId: 'u2' } },
        {
          type: 'SessionStarted',
          data: { product: 'KRE', sessionId: 's2', userId: 'u2', machineId: 'm2', licenseType: 'online', licenseSource: 'account' },
        },
      ]);
  });

  it('a denial appends the lapsed sessions’ SessionExpired before its SessionDenied', () => {
    const kre1 = [
      ...directory,
      cmd('PurchaseLicenses', '2026-03-01T01:00:00Z', {
        purchaseId: 'p1',
        product: 'KRE',
        quantity: 1,
        startsAt: '2026-03-01T00:00:00Z',
        expiresAt: '2026-04-01T00:00:00Z',
      }),
      start('s1', 'u1', '2026-03-02T10:00:00Z'),
      start('k1', 'u2', '2026-03-02T10:20:00Z', 'mk', 'KRE'),
    ];
    // s1 (lapsed at 10:15) is gone by 10:20, so k1 took the only unit; s3 at 10:30 is denied.
    const outcome = given(kre1).when(start('s3', 'u3', '2026-03-02T10:30:00Z'));
    outcome.thenDenied('CONCURRENCY_LIMIT_REACHED', 'SessionDenied');
    expect(outcome.decision.events.map((e) => e.type)).toEqual(['SessionDenied']);
    // And if k1 has lapsed too (10:35), it is expired before the new start is decided.
    given(kre1)
      .when(start('s3', 'u3', '2026-03-02T10:35:00Z'))
      .thenAccepted();
  });

  it('ExpireSessions (the reaper) appends SessionExpired for every lapsed session and nothing else', () => {
    const two = [...open, start('s2', 'u2', '2026-03-02T10:05:00Z'), heartbeat('s2', '2026-03-02T10:14:00Z')];
    given(two)
      .when(cmd('ExpireSessions', '2026-03-02T10:20:00Z'))
      .then([{ type: 'SessionExpired', data: { sessionId: 's1', product: 'KRE', endedAt: '2026-03-02T10:15:00.000Z' } }]);
    given(two)
      .when(cmd('ExpireSessions', '2026-03-02T10:30:00Z'))
      .then([
        { type: 'SessionExpired', data: { sessionId: 's1', product: 'KRE', endedAt: '2026-03-02T10:15:00.000Z' } },
        { type: 'SessionExpired', data: { sessionId: 's2', product: 'KRE', endedAt: '2026-03-02T10:29:00.000Z' } },
      ]);
    given(two).when(cmd('ExpireSessions', '2026-03-02T10:14:00Z')).then([]);
  });

  it('honours another lease length (60 s)', () => {
    given(open).when(heartbeat('s1', '2026-03-02T10:00:59Z'), { leaseMs: 60_000 }).thenAccepted();
    given(open).when(heartbeat('s1', '2026-03-02T10:01:00Z'), { leaseMs: 60_000 }).thenRejects('SESSION_NOT_OPEN');
  });

  it('KSE sessions lapse too', () => {
    const kse = [
      ...licensed,
      cmd('AssignSeat', '2026-03-02T09:00:00Z', { product: 'KSE', userId: 'u1' }),
      start('k1', 'u1', '2026-03-02T10:00:00Z', 'm1', 'KSE'),
    ];
    given(kse)
      .when(cmd('ExpireSessions', '2026-03-02T10:15:00Z'))
      .then([{ type: 'SessionExpired', data: { sessionId: 'k1', product: 'KSE', endedAt: '2026-03-02T10:15:00.000Z' } }]);
  });
});

describe('back-to-back sessions (half-open intervals)', () => {
  const kre1 = [
    ...directory,
    cmd('PurchaseLicenses', '2026-03-01T01:00:00Z', {
      purchaseId: 'p1',
      product: 'KRE',
      quantity: 1,
      startsAt: '2026-03-01T00:00:00Z',
      expiresAt: '2026-04-01T00:00:00Z',
    }),
  ];

  it('a session that ends at t and one that starts at t never overlap (capacity 1)', () => {
    const first = [...kre1, start('s1', 'u1', '2026-03-02T10:00:00Z', 'm1'), heartbeat('s1', '2026-03-02T10:10:00Z')];
    given(first)
      .when(start('s2', 'u2', '2026-03-02T10:11:00Z', 'm1'))
      .thenDenied('CONCURRENCY_LIMIT_REACHED', 'SessionDenied');
    given(first, end('s1', '2026-03-02T10:11:00Z'))
      .when(start('s2', 'u2', '2026-03-02T10:11:00Z', 'm1'))
      .then([
        {
          type: 'SessionStarted',
          data: { product: 'KRE', sessionId: 's2', userId: 'u2', machineId: 'm1', licenseType: 'online', licenseSource: 'account' },
        },
      ]);
  });
});
