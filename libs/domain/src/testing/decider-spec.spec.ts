import { cmd, given } from './decider-spec.js';

/** The helper must fail when the behaviour differs, or the specs built on it prove nothing. */
describe('decider-spec helper', () => {
  const open = cmd('OpenAccount', '2026-01-05T13:00:00Z', { name: 'Acme', timezone: 'UTC' });
  const qa = cmd('CreateOrganization', '2026-01-05T13:01:00Z', { orgId: 'qa', name: 'QA' });

  it('fails loudly when a given command is rejected', () => {
    const duplicate = cmd('CreateOrganization', '2026-01-05T13:02:00Z', { orgId: 'qa', name: 'QA again' });
    expect(() =>
      given(open, qa, duplicate).when(cmd('RecordActivity', '2026-01-05T14:00:00Z', { product: 'KSE', userId: 'u1', action: 'x' })),
    ).toThrow(/history entry #3 \(CreateOrganization.*ALREADY_EXISTS/);
  });

  it('then() fails on a rejected command and on different events', () => {
    const create = cmd('CreateOrganization', '2026-01-05T13:02:00Z', { orgId: 'dev', name: 'Dev' });
    expect(() =>
      given(open, qa)
        .when(cmd('CreateOrganization', '2026-01-05T13:02:00Z', { orgId: 'qa', name: 'QA' }))
        .then([]),
    ).toThrow(/to be accepted, but: ALREADY_EXISTS/);
    expect(() =>
      given(open, qa)
        .when(create)
        .then([{ type: 'OrganizationCreated', data: { orgId: 'dev', name: 'Dev', parentOrgId: 'qa' } }]),
    ).toThrow();
    expect(() =>
      given(open, qa)
        .when(create)
        .then([{ type: 'OrganizationCreated', data: { orgId: 'dev', name: 'Dev', parentOrgId: null }, occurredAt: '2026-01-05T13:03:00Z' }]),
    ).toThrow();
    const state = given(open, qa)
      .when(create)
      .then([{ type: 'OrganizationCreated', data: { orgId: 'dev', name: 'Dev', parentOrgId: null } }]);
    expect(state.orgs.get('dev')).toEqual({ orgId: 'dev', name: 'Dev', parentOrgId: null });
  });

  it('thenRejects() fails on acceptance, on another code and on another message', () => {
    const duplicate = cmd('CreateOrganization', '2026-01-05T13:02:00Z', { orgId: 'qa', name: 'QA' });
    expect(() => given(open).when(duplicate).thenRejects('ALREADY_EXISTS')).toThrow(/accepted/);
    expect(() => given(open, qa).when(duplicate).thenRejects('NOT_FOUND')).toThrow(/expected NOT_FOUND, got ALREADY_EXISTS/);
    expect(() => given(open, qa).when(duplicate).thenRejects('ALREADY_EXISTS', 'no such words')).toThrow(/to contain/);
    expect(given(open, qa).when(duplicate).thenRejects('ALREADY_EXISTS', "organization 'qa'").code).toBe('ALREADY_EXISTS');
  });

  it('thenDenied() fails on a plain rejection (nothing recorded)', () => {
    const start = cmd('StartSession', '2026-01-05T14:00:00Z', { product: 'KRE', sessionId: 's1', userId: 'nobody', machineId: 'm1' });
    expect(() => given(open).when(start).thenDenied('NOT_FOUND', 'SessionDenied')).toThrow(/exactly one SessionDenied/);
  });

  it('when() defaults now to the command time and honours an explicit now', () => {
    const future = cmd('CreateOrganization', '2026-01-05T14:00:00Z', { orgId: 'dev', name: 'Dev' });
    given(open).when(future).thenAccepted();
    given(open).when(future, { now: '2026-01-05T13:54:59.999Z' }).thenRejects('VALIDATION_FAILED');
  });
});
