import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { loadConfig } from '../../../platform/src/config.js';
import { replaySettings, replayThreadCount, replayThreadsFor } from './application-replays.js';

describe('where replays run', () => {
  // Any script that exists stands for the compiled replay thread (nothing is started here).
  const script = new URL(import.meta.url);
  const postgres = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test', REPLAY_CONCURRENCY: '8' };
  const threadsFor = (env: Record<string, string>, at: URL = script) => {
    const config = loadConfig(env);
    return replayThreadsFor(config, replaySettings(config), at);
  };

  test.each([
    [8, 2, 1],
    [8, 8, 7],
    [2, 8, 2],
    [1, 1, 1],
    [3, 16, 3],
  ])('REPLAY_CONCURRENCY %i on %i cores: %i replay threads (one core stays for the requests)', (concurrency, cores, threads) => {
    expect(replayThreadCount(concurrency, cores)).toBe(threads);
  });

  test('with PostgreSQL holding the events: on threads, as many as the cores and REPLAY_CONCURRENCY allow', () => {
    expect(threadsFor(postgres)?.size).toBe(replayThreadCount(8, availableParallelism()));
  });

  test('REPLAY_THREADS=off, the embedded store, or no compiled script: in the calling thread', () => {
    expect(threadsFor({ ...postgres, REPLAY_THREADS: 'off' })).toBeNull();
    expect(threadsFor({ REPLAY_CONCURRENCY: '8' })).toBeNull();
    expect(threadsFor(postgres, new URL('./no-such-script.js', script))).toBeNull();
    expect(fileURLToPath(script)).toMatch(/application-replays\.spec\.ts$/);
  });

  test('the settings every replay reads: SESSION_LEASE_SECONDS, ACTIVITY_ACTIONS', () => {
    expect(replaySettings(loadConfig({ SESSION_LEASE_SECONDS: '60', ACTIVITY_ACTIONS: 'run,open' }))).toEqual({
      leaseMs: 60_000,
      activityActions: ['open', 'run'],
    });
    expect(replaySettings()).toEqual({ leaseMs: 900_000, activityActions: null });
  });
});
