import { cmd, given, pools } from './testing/decider-spec.js';

/** SPEC §3: account, organizations, users, projects; MoveUser and UNITS_HELD. */

const open = cmd('OpenAccount', '2026-01-05T13:00:00Z', { name: 'Acme', timezone: 'America/New_York' });
const qa = cmd('CreateOrganization', '2026-01-05T13:01:00Z', { orgId: 'qa', name: 'QA' });
const mobile = cmd('CreateOrganization', '2026-01-05T13:02:00Z', { orgId: 'mobile', name: 'Mobile', parentOrgId: 'qa' });
const dev = cmd('CreateOrganization', '2026-01-05T13:03:00Z', { orgId: 'dev', name: 'Dev' });
const u1 = cmd('RegisterUser', '2026-01-05T13:04:00Z', { userId: 'u1', email: 'u1@acme.example', fullName: 'User One', orgId: 'qa' });
const directory = [open, qa, mobile, dev, u1];

describe('OpenAccount', () => {
  it('opens the account with its name and zone', () => {
    const state = given()
      .when(open)
      .then([{ type: 'AccountOpened', data: { accountId: 'acme', name: 'Acme', timezone: 'America/New_York' } }]);
    expect(state.opened).toBe(true);
    expect(state.timezone).toBe('America/New_York');
  });

  it('refuses an account that exists (ALREADY_EXISTS)', () => {
    given(open)
      .when(cmd('OpenAccount', '2026-01-05T13:05:00Z', { name: 'Acme 2', timezone: 'UTC' }))
      .thenRejects('ALREADY_EXISTS', "'acme'");
  });

  it('refuses a zone that is not IANA (VALIDATION_FAILED)', () => {
    const error = given()
      .when(cmd('OpenAccount', '2026-01-05T13:00:00Z', { name: 'Acme', timezone: 'Mars/Olympus_Mons' }))
      .thenRejects('VALIDATION_FAILED');
    expect(error.errors).toEqual([expect.objectContaining({ path: 'timezone' })]);
  });

  it('any other command on an account that was never opened is NOT_FOUND', () => {
    given().when(qa).thenRejects('NOT_FOUND', "account 'acme'");
    given()
      .when(cmd('RevokeOfflineLicense', '2026-01-05T13:00:00Z', { product: 'KSE', machineId: 'm1' }))
      .thenRejects('NOT_FOUND');
  });
});

describe('ChangeAccountTimezone', () => {
  it('records the new and the previous zone', () => {
    const state = given(open)
      .when(cmd('ChangeAccountTimezone', '2026-02-01T00:00:00Z', { timezone: 'Europe/Paris' }))
      .then([{ type: 'AccountTimezoneChanged', data: { timezone: 'Europe/Paris', previousTimezone: 'America/New_York' } }]);
    expect(state.timezone).toBe('Europe/Paris');
  });

  it('refuses a bad zone (VALIDATION_FAILED)', () => {
    given(open)
      .when(cmd('ChangeAccountTimezone', '2026-02-01T00:00:00Z', { timezone: 'Europe/Atlantis' }))
      .thenRejects('VALIDATION_FAILED');
  });
});

describe('CreateOrganization', () => {
  it('creates a top-level organization (parentOrgId null) and a child', () => {
    given(open)
      .when(qa)
      .then([{ type: 'OrganizationCreated', data: { orgId: 'qa', name: 'QA', parentOrgId: null } }]);
    given(open, qa)
      .when(mobile)
      .then([{ type: 'OrganizationCreated', data: { orgId: 'mobile', name: 'Mobile', parentOrgId: 'qa' } }]);
  });

  it('refuses an unknown parent (NOT_FOUND) and a duplicate id (ALREADY_EXISTS)', () => {
    given(open).when(mobile).thenRejects('NOT_FOUND', "organization 'qa'");
    given(open, qa)
      .when(cmd('CreateOrganization', '2026-01-05T13:05:00Z', { orgId: 'qa', name: 'Other' }))
      .thenRejects('ALREADY_EXISTS');
  });
});

