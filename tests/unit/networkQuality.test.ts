import { describe, expect, it } from 'vitest';
import { peerQualities, worstQuality } from '../../client/src/features/call/rtc/stats';

describe('network quality per remote peer', () => {
  const clean = { score: 10, quality: 'good' } as const;

  it('a lossy downlink the SFU sees shows even when the browser’s sample looks clean', () => {
    const q = peerQualities(clean, new Map([['a', 3]]), ['a', 'b']);
    expect(q.get('a')).toEqual({ score: 3, quality: 'poor' });
    expect(q.get('b')).toEqual(clean); // no SFU score yet: the browser's own
    expect(worstQuality(clean, q)).toEqual({ score: 3, quality: 'poor' });
  });

  it('takes the browser’s score when it is the worse one, and the SFU’s alone when the browser has no sample', () => {
    expect(peerQualities({ score: 6, quality: 'fair' }, new Map([['a', 10]]), ['a']).get('a')).toEqual({ score: 6, quality: 'fair' });
    expect(peerQualities({ score: 0, quality: 'none' }, new Map([['a', 9]]), ['a']).get('a')).toEqual({ score: 9, quality: 'good' });
  });

  it('with nobody else in the call the indicator has no data', () => {
    const none = { score: 0, quality: 'none' } as const;
    expect(worstQuality(none, peerQualities(none, new Map(), []))).toEqual(none);
  });
});
