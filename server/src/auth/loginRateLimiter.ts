import { FailureWindow } from '../failureWindow';

/**
 * Sliding-window limits on failed logins: per (IP, username), which slows guessing one password
 * without locking a clerk out for long, and per IP across all usernames, which stops one address
 * from trying a common password on every account. A success clears only its own (IP, username)
 * count, so knowing one account does not reset the IP's.
 */
export class LoginRateLimiter {
  private readonly failures: FailureWindow;

  constructor(
    private readonly maxPerUser = 5,
    private readonly maxPerIp = 20,
    windowMs = 60_000,
  ) {
    this.failures = new FailureWindow(windowMs);
  }

  private userKey(ip: string, username: string): string {
    return `${ip}\u0000${username.toLowerCase()}`;
  }

  private ipKey(ip: string): string {
    return `${ip}\u0000*`;
  }

  /** Milliseconds until another try is allowed, or 0. */
  retryAfterMs(ip: string, username: string, now: number): number {
    return Math.max(
      this.failures.retryAfterMs(this.userKey(ip, username), this.maxPerUser, now),
      this.failures.retryAfterMs(this.ipKey(ip), this.maxPerIp, now),
    );
  }

  fail(ip: string, username: string, now: number): void {
    for (const key of [this.userKey(ip, username), this.ipKey(ip)]) this.failures.fail(key, now);
  }

  succeed(ip: string, username: string): void {
    this.failures.clear(this.userKey(ip, username));
  }
}
