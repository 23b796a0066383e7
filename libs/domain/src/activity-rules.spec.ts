import { countsAsActivity, EVERY_ACTION, isActiveUse } from './activity-rules.js';

describe('which activity counts (ACTIVITY_ACTIONS)', () => {
  test('unset: every action counts', () => {
    expect(countsAsActivity('opened-project', EVERY_ACTION)).toBe(true);
    expect(isActiveUse('UserActivityRecorded', { action: 'anything' }, EVERY_ACTION)).toBe(true);
  });

  test('a list: only the listed actions count, matched exactly', () => {
    const actions = ['run-test', 'edit-script'];
    expect(countsAsActivity('run-test', actions)).toBe(true);
    expect(countsAsActivity('Run-Test', actions)).toBe(false);
    expect(countsAsActivity('opened-project', actions)).toBe(false);
    expect(isActiveUse('UserActivityRecorded', { action: 'opened-project' }, actions)).toBe(false);
  });

  test('logins and session starts always count; other events never do', () => {
    expect(isActiveUse('UserLoggedIn', {}, [])).toBe(true);
    expect(isActiveUse('SessionStarted', {}, [])).toBe(true);
    expect(isActiveUse('SeatAssigned', {}, EVERY_ACTION)).toBe(false);
    expect(isActiveUse('UserActivityRecorded', {}, EVERY_ACTION)).toBe(false);
  });
});
