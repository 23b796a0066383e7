import { loadConfig } from './config.js';

describe('loadConfig: ACTIVITY_ACTIONS', () => {
  test('unset or blank: every action counts (null)', () => {
    expect(loadConfig({}).activityActions).toBeNull();
    expect(loadConfig({ ACTIVITY_ACTIONS: '  ' }).activityActions).toBeNull();
  });

  test('a comma-separated list, trimmed, deduplicated and sorted', () => {
    expect(loadConfig({ ACTIVITY_ACTIONS: ' run-test, edit-script ,run-test' }).activityActions).toEqual(['edit-script', 'run-test']);
  });

  test.each([
    ['run-test,,edit', 'ACTIVITY_ACTIONS must list action names separated by commas; name 2 is empty'],
    ['run-test,', 'name 2 is empty'],
    [`ok,${'x'.repeat(101)}`, 'ACTIVITY_ACTIONS: name 2 is longer than 100 characters'],
    ['ok,bad\u0007name', 'ACTIVITY_ACTIONS: name 2 contains control characters'],
  ])('%j is refused, naming the variable and the rule', (value, message) => {
    expect(() => loadConfig({ ACTIVITY_ACTIONS: value })).toThrow(message);
  });
});

describe('loadConfig: REBUILD_BATCH_SIZE', () => {
  test('unset: the engine decides; a positive whole number: events per rebuild transaction', () => {
    expect(loadConfig({}).rebuildBatchSize).toBeUndefined();
    expect(loadConfig({ REBUILD_BATCH_SIZE: '500' }).rebuildBatchSize).toBe(500);
  });

  test.each(['0', '-3', '2.5', 'many'])('%j is refused, naming the variable', (value) => {
    expect(() => loadConfig({ REBUILD_BATCH_SIZE: value })).toThrow(`REBUILD_BATCH_SIZE must be a positive whole number, got "${value}"`);
  });
});
