import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirInUseError, LOCK_FILE, lockDataDir } from './data-dir-lock.js';

describe('lockDataDir', () => {
  let dataDir: string;
  let lockPath: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ledger-lock-'));
    lockPath = join(dataDir, LOCK_FILE);
  });

  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  test('writes our pid and hostname, and removes the file on release', () => {
    const lock = lockDataDir(dataDir);
    expect(JSON.parse(readFileSync(lockPath, 'utf8'))).toMatchObject({ pid: process.pid, hostname: hostname() });
    lock.release();
    expect(existsSync(lockPath)).toBe(false);
  });

  test('refuses a directory held by a live process, naming it', () => {
    const lock = lockDataDir(dataDir);
    expect(() => lockDataDir(dataDir)).toThrow(DataDirInUseError);
    const { since } = JSON.parse(readFileSync(lockPath, 'utf8')) as { since: string };
    expect(() => lockDataDir(dataDir)).toThrow(
      `${dataDir} is in use by process ${process.pid} on host ${hostname()} (since ${since}); stop it or set LEDGER_DATA_DIR`,
    );
    lock.release();
    lockDataDir(dataDir).release();
  });

  test('takes over a lock left by a dead process on this host', () => {
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(lockPath, JSON.stringify({ pid: deadPid, hostname: hostname(), since: '2020-01-01T00:00:00Z' }));
    const lock = lockDataDir(dataDir);
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  test('takes over a lock with our own pid that this process does not hold (a restarted container)', () => {
    writeFileSync(lockPath, JSON.stringify({ pid: process.pid, hostname: hostname(), since: '2020-01-01T00:00:00Z' }));
    lockDataDir(dataDir).release();
  });

  test('refuses a lock held on another host, which it cannot check', () => {
    writeFileSync(lockPath, JSON.stringify({ pid: 1, hostname: 'elsewhere', since: '2020-01-01T00:00:00Z' }));
    expect(() => lockDataDir(dataDir)).toThrow(
      `is in use by process 1 on host elsewhere (since 2020-01-01T00:00:00Z); stop it or set LEDGER_DATA_DIR (if it is gone, delete ${lockPath})`,
    );
    expect(existsSync(lockPath)).toBe(true);
  });

  test('refuses an unreadable lock file rather than guessing', () => {
    writeFileSync(lockPath, '');
    expect(() => lockDataDir(dataDir)).toThrow('is in use by another process (unreadable lock file)');
  });

  test('release leaves a lock that is no longer ours alone', () => {
    const lock = lockDataDir(dataDir);
    writeFileSync(lockPath, JSON.stringify({ pid: 1, hostname: 'elsewhere', since: '2020-01-01T00:00:00Z' }));
    lock.release();
    expect(existsSync(lockPath)).toBe(true);
  });
});
