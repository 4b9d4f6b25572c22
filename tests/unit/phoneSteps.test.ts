import type { SignatureView } from '@tongban/shared/signature/signature';
import { describe, expect, it } from 'vitest';
import { checklistStatus, IDENTITY_STEPS, type CheckStepResult } from '@tongban/shared/review/checklist';
import type { ReviewDecision, ReviewSessionView } from '@tongban/shared/review/session';
import { outcomeWords, phoneNow, STEP_FOR_APPLICANT } from '../../client/src/features/applicant/phoneSteps';

/** The applicant's phone shows one thing at a time, worked out from the session alone. */
const checked = (step: CheckStepResult['step'], passed = true): CheckStepResult => ({
  step,
  passed,
  note: '',
  checkedBy: '王审核',
  checkedAt: '2026-12-02T02:00:00.000Z',
});

const SIGNED: SignatureView = {
  channel: 'phone',
  signedAt: '2026-12-02T01:20:00.000Z',
  signerName: '张三',
  text: '申请人承诺',
  textSha256: 'a'.repeat(64),
  imageSha256: 'b'.repeat(64),
  width: 600,
  height: 300,
  strokes: 2,
  points: 80,
  pressure: false,
};

function session(over: Partial<ReviewSessionView> = {}): ReviewSessionView {
  const checks = over.checks ?? [];
  return {
    id: 's1',
    caseId: 'c1',
    caseNo: 'GD-SG-20261202-0001',
    intakeOfficeId: 'gd-sg-window',
    handlingOfficeId: 'gd-sg-hrss',
    status: 'active',
    requestedBy: '李窗口',
    requestedAt: '2026-12-02T01:00:00.000Z',
    waitingSeconds: 30,
    checks,
    checklist: checklistStatus(checks),
    snapshots: [],
    recording: false,
    recordingAvailability: { available: true, ffmpegVersion: '5.1' },
    recordings: [],
    ...over,
  };
}

const consent = {
  recordingAllowed: false,
  snapshotsAllowed: true,
  recordedBy: '申请人 张三（本人手机确认）',
  recordedAt: '2026-12-02T01:01:00.000Z',
};
const decided = (decision: ReviewDecision) => session({ status: 'decided', consent, decision });
const meta = { decisionId: 'd1', decidedBy: 'u1', decidedByName: '王审核', decidedAt: '2026-12-02T02:00:00.000Z' };

describe('what the phone shows now', () => {
  it('waits until a reviewer is in, then asks for consent first (recording offered only where this site can record)', () => {
    expect(phoneNow(null)).toEqual({ kind: 'waiting' });
    expect(phoneNow(session({ status: 'waiting' }))).toEqual({ kind: 'waiting' });
    expect(phoneNow(session())).toEqual({ kind: 'consent', recordingOffered: true });
    expect(phoneNow(session({ recordingAvailability: { available: false, reason: 'disabled' } }))).toEqual({
      kind: 'consent',
      recordingOffered: false,
    });
  });

  it('then the first identity step still open, a failed one again, and the liveness prompt as soon as it is issued', () => {
    expect(phoneNow(session({ consent }))).toEqual({ kind: 'show', step: 'id_front' });
    expect(phoneNow(session({ consent, checks: [checked('id_front')] }))).toEqual({ kind: 'show', step: 'id_back' });
    expect(phoneNow(session({ consent, checks: [checked('id_front', false), checked('id_back')] }))).toEqual({
      kind: 'show',
      step: 'id_front',
    });
    const liveness = { kind: 'read_digits' as const, digits: '4711', textZh: '请读出数字 4711', textEn: 'Read out 4711' };
    expect(phoneNow(session({ consent, liveness }))).toEqual({
      kind: 'show',
      step: 'liveness',
      prompt: { zh: '请读出数字 4711', en: 'Read out 4711' },
    });
    expect(phoneNow(session({ consent, liveness, checks: [checked('liveness')] }))).toEqual({ kind: 'show', step: 'id_front' });
    // The checks done, the applicant signs the declaration; once signed, they wait for the decision.
    expect(phoneNow(session({ consent, checks: IDENTITY_STEPS.map((s) => checked(s)) }))).toEqual({ kind: 'sign' });
    expect(phoneNow(session({ consent, checks: IDENTITY_STEPS.map((s) => checked(s)), signature: SIGNED }))).toEqual({ kind: 'checking' });
  });

  it('ends with the decision, or says the session ended when it was cancelled', () => {
    const d: ReviewDecision = { outcome: 'accept', ...meta };
    expect(phoneNow(decided(d))).toEqual({ kind: 'decided', decision: d });
    expect(phoneNow(session({ status: 'cancelled' }))).toEqual({ kind: 'cancelled' });
  });

  it('every identity step has words for the applicant, the card steps say the card', () => {
    for (const s of IDENTITY_STEPS) expect(STEP_FOR_APPLICANT[s].zh).toMatch(/^请/);
    expect(IDENTITY_STEPS.filter((s) => STEP_FOR_APPLICANT[s].card)).toEqual(['id_front', 'id_back', 'id_tilt']);
  });
});

describe('the decision in plain words, with what happens next', () => {
  it('补正 lists every reason at once; 不予受理 gives the reason and the right to appeal; 受理 points to the receipt', () => {
    const correction = outcomeWords({
      outcome: 'request_correction',
      items: [
        { slotCode: 'ID_CARD_BACK', reason: '身份证背面反光，有效期看不清' },
        { slotCode: 'PHOTO', reason: '照片不是白底' },
      ],
      note: '请一并带来户口本',
      ...meta,
    });
    expect(correction.title.zh).toBe('还需要补正材料');
    expect(correction.details).toEqual(['身份证背面反光，有效期看不清', '照片不是白底', '请一并带来户口本']);
    expect(correction.next.zh).toContain('一次性');

    const reject = outcomeWords({ outcome: 'reject', reason: '不属于本事项受理范围', ...meta });
    expect([reject.title.zh, reject.details]).toEqual(['本次申请不予受理', ['不属于本事项受理范围']]);
    expect(reject.next.zh).toContain('行政复议');

    expect(outcomeWords({ outcome: 'accept', ...meta }).next.zh).toContain('查询码');
  });
});
