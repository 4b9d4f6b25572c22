/**
 * Sliding-window limits on failed logins: per (IP, username), which slows guessing one password
 * without locking a clerk out for long, and per IP across all usernames, which stops one address
 * from trying a common password on every account. A success clears only its own (IP, username)
 * count, so knowing one account does not reset the IP's. In memory: one process per site.
 */
export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxPerUser = 5,
    private readonly maxPerIp = 20,
    private readonly windowMs = 60_000,
  ) {}

  private userKey(ip: string, username: string): string {
    return `${ip}\u0000${username.toLowerCase()}`;
  }

  private ipKey(ip: string): string {
    return `${ip}\u0000*`;
  }

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  private wait(key: string, max: number, now: number): number {
    const list = this.recent(key, now);
    return list.length < max ? 0 : this.windowMs - (now - list[list.length - max]!);
  }

  /** Milliseconds until another try is allowed, or 0. */
  retryAfterMs(ip: string, username: string, now: number): number {
    return Math.max(this.wait(this.userKey(ip, username), this.maxPerUser, now), this.wait(this.ipKey(ip), this.maxPerIp, now));
  }

  fail(ip: string, username: string, now: number): void {
    for (const key of [this.userKey(ip, username), this.ipKey(ip)]) this.failures.set(key, [...this.recent(key, now), now]);
  }

  succeed(ip: string, username: string): void {
    this.failures.delete(this.userKey(ip, username));
  }
}
