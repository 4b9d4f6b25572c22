import { describe, expect, it } from 'vitest';
import { DefaultReconnectPolicy, gaveUpError } from '../../client/src/features/call/rtc/ReconnectPolicy';
import { RtcError } from '../../client/src/features/call/rtc/signalling';

const reason = new RtcError({ code: 'RTC_UNAVAILABLE', message_zh: '视频服务暂不可用', message_en: 'Video unavailable' });

describe('DefaultReconnectPolicy', () => {
  const policy = new DefaultReconnectPolicy();

  it('backs off from 250 ms, doubling, capped at 4 s', () => {
    const delays = [1, 2, 3, 4, 5, 6, 50, 10_000].map((retryCount) =>
      policy.nextRetryDelayInMs({ retryCount, elapsedMs: 0, retryReason: reason }),
    );
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 4000, 4000, 4000]);
  });

  it('keeps retrying for three minutes (a 30 s network cut or a worker restart recovers), then gives up', () => {
    expect(policy.nextRetryDelayInMs({ retryCount: 40, elapsedMs: 179_999, retryReason: reason })).toBe(4000);
    expect(policy.nextRetryDelayInMs({ retryCount: 41, elapsedMs: 180_000, retryReason: reason })).toBeNull();
  });

  it('keeps today’s ICE timings: 1.5 s grace on a disconnected transport, 5 s for a restarted ICE', () => {
    expect(policy.iceGraceMs).toBe(1500);
    expect(policy.iceRestartTimeoutMs).toBe(5000);
  });

  it('takes other timings', () => {
    const quick = new DefaultReconnectPolicy({ initialDelayMs: 10, maxDelayMs: 25, giveUpAfterMs: 100, iceGraceMs: 5 });
    expect([1, 2, 3].map((retryCount) => quick.nextRetryDelayInMs({ retryCount, elapsedMs: 99, retryReason: reason }))).toEqual([
      10, 20, 25,
    ]);
    expect(quick.nextRetryDelayInMs({ retryCount: 4, elapsedMs: 100, retryReason: reason })).toBeNull();
    expect(quick.iceGraceMs).toBe(5);
  });

  it('the give-up error says what happened and what to do, in both languages', () => {
    const err = gaveUpError({ retryCount: 41, elapsedMs: 180_400, retryReason: reason });
    expect(err.code).toBe('RTC_GAVE_UP');
    expect(err.message_zh).toContain('41 次');
    expect(err.message_zh).toContain('刷新页面');
    expect(err.message_en).toContain('41 attempts (180 s; last error RTC_UNAVAILABLE)');
    expect(err.message_en).toContain('reload the page');
  });
});
