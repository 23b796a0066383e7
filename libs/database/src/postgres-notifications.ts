import pg from 'pg';

type Handler = (payload: string) => void;

const RECONNECT_DELAY_MS = 1000;

/**
 * LISTEN on one dedicated connection (not a pooled one: it stays open), opened on first use.
 * When it breaks, it is reopened after a short delay and listens again on every channel.
 */
export class PostgresNotifications {
  readonly #url: string;
  readonly #handlers = new Map<string, Set<Handler>>();
  #connection: Promise<pg.Client> | null = null;
  #reconnect: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(url: string) {
    this.#url = url;
  }

  async listen(channel: string, handler: Handler): Promise<() => Promise<void>> {
    if (this.#closed) throw new Error('cannot listen: the database is closed');
    const known = this.#handlers.get(channel);
    const handlers = known ?? new Set<Handler>();
    handlers.add(handler);
    this.#handlers.set(channel, handlers);
    const client = await this.#connect();
    if (!known) await client.query(`LISTEN ${quoteIdentifier(channel)}`);

    return async () => {
      handlers.delete(handler);
      if (handlers.size > 0 || this.#handlers.get(channel) !== handlers) return;
      this.#handlers.delete(channel);
      const current = await this.#connection?.catch(() => null);
      await current?.query(`UNLISTEN ${quoteIdentifier(channel)}`);
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#reconnect) clearTimeout(this.#reconnect);
    this.#handlers.clear();
    const client = await this.#connection?.catch(() => null);
    this.#connection = null;
    await client?.end();
  }

  #connect(): Promise<pg.Client> {
    this.#connection ??= this.#open().catch((error: unknown) => {
      this.#connection = null;
      this.#reconnectLater();
      throw error;
    });
    return this.#connection;
  }

  async #open(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.#url });
    client.on('notification', ({ channel, payload }) => {
      for (const handler of this.#handlers.get(channel) ?? []) handler(payload ?? '');
    });
    client.on('error', () => {
      this.#connection = null;
      client.end().catch(() => {});
      this.#reconnectLater();
    });
    await client.connect();
    for (const channel of this.#handlers.keys()) await client.query(`LISTEN ${quoteIdentifier(channel)}`);
    return client;
  }

  #reconnectLater(): void {
    if (this.#closed || this.#reconnect || this.#handlers.size === 0) return;
    this.#reconnect = setTimeout(() => {
      this.#reconnect = null;
      this.#connect().catch(() => {}); // a failure schedules the next attempt
    }, RECONNECT_DELAY_MS);
    this.#reconnect.unref();
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
