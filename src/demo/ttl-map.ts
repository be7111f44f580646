/** Server-side records that die on their own: sessions, CSRF tokens, one-time codes. */
export class TtlMap<V> {
  readonly #entries = new Map<string, { value: V; expiresAt: number }>();

  set(key: string, value: V, ttlSeconds: number): void {
    this.#entries.set(key, { value, expiresAt: Date.now() + ttlSeconds * 1000 });
  }

  get(key: string | undefined): V | undefined {
    if (key === undefined) return undefined;
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (Date.now() >= entry.expiresAt) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Reads and forgets: for one-time values. */
  take(key: string | undefined): V | undefined {
    const value = this.get(key);
    if (key !== undefined) this.#entries.delete(key);
    return value;
  }

  delete(key: string | undefined): void {
    if (key !== undefined) this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}
