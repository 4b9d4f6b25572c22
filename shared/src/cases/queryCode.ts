import { z } from 'zod';
import { CASE_STATE_LABELS, type CaseState } from './stateMachine';

/**
 * 查询码: the short code printed on the receipt (收件回执) that lets anyone holding it read the
 * case's progress at /status/<code>. 32 symbols without 0/O/1/I (misread on paper), 10 of them:
 * 50 bits, so guessing one is hopeless at the status page's rate limit.
 */
export const QUERY_CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const QUERY_CODE_LENGTH = 10;

/** One symbol per random byte; 256 is a multiple of 32, so every symbol is equally likely. */
export function queryCodeFromBytes(bytes: Uint8Array): string {
  if (bytes.length < QUERY_CODE_LENGTH) throw new Error(`a query code needs ${QUERY_CODE_LENGTH} random bytes`);
  return Array.from(bytes.subarray(0, QUERY_CODE_LENGTH), (b) => QUERY_CODE_ALPHABET[b % QUERY_CODE_ALPHABET.length]).join('');
}

/** What a person typed, as stored: upper case, without the spaces or dashes they may add. */
export const QueryCodeSchema = z
  .string()
  .max(40)
  .transform((s) => s.replace(/[\s-]/g, '').toUpperCase());

/** The path of the public status page for a code (the QR code on the receipt points at it). */
export function statusPath(code: string): string {
  return `/status/${encodeURIComponent(code)}`;
}

/** The steps of a case as the applicant follows it; 补正, 不予受理 and 撤回 leave the path. */
export const PUBLIC_STEPS = ['received', 'accepted', 'handed_off', 'in_handling', 'completed'] as const;
export type PublicStep = (typeof PUBLIC_STEPS)[number];

export const PUBLIC_STEP_LABELS: Record<PublicStep, { zh: string; en: string }> = {
  received: { zh: '窗口收件', en: 'Received at the window' },
  accepted: { zh: '审批单位受理', en: 'Accepted by the handling office' },
  handed_off: { zh: '材料转递', en: 'Materials sent on' },
  in_handling: { zh: '审批办理', en: 'Being handled' },
  completed: { zh: '办结', en: 'Completed' },
};

/** The step the case has reached; undefined for a state off the path (see PUBLIC_NEXT). */
const STEP_OF: Partial<Record<CaseState, PublicStep>> = {
  draft: 'received',
  prechecked: 'received',
  in_review: 'received',
  accepted: 'accepted',
  handed_off: 'handed_off',
  in_handling: 'in_handling',
  completed: 'completed',
  rated: 'completed',
};

/** What happens next, in words for the applicant. */
const PUBLIC_NEXT: Record<CaseState, { zh: string; en: string }> = {
  draft: { zh: '收件窗口正在核对您的材料。', en: 'The window is checking your materials.' },
  prechecked: { zh: '收件窗口正在核对您的材料。', en: 'The window is checking your materials.' },
  in_review: { zh: '审批单位正在与窗口视频会审您的申请。', en: 'The handling office is reviewing your application with the window.' },
  accepted: {
    zh: '申请已受理。收件窗口将把材料转递给审批单位，请在承诺办结日期前留意办理结果。',
    en: 'Your application is accepted. The window sends the materials to the handling office; expect the result by the promised date.',
  },
  needs_correction: {
    zh: '需要补正材料：请按补正通知书的要求，带齐材料回到收件窗口。',
    en: 'Materials need correcting: bring what the correction notice lists back to the window.',
  },
  correction_expired: {
    zh: '补正期限已过，未收到补正材料，本次申请已终止。如仍需办理，请重新申请。',
    en: 'The correction deadline passed without the corrected materials, so this application has ended. Apply again if you still need it.',
  },
  rejected: {
    zh: '申请不予受理，原因请见窗口出具的告知书。',
    en: 'The application was not accepted; the window’s notice gives the reason.',
  },
  handed_off: {
    zh: '材料已转递，等待审批单位接收办理。',
    en: 'The materials are on their way; the handling office will start once they arrive.',
  },
  in_handling: {
    zh: '审批单位正在办理，办结后将按回执上的方式送达结果。',
    en: 'The handling office is working on it; the result comes back as the receipt says.',
  },
  completed: { zh: '已办结，请按回执上的方式领取办理结果。', en: 'Completed: collect the result as the receipt says.' },
  rated: { zh: '已办结，感谢您的评价。', en: 'Completed. Thank you for your rating.' },
  withdrawn: { zh: '申请已撤回。', en: 'The application was withdrawn.' },
};

/** GET /api/status/:code: what anyone holding the code may know. No name, ID, materials or internal ids. */
export interface PublicCaseStatus {
  state: CaseState;
  stateLabel: { zh: string; en: string };
  itemName: string;
  handlingOffice: string;
  /** ISO instants; the client shows them in China time. */
  receivedAt: string;
  decidedAt?: string;
  completedAt?: string;
  /** 承诺办结日期, a China calendar date (YYYY-MM-DD). */
  promisedDate: string;
  steps: Array<{ step: PublicStep; label: { zh: string; en: string }; status: 'done' | 'current' | 'todo' }>;
  next: { zh: string; en: string };
}

/** The state label, step list and next step for a case in `state`. */
export function publicProgress(state: CaseState): Pick<PublicCaseStatus, 'state' | 'stateLabel' | 'steps' | 'next'> {
  const at = STEP_OF[state];
  const reached = at ? PUBLIC_STEPS.indexOf(at) : -1;
  const finished = state === 'completed' || state === 'rated';
  return {
    state,
    stateLabel: CASE_STATE_LABELS[state],
    steps: PUBLIC_STEPS.map((step, i) => ({
      step,
      label: PUBLIC_STEP_LABELS[step],
      status: i < reached || (i === reached && finished) ? 'done' : i === reached ? 'current' : 'todo',
    })),
    next: PUBLIC_NEXT[state],
  };
}