describe('RegisterUser', () => {
  it('registers a user in an organization', () => {
    const state = given(open, qa)
      .when(u1)
      .then([{ type: 'UserRegistered', data: { userId: 'u1', email: 'u1@acme.example', fullName: 'User One', orgId: 'qa' } }]);
    expect(state.users.get('u1')?.orgId).toBe('qa');
  });

  it('refuses an unknown organization (NOT_FOUND)', () => {
    given(open).when(u1).thenRejects('NOT_FOUND', "organization 'qa'");
  });

  it('refuses a duplicate id and a duplicate email, whatever its case (ALREADY_EXISTS)', () => {
    given(directory)
      .when(cmd('RegisterUser', '2026-01-05T14:00:00Z', { userId: 'u1', email: 'other@acme.example', fullName: 'X', orgId: 'qa' }))
      .thenRejects('ALREADY_EXISTS', "user 'u1'");
    given(directory)
      .when(cmd('RegisterUser', '2026-01-05T14:00:00Z', { userId: 'u9', email: 'U1@ACME.example', fullName: 'X', orgId: 'qa' }))
      .thenRejects('ALREADY_EXISTS', 'email');
  });
});

describe('CreateProject / AddUserToProject', () => {
  const project = cmd('CreateProject', '2026-01-05T14:00:00Z', { projectId: 'web', name: 'Web', orgId: 'qa' });

  it('creates a project in an organization and adds a user', () => {
    given(directory)
      .when(project)
      .then([{ type: 'ProjectCreated', data: { projectId: 'web', name: 'Web', orgId: 'qa' } }]);
    const state = given(directory, project)
      .when(cmd('AddUserToProject', '2026-01-05T14:01:00Z', { projectId: 'web', userId: 'u1' }))
      .then([{ type: 'UserAddedToProject', data: { projectId: 'web', userId: 'u1' } }]);
    expect([...state.projects.get('web')!.members]).toEqual(['u1']);
  });

  it('refuses an unknown organization, a duplicate project, unknown ids', () => {
    given(directory)
      .when(cmd('CreateProject', '2026-01-05T14:00:00Z', { projectId: 'web', name: 'Web', orgId: 'nope' }))
      .thenRejects('NOT_FOUND');
    given(directory, project).when(project).thenRejects('ALREADY_EXISTS');
    given(directory, project)
      .when(cmd('AddUserToProject', '2026-01-05T14:01:00Z', { projectId: 'api', userId: 'u1' }))
      .thenRejects('NOT_FOUND', "project 'api'");
    given(directory, project)
      .when(cmd('AddUserToProject', '2026-01-05T14:01:00Z', { projectId: 'web', userId: 'u9' }))
      .thenRejects('NOT_FOUND', "user 'u9'");
  });

  it('adding a member twice is ALREADY_EXISTS (implementation choice)', () => {
    const add = cmd('AddUserToProject', '2026-01-05T14:01:00Z', { projectId: 'web', userId: 'u1' });
    given(directory, project, add).when(add).thenRejects('ALREADY_EXISTS');
  });
});

