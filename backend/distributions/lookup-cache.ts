/**
 * A short-lived cache of bulk lookups per post id, so a timeline full of overlays asking every few
 * seconds costs one query per post per window. Misses (post ids without a distribution) are cached
 * too: most posts on screen have none.
 */
export class LookupCache<Value> {
  readonly #entries = new Map<string, { value: Value; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Splits `keys` into the cached values and the keys still to load. */
  read(keys: readonly string[]): { hits: Map<string, Value>; misses: string[] } {
    const hits = new Map<string, Value>();
    const misses: string[] = [];
    const now = this.now();
    for (const key of keys) {
      const entry = this.#entries.get(key);
      if (entry && entry.until > now) hits.set(key, entry.value);
      else misses.push(key);
    }
    return { hits, misses };
  }

  write(key: string, value: Value): void {
    if (this.#entries.size >= this.maxEntries) this.#entries.clear();
    this.#entries.set(key, { value, until: this.now() + this.ttlMs });
  }

  forget(key: string): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}
