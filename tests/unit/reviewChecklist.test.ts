import { describe, expect, it } from 'vitest';
import { checklistStatus, IDENTITY_STEPS, livenessPrompt } from '@tongban/shared/review/checklist';
import { DecisionRequestSchema } from '@tongban/shared/review/session';
import { CLIENT_EVENTS } from '@tongban/shared/signalling/events';

const seq = (...xs: number[]) => {
  let i = 0;
  return () => xs[i++ % xs.length]!;
};

describe('identity checklist', () => {
  it('is complete only when the latest result of every step passed', () => {
    expect(checklistStatus([])).toEqual({ pending: [...IDENTITY_STEPS], failed: [], allPassed: false });
    const all = IDENTITY_STEPS.map((step) => ({ step, passed: true }));
    expect(checklistStatus(all).allPassed).toBe(true);
    expect(checklistStatus([...all, { step: 'face_match', passed: false }])).toMatchObject({ failed: ['face_match'], allPassed: false });
    expect(checklistStatus([...all, { step: 'face_match', passed: false }, { step: 'face_match', passed: true }]).allPassed).toBe(true);
  });

  it('builds liveness prompts from the randomness it is given', () => {
    expect(livenessPrompt(seq(0, 0.12, 0.34, 0.56, 0.78))).toMatchObject({ kind: 'read_digits', digits: '1357' });
    expect(livenessPrompt(seq(0.5, 0.9))).toMatchObject({ kind: 'turn_head', direction: 'right' });
    expect(livenessPrompt(seq(0.99, 0))).toMatchObject({ kind: 'blink', times: 2 });
    expect(livenessPrompt(seq(0, 0.999, 0.999, 0.999, 0.999)).textZh).toBe('请大声读出这四个数字：9 9 9 9');
  });
});

describe('decision schema', () => {
  it('needs materials and reasons for 补正, a reason for 不予受理', () => {
    expect(DecisionRequestSchema.safeParse({ outcome: 'accept' }).success).toBe(true);
    expect(DecisionRequestSchema.safeParse({ outcome: 'request_correction', items: [] }).success).toBe(false);
    expect(
      DecisionRequestSchema.safeParse({ outcome: 'request_correction', items: [{ slotCode: 'ID_CARD_BACK', reason: ' ' }] }).success,
    ).toBe(false);
    expect(DecisionRequestSchema.safeParse({ outcome: 'reject', reason: '' }).success).toBe(false);
    expect(DecisionRequestSchema.safeParse({ outcome: 'withdraw' }).success).toBe(false);
  });
});

describe('signalling map', () => {
  it('validates payloads: unknown media sources, capture sizes that are no sizes and out-of-range viewer state are refused', () => {
    expect(
      CLIENT_EVENTS['rtc:produce'].request.safeParse({ transportId: 't', kind: 'video', rtpParameters: {}, source: 'camera' }).success,
    ).toBe(true);
    expect(
      CLIENT_EVENTS['rtc:produce'].request.safeParse({ transportId: 't', kind: 'video', rtpParameters: {}, source: 'screen' }).success,
    ).toBe(false);
    const produce = { transportId: 't', kind: 'video', rtpParameters: {}, source: 'camera' } as const;
    expect(CLIENT_EVENTS['rtc:produce'].request.safeParse({ ...produce, captureSize: { width: 1280, height: 720 } }).success).toBe(true);
    expect(CLIENT_EVENTS['rtc:produce'].request.safeParse({ ...produce, captureSize: { width: 0, height: 720 } }).success).toBe(false);
    expect(CLIENT_EVENTS['rtc:produce'].request.safeParse({ ...produce, captureSize: { width: 12.5, height: 720 } }).success).toBe(false);
    expect(CLIENT_EVENTS['viewer:update'].request.safeParse({ materialId: null, page: 1, zoom: 20, pointer: null }).success).toBe(false);
    expect(CLIENT_EVENTS['rtc:join'].request.safeParse({ selfTest: true, clientId: 'x' }).success).toBe(true);
    expect(CLIENT_EVENTS['rtc:leave'].request.safeParse({ extra: 1 }).success).toBe(false);
  });
});
