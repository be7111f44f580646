/**
 * An abort signal in the EventEmitter shape undici's `request()` accepts (`on`/`once`/
 * `removeListener`, `aborted`, `reason`). One per request: an AbortController with its EventTarget
 * costs several times more, and at tens of thousands of requests a second that shows.
 *
 * @example
 * ```ts
 * const deadline = new Deadline();
 * setTimeout(() => deadline.abort(new Error('too slow')), 1000);
 * await dispatcher.request({ origin, path: '/', method: 'GET', signal: deadline });
 * ```
 */
export class Deadline {
  aborted = false;
  reason: unknown = undefined;
  private listeners: (() => void)[] = [];

  on(_event: 'abort', listener: () => void): this {
    this.listeners.push(listener);
    return this;
  }

  once(event: 'abort', listener: () => void): this {
    return this.on(event, listener);
  }

  removeListener(_event: 'abort', listener: () => void): this {
    const index = this.listeners.indexOf(listener);
    if (index >= 0) this.listeners.splice(index, 1);
    return this;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
  }
}
