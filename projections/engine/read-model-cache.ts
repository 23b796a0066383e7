/**
 * Values a report derives from one generation's tables, kept between requests while their version
 * stands: the projection bumps the version in the transaction that changes the rows behind the
 * value, so a request that reads the version first gets a value at least that new. Bounded: the
 * least recently used entry goes first. Loads are shared, so concurrent requests load once.
 */
export class ReadModelCache {
  readonly #entries = new Map<string, { readonly version: string; readonly value: Promise<unknown> }>();

  constructor(private readonly capacity = 8) {}

  /** The value kept under `key` if it was loaded at `version`; otherwise `load()`, kept in its place. */
  get<T>(key: string, version: string, load: () => Promise<T>): Promise<T> {
    const kept = this.#entries.get(key);
    this.#entries.delete(key);
    if (kept && kept.version === version) {
      this.#entries.set(key, kept);
      return kept.value as Promise<T>;
    }
    const entry = { version, value: load() };
    this.#entries.set(key, entry);
    entry.value.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    while (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
    return entry.value;
  }
}
