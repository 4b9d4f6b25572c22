import { IDENTITY_STEPS, type IdentityStep } from '@tongban/shared/review/checklist';
import type { ReviewDecision, ReviewSessionView } from '@tongban/shared/review/session';

/**
 * What the applicant's phone shows now: one thing at a time, in plain words, worked out from the
 * session alone (pure, so every state is tested without a browser).
 */
export type PhoneNow =
  | { kind: 'waiting' }
  | { kind: 'consent'; recordingOffered: boolean }
  | { kind: 'show'; step: IdentityStep; prompt?: { zh: string; en: string } }
  | { kind: 'sign' }
  | { kind: 'checking' }
  | { kind: 'decided'; decision: ReviewDecision }
  | { kind: 'cancelled' };

export function phoneNow(session: ReviewSessionView | null): PhoneNow {
  if (!session || session.status === 'waiting') return { kind: 'waiting' };
  if (session.status === 'cancelled') return { kind: 'cancelled' };
  if (session.status === 'decided') return session.decision ? { kind: 'decided', decision: session.decision } : { kind: 'cancelled' };
  if (!session.consent) return { kind: 'consent', recordingOffered: session.recordingAvailability.available };
  const open = new Set([...session.checklist.pending, ...session.checklist.failed]);
  // A prompt is issued when the reviewer wants it done: it goes first while liveness is still open.
  if (session.liveness && open.has('liveness'))
    return { kind: 'show', step: 'liveness', prompt: { zh: session.liveness.textZh, en: session.liveness.textEn } };
  const step = IDENTITY_STEPS.find((s) => open.has(s));
  if (step) return { kind: 'show', step };
  // The checks done, the declaration (申请人承诺) is signed while the reviewer decides — once.
  return session.signature ? { kind: 'checking' } : { kind: 'sign' };
}

/** What the applicant does for each identity step, said to them (the reviewer's hints speak to the reviewer). */
export const STEP_FOR_APPLICANT: Record<IdentityStep, { zh: string; en: string; card: boolean }> = {
  id_front: { zh: '请把身份证有照片的一面对准摄像头，拿稳', en: 'Hold the photo side of your ID card to the camera, steady', card: true },
  id_back: { zh: '请把身份证国徽的一面对准摄像头', en: 'Now show the emblem side of your ID card', card: true },
  id_tilt: { zh: '请把身份证慢慢倾斜一下，再放平', en: 'Tilt the ID card slowly, then hold it flat again', card: true },
  face_match: { zh: '请正对摄像头，露出整张脸', en: 'Face the camera so your whole face shows', card: false },
  liveness: { zh: '请按审核员的口头要求做', en: 'Do what the reviewer asks you', card: false },
};

/** The decision and what happens next, for the applicant. */
export function outcomeWords(d: ReviewDecision): {
  title: { zh: string; en: string };
  next: { zh: string; en: string };
  details: string[];
} {
  switch (d.outcome) {
    case 'accept':
      return {
        title: { zh: '您的申请已受理', en: 'Your application is accepted' },
        next: {
          zh: '材料将转交办理部门。请向窗口工作人员领取收件回执，回执上的查询码可以随时查看办理进度。',
          en: 'Your papers go to the handling office. Ask the window for your receipt: its query code shows the progress at any time.',
        },
        details: d.note ? [d.note] : [],
      };
    case 'request_correction':
      return {
        title: { zh: '还需要补正材料', en: 'Some papers need to be corrected' },
        next: {
          zh: '请按下面的说明准备好材料，交给窗口工作人员重新提交。窗口工作人员会一次性告诉您全部要改的地方。',
          en: 'Prepare the papers as listed below and hand them to the window clerk. You are told everything that needs changing at once.',
        },
        details: [...d.items.map((i) => i.reason), ...(d.note ? [d.note] : [])],
      };
    case 'reject':
      return {
        title: { zh: '本次申请不予受理', en: 'The application cannot be accepted' },
        next: {
          zh: '如有疑问，请向窗口工作人员咨询；对结果不服的，可以依法申请行政复议或者提起行政诉讼。',
          en: 'Ask the window clerk if anything is unclear; you may appeal under the law (administrative reconsideration or litigation).',
        },
        details: [d.reason],
      };
  }
}