describe('MoveUser', () => {
  const kse = cmd('PurchaseLicenses', '2026-01-05T14:00:00Z', {
    purchaseId: 'p1',
    product: 'KSE',
    quantity: 5,
    startsAt: '2026-01-01T00:00:00Z',
    expiresAt: '2027-01-01T00:00:00Z',
  });
  const kre = cmd('PurchaseLicenses', '2026-01-05T14:01:00Z', {
    purchaseId: 'p2',
    product: 'KRE',
    quantity: 2,
    startsAt: '2026-01-01T00:00:00Z',
    expiresAt: '2027-01-01T00:00:00Z',
  });
  const dedicateQa = cmd('DedicateLicenses', '2026-01-05T15:00:00Z', { product: 'KSE', orgId: 'qa', quantity: 3 });
  const dedicateQaKre = cmd('DedicateLicenses', '2026-01-05T15:01:00Z', { product: 'KRE', orgId: 'qa', quantity: 1 });
  const seatU1 = cmd('AssignSeat', '2026-01-06T13:00:00Z', { product: 'KSE', userId: 'u1' });
  const licensed = [...directory, kse, kre, dedicateQa, dedicateQaKre];

  it('moves a user without units anywhere, recording where from', () => {
    const state = given(licensed)
      .when(cmd('MoveUser', '2026-01-07T00:00:00Z', { userId: 'u1', orgId: 'dev' }))
      .then([{ type: 'UserMoved', data: { userId: 'u1', fromOrgId: 'qa', orgId: 'dev' } }]);
    expect(state.users.get('u1')?.orgId).toBe('dev');
  });

  it('refuses unknown user or organization (NOT_FOUND), and a move to the same organization (VALIDATION_FAILED)', () => {
    given(licensed)
      .when(cmd('MoveUser', '2026-01-07T00:00:00Z', { userId: 'u9', orgId: 'dev' }))
      .thenRejects('NOT_FOUND');
    given(licensed)
      .when(cmd('MoveUser', '2026-01-07T00:00:00Z', { userId: 'u1', orgId: 'ops' }))
      .thenRejects('NOT_FOUND');
    given(licensed)
      .when(cmd('MoveUser', '2026-01-07T00:00:00Z', { userId: 'u1', orgId: 'qa' }))
      .thenRejects('VALIDATION_FAILED');
  });

  it('refuses to move a seat holder whose license source would change (qa → account): UNITS_HELD', () => {
    given(licensed, seatU1)
      .when(cmd('MoveUser', '2026-01-07T00:00:00Z', { userId: 'u1', orgId: 'dev' }))
      .thenRejects('UNITS_HELD', 'KSE');
  });

  it('moves a seat holder when the source stays the same (qa → mobile, both drawn from qa); the unit follows', () => {
    const state = given(licensed, seatU1)
      .when(cmd('MoveUser', '2026-01-07T00:00:00Z', { userId: 'u1', orgId: 'mobile' }))
      .then([{ type: 'UserMoved', data: { userId: 'u1', fromOrgId: 'qa', orgId: 'mobile' } }]);
    expect(pools(state, 'KSE', '2026-01-07T00:00:00Z').qa).toMatchObject({ pool: 3, used: 1, available: 2 });
    // Dedicating to mobile now moves the unit there: mobile uses 1 and qa none.
    const after = given(licensed, seatU1, cmd('MoveUser', '2026-01-07T00:00:00Z', { userId: 'u1', orgId: 'mobile' }))
      .when(cmd('DedicateLicenses', '2026-01-07T00:01:00Z', { product: 'KSE', orgId: 'mobile', quantity: 1 }))
      .thenAccepted();
    expect(pools(after, 'KSE', '2026-01-07T00:01:00Z')).toMatchObject({
      qa: { pool: 2, used: 0, available: 2 },
      mobile: { pool: 1, used: 1, available: 0 },
    });
  });

  it('moves a seat holder between two undedicated organizations (account → account)', () => {
    const ops = cmd('CreateOrganization', '2026-01-05T16:00:00Z', { orgId: 'ops', name: 'Ops' });
    const u2 = cmd('RegisterUser', '2026-01-05T16:01:00Z', { userId: 'u2', email: 'u2@acme.example', fullName: 'User Two', orgId: 'dev' });
    given(licensed, ops, u2, cmd('AssignSeat', '2026-01-06T13:00:00Z', { product: 'KSE', userId: 'u2' }))
      .when(cmd('MoveUser', '2026-01-07T00:00:00Z', { userId: 'u2', orgId: 'ops' }))
      .then([{ type: 'UserMoved', data: { userId: 'u2', fromOrgId: 'dev', orgId: 'ops' } }]);
  });

  it('an open session drawing from qa blocks the move; once ended it does not', () => {
    const start = cmd('StartSession', '2026-01-06T14:00:00Z', { product: 'KRE', sessionId: 's1', userId: 'u1', machineId: 'm1' });
    const move = cmd('MoveUser', '2026-01-06T14:05:00Z', { userId: 'u1', orgId: 'dev' });
    given(licensed, start).when(move).thenRejects('UNITS_HELD', 'KRE');
    given(licensed, start, cmd('EndSession', '2026-01-06T14:04:00Z', { sessionId: 's1' }))
      .when(move)
      .thenAccepted();
  });

  it('a session whose lease lapsed holds no unit: the move is accepted and the session expired first', () => {
    const start = cmd('StartSession', '2026-01-06T14:00:00Z', { product: 'KRE', sessionId: 's1', userId: 'u1', machineId: 'm1' });
    given(licensed, start)
      .when(cmd('MoveUser', '2026-01-06T14:15:00Z', { userId: 'u1', orgId: 'dev' }))
      .then([
        { type: 'SessionExpired', data: { sessionId: 's1', product: 'KRE', endedAt: '2026-01-06T14:15:00.000Z' } },
        { type: 'UserMoved', data: { userId: 'u1', fromOrgId: 'qa', orgId: 'dev' } },
      ]);
  });

  it('an unexpired offline license blocks the move until it expires', () => {
    const offline = cmd('GenerateOfflineLicense', '2026-01-06T14:00:00Z', {
      product: 'KSE',
      userId: 'u1',
      machineId: 'm1',
      expiresAt: '2026-02-01T00:00:00Z',
    });
    given(licensed, offline)
      .when(cmd('MoveUser', '2026-01-31T23:59:59Z', { userId: 'u1', orgId: 'dev' }))
      .thenRejects('UNITS_HELD');
    given(licensed, offline)
      .when(cmd('MoveUser', '2026-02-01T00:00:00Z', { userId: 'u1', orgId: 'dev' }))
      .thenAccepted();
  });
});
