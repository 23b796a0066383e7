import { AlertMonitor } from '../../libs/domain/src/alerts/alert-monitor.js';
import { comparePositions, type LogPosition } from '../../libs/event-store/src/event-store.js';

/** An account's monitor in memory, and the last of its events folded into it (null while a fold is under way). */
export interface CachedMonitor {
  readonly monitor: AlertMonitor;
  position: LogPosition | null;
}

/** Accounts whose monitors stay in memory between batches, per generation. */
const CACHED_ACCOUNTS = 1_000;

/**
 * The alert processor's monitors, by generation token and account, least recently used evicted first.
 * A monitor is only a cache of the account's events up to `position`: the processor trusts it when that
 * position is the one its tables record, and rebuilds it from the account's stream otherwise.
 */
export class MonitorCache {
  readonly #entries = new Map<string, CachedMonitor>();

  get(token: string, accountId: string): CachedMonitor | undefined {
    const key = `${token}/${accountId}`;
    const entry = this.#entries.get(key);
    if (entry) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    return entry;
  }

  set(token: string, accountId: string, entry: CachedMonitor): void {
    this.#entries.set(`${token}/${accountId}`, entry);
    if (this.#entries.size > CACHED_ACCOUNTS) this.#entries.delete(this.#entries.keys().next().value!);
  }

  /** Whether the cached monitor has folded exactly the events up to `position`. */
  static isAt(entry: CachedMonitor | undefined, position: LogPosition | null): entry is CachedMonitor {
    return entry !== undefined && entry.position !== null && comparePositions(entry.position, position) === 0;
  }
}
