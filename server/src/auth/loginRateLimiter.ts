/**
 * Sliding-window limit on failed logins per (IP, username): slows password guessing without
 * locking a clerk out for long. In memory: one process per site.
 */
export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures = 5,
    private readonly windowMs = 60_000,
  ) {}

  private key(ip: string, username: string): string {
    return `${ip}\u0000${username.toLowerCase()}`;
  }

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Milliseconds until another try is allowed, or 0. */
  retryAfterMs(ip: string, username: string, now: number): number {
    const list = this.recent(this.key(ip, username), now);
    if (list.length < this.maxFailures) return 0;
    return this.windowMs - (now - list[0]!);
  }

  fail(ip: string, username: string, now: number): void {
    const key = this.key(ip, username);
    this.failures.set(key, [...this.recent(key, now), now]);
  }

  succeed(ip: string, username: string): void {
    this.failures.delete(this.key(ip, username));
  }
}
