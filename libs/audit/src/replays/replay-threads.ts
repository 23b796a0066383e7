import { Worker } from 'node:worker_threads';
import { errorOf, type ReplayReplyMessage, type ReplayThreadData } from './replay-messages.js';
import type { ReplayAnswers, ReplayKind, ReplayRunner, ReplayTask, ReplayTaskOf } from './replay-tasks.js';

interface Job {
  readonly id: number;
  readonly task: ReplayTask;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Thread {
  readonly worker: Worker;
  /** Resolves once the thread has opened its connection (rejects if it cannot). */
  readonly ready: Promise<void>;
  job: Job | null;
}

/**
 * Up to `size` worker threads that replay accounts' histories (SPEC §5, §8) so the server's event loop
 * never folds a long stream itself: a slow as-of, explain, verify, what-if or back-test replay cannot
 * stall the plain reports answered meanwhile. Each thread runs `script`: the application's replay
 * thread (apps/replay-thread/replay-thread.ts, compiled), which answers every kind of ReplayTask. Threads start on first use and stay; each runs one task at a time with
 * its own connection to the events; tasks beyond `size` wait their turn in order. A thread that dies
 * fails its task and is replaced by the next task's.
 */
export class ReplayThreads implements ReplayRunner {
  readonly #threads: Thread[] = [];
  readonly #waiting: Job[] = [];
  #nextId = 1;
  #closed = false;

  constructor(
    readonly size: number,
    private readonly data: ReplayThreadData,
    private readonly script: URL,
  ) {
    if (!Number.isSafeInteger(size) || size < 1) throw new Error(`replay threads: size must be a whole number ≥ 1, got ${size}`);
  }

  /** Threads started and alive. */
  get threads(): number {
    return this.#threads.length;
  }

  run<K extends ReplayKind>(task: ReplayTaskOf<K>): Promise<ReplayAnswers[K]> {
    if (this.#closed) return Promise.reject(new Error('replay threads are closed (the application is shutting down)'));
    return new Promise<ReplayAnswers[K]>((resolve, reject) => {
      this.#waiting.push({ id: this.#nextId++, task, resolve: (value) => resolve(value as ReplayAnswers[K]), reject });
      this.#dispatch();
    });
  }

  /** Stops every thread; tasks not answered yet fail. */
  async close(): Promise<void> {
    this.#closed = true;
    const closing = new Error('replay threads are closed (the application is shutting down)');
    for (const job of this.#waiting.splice(0)) job.reject(closing);
    await Promise.all(this.#threads.splice(0).map((thread) => this.#stop(thread, closing)));
  }

  #dispatch(): void {
    while (this.#waiting.length > 0) {
      const idle = this.#threads.find((t) => t.job === null) ?? (this.#threads.length < this.size ? this.#start() : undefined);
      if (!idle) return;
      const job = this.#waiting.shift()!;
      idle.job = job;
      idle.worker.ref();
      idle.ready.then(
        () => idle.worker.postMessage({ id: job.id, task: job.task }),
        () => undefined, // #fail has answered the job.
      );
    }
  }

  #start(): Thread {
    const worker = new Worker(this.script, { workerData: this.data });
    let opened: () => void = () => undefined;
    let failed: (error: Error) => void = () => undefined;
    const ready = new Promise<void>((resolve, reject) => {
      opened = resolve;
      failed = reject;
    });
    ready.catch(() => undefined);
    const thread: Thread = { worker, ready, job: null };
    worker.on('message', (message: 'ready' | ReplayReplyMessage) => {
      if (message === 'ready') return opened();
      const job = thread.job;
      if (!job || job.id !== message.id) return;
      thread.job = null;
      worker.unref();
      if ('failure' in message) job.reject(errorOf(message.failure));
      else job.resolve(message.value);
      this.#dispatch();
    });
    worker.on('error', (error) => {
      failed(error);
      this.#fail(thread, new Error(`a replay thread failed: ${error.message}`, { cause: error }));
    });
    worker.on('exit', (code) => {
      failed(new Error(`the replay thread exited (code ${code}) before it was ready`));
      this.#fail(thread, new Error(`a replay thread exited (code ${code}) while replaying`));
    });
    this.#threads.push(thread);
    return thread;
  }

  /** The thread is gone: its task fails, the next task starts a new one. */
  #fail(thread: Thread, error: Error): void {
    const index = this.#threads.indexOf(thread);
    if (index >= 0) this.#threads.splice(index, 1);
    const job = thread.job;
    thread.job = null;
    job?.reject(error);
    if (!this.#closed) this.#dispatch();
  }

  async #stop(thread: Thread, error: Error): Promise<void> {
    thread.job?.reject(error);
    thread.job = null;
    await thread.worker.terminate();
  }
}
