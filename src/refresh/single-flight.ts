/**
 * In-process single flight: while one call of `run` is in progress, every other caller gets the same
 * promise instead of starting its own. Fifty requests that find the session stale at once wait for
 * one refresh; the next call after it settles (success or failure) starts afresh.
 */
export class SingleFlight<T> {
  #inFlight: Promise<T> | undefined;

  run(fn: () => Promise<T>): Promise<T> {
    if (this.#inFlight) return this.#inFlight;
    const flight = fn().finally(() => {
      if (this.#inFlight === flight) this.#inFlight = undefined;
    });
    this.#inFlight = flight;
    return flight;
  }

  get busy(): boolean {
    return this.#inFlight !== undefined;
  }
}
