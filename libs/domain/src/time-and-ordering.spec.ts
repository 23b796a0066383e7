import { event } from './events.js';
import { cmd, given } from './testing/decider-spec.js';

/** SPEC §2: business time never goes backwards in the stream; `at` at most 5 minutes in the future. */

const directory = [
  cmd('OpenAccount', '2026-01-05T13:00:00Z', { name: 'Acme', timezone: 'UTC' }),
  cmd('CreateOrganization', '2026-01-05T13:01:00Z', { orgId: 'qa', name: 'QA' }),
  cmd('RegisterUser', '2026-01-05T13:02:00Z', { userId: 'u1', email: 'u1@acme.example', fullName: 'User One', orgId: 'qa' }),
];
const activity = (at: string) => cmd('RecordActivity', at, { product: 'KSE', userId: 'u1', action: 'run' });

describe('OUT_OF_ORDER', () => {
  it('refuses a command earlier than the latest event, appending nothing', () => {
    const error = given(directory).when(activity('2026-01-05T13:01:59.999Z')).thenRejects('OUT_OF_ORDER', '2026-01-05T13:02:00.000Z');
    expect(error.errors).toEqual([expect.objectContaining({ path: 'at' })]);
  });

  it('accepts a command at the same instant as the latest event', () => {
    given(directory).when(activity('2026-01-05T13:02:00Z')).thenAccepted();
  });

  it('applies to every command, whatever the entity: an organization created before the latest user is refused', () => {
    given(directory)
      .when(cmd('CreateOrganization', '2026-01-05T13:01:30Z', { orgId: 'dev', name: 'Dev' }))
      .thenRejects('OUT_OF_ORDER');
  });

  it('recorded denials move the stream’s time too', () => {
    const denied = event(
      'SessionDenied',
      {
        product: 'KRE',
        sessionId: 's1',
        userId: 'u1',
        machineId: 'm1',
        reason: 'CONCURRENCY_LIMIT_REACHED',
        licenseSource: 'account',
      },
      '2026-01-06T10:00:00Z',
    );
    given(directory, denied).when(activity('2026-01-06T09:59:59Z')).thenRejects('OUT_OF_ORDER');
  });
});

describe('the future limit: at most 5 minutes after now', () => {
  it('accepts at = now + 5 min exactly and refuses 1 ms more (VALIDATION_FAILED)', () => {
    given(directory).when(activity('2026-01-06T10:05:00Z'), { now: '2026-01-06T10:00:00Z' }).thenAccepted();
    const error = given(directory)
      .when(activity('2026-01-06T10:05:00.001Z'), { now: '2026-01-06T10:00:00Z' })
      .thenRejects('VALIDATION_FAILED', '5 minutes');
    expect(error.errors).toEqual([expect.objectContaining({ path: 'at' })]);
    expect(error.status).toBe(400);
  });

  it('applies before any other rule, even on an unknown account', () => {
    given()
      .when(cmd('CreateOrganization', '2026-01-06T11:00:00Z', { orgId: 'qa', name: 'QA' }), { now: '2026-01-06T10:00:00Z' })
      .thenRejects('VALIDATION_FAILED');
  });

  it('a past at (history) is fine', () => {
    given(directory).when(activity('2026-01-06T10:00:00Z'), { now: '2026-06-01T00:00:00Z' }).thenAccepted();
  });

  it('an at that is not an instant is VALIDATION_FAILED', () => {
    given(directory).when(activity('yesterday')).thenRejects('VALIDATION_FAILED');
  });
});

describe('unknown account', () => {
  it('every command but OpenAccount is NOT_FOUND on an empty stream', () => {
    const error = given().when(activity('2026-01-06T10:00:00Z')).thenRejects('NOT_FOUND', "account 'acme' does not exist");
    expect(error.status).toBe(404);
  });
});
