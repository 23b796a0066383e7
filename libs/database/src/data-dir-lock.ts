import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** Who holds a data directory: written as JSON into its lock file. */
export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  readonly since: string;
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly lockPath: string,
    readonly holder: LockHolder | null,
  ) {
    const who = holder
      ? `process ${holder.pid} on host ${holder.hostname}${holder.since ? ` (since ${holder.since})` : ''}`
      : 'another process (unreadable lock file)';
    super(`${dataDir} is in use by ${who}; stop it or set LEDGER_DATA_DIR (if it is gone, delete ${lockPath})`);
    this.name = 'DataDirInUseError';
  }
}

export const LOCK_FILE = 'ledger.lock';

/** Lock files this process holds: tells our own lock apart from one left by an earlier process with our pid. */
const heldHere = new Set<string>();

/**
 * Takes the data directory for this process: embedded PGlite is single-process. The lock file is
 * created with O_EXCL; a lock left by a dead process on this host is taken over.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  const ours = `${JSON.stringify({ pid: process.pid, hostname: hostname(), since: new Date().toISOString() })}\n`;

  // A second attempt follows the removal of a stale lock; if that races with another process, one of us loses.
  for (let attempt = 0; attempt < 2; attempt++) {
    if (createExclusively(path, ours)) {
      heldHere.add(path);
      return { path, release: () => releaseLock(path, ours) };
    }
    const existing = readIfExists(path);
    if (existing === null) continue;
    const holder = parseHolder(existing);
    if (holder === null || !isStale(holder, path)) throw new DataDirInUseError(dataDir, path, holder);
    removeIfUnchanged(path, existing);
  }
  throw new Error(`could not lock ${dataDir}: ${path} keeps changing; is another ledger starting on it?`);
}

function createExclusively(path: string, content: string): boolean {
  try {
    writeFileSync(path, content, { flag: 'wx' });
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
}

function isStale(holder: LockHolder, path: string): boolean {
  if (holder.hostname !== hostname()) return false; // cannot check a process on another host
  if (holder.pid === process.pid) return !heldHere.has(path); // e.g. a restarted container, pid 1 again
  return !processIsAlive(holder.pid);
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM'; // exists, owned by someone else
  }
}

function parseHolder(content: string): LockHolder | null {
  try {
    const holder = JSON.parse(content) as Partial<LockHolder>;
    return Number.isInteger(holder.pid) && typeof holder.hostname === 'string' ? (holder as LockHolder) : null;
  } catch {
    return null;
  }
}

function releaseLock(path: string, ours: string): void {
  heldHere.delete(path);
  removeIfUnchanged(path, ours);
}

function removeIfUnchanged(path: string, expected: string): void {
  if (readIfExists(path) !== expected) return;
  try {
    unlinkSync(path);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}

function readIfExists(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
