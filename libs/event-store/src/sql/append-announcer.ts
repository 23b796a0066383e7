/**
 * Announces committed appends to other processes with a NOTIFY sent after the commit, outside the
 * appending transaction, at most once per `intervalMs`: a NOTIFY inside the transaction would make
 * every commit wait on the notification queue's lock (migration 0008). An append during the interval
 * is announced when it ends (trailing edge), so the last append is never left unannounced; readers
 * in this process are woken at once by the store itself, and every reader polls anyway.
 */
export class AppendAnnouncer {
  readonly #send: () => Promise<unknown>;
  readonly #intervalMs: number;
  #lastSent = -Infinity;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(send: () => Promise<unknown>, intervalMs: number) {
    this.#send = send;
    this.#intervalMs = intervalMs;
  }

  /** Call after an append has committed. */
  announce(): void {
    if (this.#closed || this.#timer) return;
    const wait = this.#lastSent + this.#intervalMs - performance.now();
    if (wait <= 0) {
      this.#sendNow();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#sendNow();
    }, wait);
    this.#timer.unref();
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #sendNow(): void {
    if (this.#closed) return;
    this.#lastSent = performance.now();
    // A lost announcement only delays readers until their next poll.
    this.#send().catch(() => undefined);
  }
}
