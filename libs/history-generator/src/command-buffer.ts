import { HOUR_MS } from './sim-constants.js';

export type HistoryCommand = { readonly type: string; readonly accountId: string; readonly at: string } & Record<string, unknown>;

export interface Timed {
  readonly t: number;
  readonly command: HistoryCommand;
  readonly expect?: string;
}

/** The commands of one account-day: pushed as they are decided, sorted by time when the day is done. */
export class CommandBuffer {
  #day: Timed[] = [];
  #adminQueue: { type: string; fields: Record<string, unknown>; expect?: string }[] = [];
  #commandCounter = 0;
  /** Commands pushed, including those dropped for lying at or after `end`. */
  attempted = 0;

  constructor(
    private readonly accountId: string,
    private readonly endMs: number,
    private readonly commandIds: boolean,
  ) {}

  /** Admin commands decided and not yet scheduled. */
  get adminCount(): number {
    return this.#adminQueue.length;
  }

  push(t: number, type: string, fields: Record<string, unknown>, expect?: string): void {
    this.attempted++;
    if (t >= this.endMs) return;
    this.#commandCounter++;
    const command = {
      type,
      accountId: this.accountId,
      at: new Date(t).toISOString(),
      ...(this.commandIds ? { commandId: `${this.accountId}-c${this.#commandCounter}` } : {}),
      ...fields,
    } as HistoryCommand;
    this.#day.push(expect ? { t, command, expect } : { t, command });
  }

  /** An admin command of the day, scheduled by `scheduleAdmin`. */
  admin(type: string, fields: Record<string, unknown>, expect?: string): void {
    this.#adminQueue.push({ type, fields, expect });
  }

  /** Admin commands of the day happen between 06:00 and 08:00 local, in the order they were decided. */
  scheduleAdmin(midnight: number): void {
    const step = Math.max(1, Math.floor((2 * HOUR_MS) / Math.max(1, this.#adminQueue.length)));
    this.#adminQueue.forEach((a, i) => this.push(midnight + 6 * HOUR_MS + i * step, a.type, a.fields, a.expect));
    this.#adminQueue = [];
  }

  /** The day's commands in time order; the buffer starts a new day. */
  drain(): Timed[] {
    const day = this.#day;
    day.sort((a, b) => a.t - b.t);
    this.#day = [];
    return day;
  }
}
