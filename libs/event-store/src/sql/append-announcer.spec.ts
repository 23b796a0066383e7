import { AppendAnnouncer } from './append-announcer.js';

/** Under native ESM, jest's object (for its fake timers) is on import.meta rather than a global. */
const timers = (import.meta as unknown as { jest: typeof jest }).jest;

describe('AppendAnnouncer', () => {
  beforeEach(() => timers.useFakeTimers());
  afterEach(() => timers.useRealTimers());

  function counting(intervalMs = 10): { announcer: AppendAnnouncer; sent: () => number } {
    let sent = 0;
    const announcer = new AppendAnnouncer(async () => sent++, intervalMs);
    return { announcer, sent: () => sent };
  }

  test('announces the first append at once', () => {
    const { announcer, sent } = counting();
    announcer.announce();
    expect(sent()).toBe(1);
  });

  test('announces a burst of appends once at its start and once when the interval ends, never more often', () => {
    const { announcer, sent } = counting(10);
    for (let i = 0; i < 100; i++) announcer.announce();
    expect(sent()).toBe(1);
    timers.advanceTimersByTime(9);
    expect(sent()).toBe(1);
    timers.advanceTimersByTime(1);
    expect(sent()).toBe(2);
    timers.advanceTimersByTime(100);
    expect(sent()).toBe(2);
  });

  test('an append during the interval is announced when it ends, so the last append is never left unannounced', () => {
    const { announcer, sent } = counting(10);
    announcer.announce();
    timers.advanceTimersByTime(4);
    announcer.announce();
    expect(sent()).toBe(1);
    timers.advanceTimersByTime(6);
    expect(sent()).toBe(2);
  });

  test('announces again at once after a quiet interval', () => {
    const { announcer, sent } = counting(10);
    announcer.announce();
    timers.advanceTimersByTime(50);
    announcer.announce();
    expect(sent()).toBe(2);
  });

  test('a failed NOTIFY is ignored (readers poll) and the next one is still sent', async () => {
    let calls = 0;
    const announcer = new AppendAnnouncer(() => (++calls === 1 ? Promise.reject(new Error('connection lost')) : Promise.resolve()), 10);
    announcer.announce();
    await Promise.resolve();
    timers.advanceTimersByTime(10);
    announcer.announce();
    expect(calls).toBe(2);
  });

  test('sends nothing once closed, not even an announcement it was holding', () => {
    const { announcer, sent } = counting(10);
    announcer.announce();
    announcer.announce();
    announcer.close();
    timers.advanceTimersByTime(100);
    announcer.announce();
    expect(sent()).toBe(1);
  });
});
