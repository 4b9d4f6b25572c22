/**
 * Failed attempts per key in a sliding window, in memory (one process per site): the login limit
 * and the public status page's wrong-code limit count with it.
 */
export class FailureWindow {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly windowMs: number) {}

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Milliseconds until `key` may try again after `max` failures in the window, or 0. */
  retryAfterMs(key: string, max: number, now: number): number {
    const list = this.recent(key, now);
    return list.length < max ? 0 : this.windowMs - (now - list[list.length - max]!);
  }

  fail(key: string, now: number): void {
    this.failures.set(key, [...this.recent(key, now), now]);
  }

  clear(key: string): void {
    this.failures.delete(key);
  }
}
