import { countsAsActivity, EVERY_ACTION, isActiveUseEvent } from './activity-rules.js';
import type { LedgerEventBody } from './event-decoding.js';

const activity = (action: string): LedgerEventBody => ({ type: 'UserActivityRecorded', data: { product: 'KSE', userId: 'u1', action } });

describe('which activity counts (ACTIVITY_ACTIONS)', () => {
  test('unset: every action counts', () => {
    expect(countsAsActivity('opened-project', EVERY_ACTION)).toBe(true);
    expect(isActiveUseEvent(activity('anything'), EVERY_ACTION)).toBe(true);
  });

  test('a list: only the listed actions count, matched exactly', () => {
    const actions = ['run-test', 'edit-script'];
    expect(countsAsActivity('run-test', actions)).toBe(true);
    expect(countsAsActivity('Run-Test', actions)).toBe(false);
    expect(countsAsActivity('opened-project', actions)).toBe(false);
    expect(isActiveUseEvent(activity('opened-project'), actions)).toBe(false);
    expect(isActiveUseEvent(activity('run-test'), actions)).toBe(true);
  });

  test('logins and session starts always count; other events never do', () => {
    expect(isActiveUseEvent({ type: 'UserLoggedIn', data: { product: 'KSE', userId: 'u1', machineId: null } }, [])).toBe(true);
    const start = { product: 'KRE', sessionId: 's1', userId: 'u1', machineId: 'm1', licenseType: 'online', licenseSource: 'account' } as const;
    expect(isActiveUseEvent({ type: 'SessionStarted', data: start }, [])).toBe(true);
    expect(isActiveUseEvent({ type: 'SeatAssigned', data: { product: 'KSE', userId: 'u1', licenseSource: 'account' } }, EVERY_ACTION)).toBe(false);
    expect(isActiveUseEvent({ type: 'SeatActivated', data: { product: 'KSE', userId: 'u1' } }, EVERY_ACTION)).toBe(false);
  });
});
