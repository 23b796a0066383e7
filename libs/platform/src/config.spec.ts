import { DEFAULT_SNAPSHOT_EVERY_EVENTS, loadConfig } from './config.js';

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

describe('loadConfig: PROJECTOR_PARTITIONS', () => {
  const DATABASE_URL = 'postgres://127.0.0.1/test';
  test('unset: not split; with DATABASE_URL, 1 to 64 partitions', () => {
    expect(loadConfig({}).projectorPartitions).toBeUndefined();
    expect(loadConfig({ DATABASE_URL, PROJECTOR_PARTITIONS: '4' }).projectorPartitions).toBe(4);
    expect(loadConfig({ PROJECTOR_PARTITIONS: '1' }).projectorPartitions).toBe(1);
  });

  test('more than one partition without PostgreSQL, over 64, or not a positive whole number: refused naming the variable', () => {
    expect(() => loadConfig({ PROJECTOR_PARTITIONS: '2' })).toThrow('PROJECTOR_PARTITIONS=2 needs DATABASE_URL');
    expect(() => loadConfig({ DATABASE_URL, PROJECTOR_PARTITIONS: '65' })).toThrow('PROJECTOR_PARTITIONS must be at most 64, got 65');
    expect(() => loadConfig({ DATABASE_URL, PROJECTOR_PARTITIONS: '0' })).toThrow('PROJECTOR_PARTITIONS must be a positive whole number, got "0"');
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

describe('loadConfig: SNAPSHOT_EVERY_EVENTS', () => {
  test('unset: the default cadence; a whole number: events between snapshots; 0: none written', () => {
    expect(loadConfig({}).snapshotEveryEvents).toBe(DEFAULT_SNAPSHOT_EVERY_EVENTS);
    expect(loadConfig({ SNAPSHOT_EVERY_EVENTS: '2500' }).snapshotEveryEvents).toBe(2500);
    expect(loadConfig({ SNAPSHOT_EVERY_EVENTS: '0' }).snapshotEveryEvents).toBe(0);
  });

  test.each(['-1', '1.5', 'often'])('%j is refused, naming the variable', (value) => {
    expect(() => loadConfig({ SNAPSHOT_EVERY_EVENTS: value })).toThrow(`SNAPSHOT_EVERY_EVENTS must be a whole number (0 or more), got "${value}"`);
  });
});

describe('loadConfig: the service settings', () => {
  test('defaults', () => {
    expect(loadConfig({}).service).toEqual({
      logLevel: 'info',
      logFormat: undefined,
      rateLimitRequests: 1200,
      rateLimitWindowSeconds: 60,
      replayConcurrency: 2,
      replayThreads: true,
      importMaxLineBytes: 1024 * 1024,
      compression: true,
    });
  });

  test('from the environment', () => {
    expect(
      loadConfig({
        LOG_LEVEL: 'WARN',
        LOG_FORMAT: 'json',
        RATE_LIMIT_REQUESTS: '0',
        RATE_LIMIT_WINDOW_SECONDS: '10',
        REPLAY_CONCURRENCY: '4',
        REPLAY_THREADS: 'off',
        IMPORT_MAX_LINE_BYTES: '4096',
        HTTP_COMPRESSION: 'off',
      }).service,
    ).toEqual({
      logLevel: 'warn',
      logFormat: 'json',
      rateLimitRequests: 0,
      rateLimitWindowSeconds: 10,
      replayConcurrency: 4,
      replayThreads: false,
      importMaxLineBytes: 4096,
      compression: false,
    });
  });

  test.each([
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    [{ LOG_FORMAT: 'xml' }, 'LOG_FORMAT must be one of json, pretty, got "xml"'],
    [{ RATE_LIMIT_REQUESTS: '-1' }, 'RATE_LIMIT_REQUESTS must be a whole number (0 or more), got "-1"'],
    [{ REPLAY_CONCURRENCY: '0' }, 'REPLAY_CONCURRENCY must be a positive whole number, got "0"'],
    [{ REPLAY_THREADS: 'yes' }, 'REPLAY_THREADS must be one of on, off, got "yes"'],
    [{ HTTP_COMPRESSION: 'maybe' }, 'HTTP_COMPRESSION must be one of on, off, got "maybe"'],
  ])('%j is refused, naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
