import { backoffDelay } from '@tongban/shared/backoff';
import { RtcError } from './signalling';

/** What the policy knows when a join attempt has failed (after LiveKit's `ReconnectContext`). */
export interface ReconnectContext {
  /** Failed attempts in this run of retries, counting the one that just failed (1 the first time). */
  readonly retryCount: number;
  /** Milliseconds since the first failed attempt of this run. */
  readonly elapsedMs: number;
  /** Why the attempt failed. */
  readonly retryReason: RtcError;
}

/**
 * Every timing of the call's self-repair, in one place so that tests can shorten it and the
 * retry loop can be tested without a network.
 */
export interface ReconnectPolicy {
  /** Wait before the next join attempt, or null to give up (the call then fails with RTC_GAVE_UP). */
  nextRetryDelayInMs(context: ReconnectContext): number | null;
  /** How long a 'disconnected' transport may recover by itself before ICE is restarted. */
  readonly iceGraceMs: number;
  /** How long a restarted ICE may take to connect before the client rejoins with new transports. */
  readonly iceRestartTimeoutMs: number;
}

export interface DefaultReconnectPolicyOptions {
  initialDelayMs?: number;
  maxDelayMs?: number;
  /**
   * Stop retrying once this long has passed since the first failure. Generous: a network cut or
   * an SFU worker restart recovers within seconds, and the socket keeps waiting for the network.
   */
  giveUpAfterMs?: number;
  iceGraceMs?: number;
  iceRestartTimeoutMs?: number;
}

/** Exponential backoff 250 ms → 4 s (doubling, capped), for up to 3 minutes. */
export class DefaultReconnectPolicy implements ReconnectPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly giveUpAfterMs: number;
  readonly iceGraceMs: number;
  readonly iceRestartTimeoutMs: number;

  constructor(opts: DefaultReconnectPolicyOptions = {}) {
    this.initialDelayMs = opts.initialDelayMs ?? 250;
    this.maxDelayMs = opts.maxDelayMs ?? 4000;
    this.giveUpAfterMs = opts.giveUpAfterMs ?? 180_000;
    this.iceGraceMs = opts.iceGraceMs ?? 1500;
    this.iceRestartTimeoutMs = opts.iceRestartTimeoutMs ?? 5000;
  }

  nextRetryDelayInMs({ retryCount, elapsedMs }: ReconnectContext): number | null {
    if (elapsedMs >= this.giveUpAfterMs) return null;
    // No jitter: one browser rejoining its own call has no crowd to spread out.
    return backoffDelay(Math.max(retryCount, 1), { initialMs: this.initialDelayMs, maxMs: this.maxDelayMs, jitter: 0 });
  }
}

/** The error a call fails with when the policy gives up; the last failure's code is kept in the English text. */
export function gaveUpError(ctx: ReconnectContext): RtcError {
  const seconds = Math.round(ctx.elapsedMs / 1000);
  return new RtcError({
    code: 'RTC_GAVE_UP',
    message_zh: `已尝试重新连接视频服务器 ${ctx.retryCount} 次（${seconds} 秒）仍未成功，请检查网络后刷新页面重新进入`,
    message_en: `Could not reconnect to the video server after ${ctx.retryCount} attempts (${seconds} s; last error ${ctx.retryReason.code}); check the network, then reload the page to join again`,
  });
}
