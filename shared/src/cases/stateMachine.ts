import { AppError } from '../errors';
import type { ActorRole } from '../roles';

/** 办件状态. Pure: no clock, no I/O — callers pass what they need. */
export const CASE_STATES = [
  'draft',
  'prechecked',
  'in_review',
  'accepted',
  'needs_correction',
  'rejected',
  'handed_off',
  'in_handling',
  'completed',
  'rated',
  'withdrawn',
  'correction_expired',
] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const CASE_STATE_LABELS: Record<CaseState, { zh: string; en: string }> = {
  draft: { zh: '草稿', en: 'Draft' },
  prechecked: { zh: '已预审', en: 'Pre-checked' },
  in_review: { zh: '视频会审环节', en: 'At video co-review' },
  accepted: { zh: '已受理', en: 'Accepted' },
  needs_correction: { zh: '待补正', en: 'Needs correction' },
  rejected: { zh: '不予受理', en: 'Rejected' },
  handed_off: { zh: '已转递', en: 'Handed off' },
  in_handling: { zh: '办理中', en: 'In handling' },
  completed: { zh: '已办结', en: 'Completed' },
  rated: { zh: '已评价', en: 'Rated' },
  withdrawn: { zh: '已撤回', en: 'Withdrawn' },
  correction_expired: { zh: '补正逾期', en: 'Correction overdue' },
};

export const CASE_ACTIONS = [
  'precheck', // clerk finishes the OCR pre-check of the received materials
  'request_review', // clerk opens a video co-review
  'accept', // reviewer: 受理
  'request_correction', // reviewer: 补正
  'reject', // reviewer: 不予受理
  'resubmit', // clerk: corrected materials received, back to pre-check
  'hand_off', // clerk: sent by courier or online transfer
  'start_handling', // handling office received it
  'complete', // handling office: 办结
  'rate', // applicant: 好差评
  'withdraw', // applicant withdraws, recorded by the clerk
  'reopen', // supervisor: a rejected/withdrawn case is reopened as a draft
  'expire_correction', // system: the 补正 deadline passed without the corrected materials
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

interface Transition {
  from: readonly CaseState[];
  to: CaseState;
  by: readonly ActorRole[];
}

/** Who may fire each transition is part of the machine. Supervisors may act for their staff. */
export const TRANSITIONS: Record<CaseAction, Transition> = {
  precheck: { from: ['draft'], to: 'prechecked', by: ['clerk', 'supervisor', 'system'] },
  request_review: { from: ['prechecked'], to: 'in_review', by: ['clerk', 'supervisor'] },
  accept: { from: ['in_review'], to: 'accepted', by: ['reviewer', 'supervisor'] },
  request_correction: { from: ['in_review'], to: 'needs_correction', by: ['reviewer', 'supervisor'] },
  reject: { from: ['in_review'], to: 'rejected', by: ['reviewer', 'supervisor'] },
  resubmit: { from: ['needs_correction'], to: 'draft', by: ['clerk', 'supervisor'] },
  hand_off: { from: ['accepted'], to: 'handed_off', by: ['clerk', 'supervisor'] },
  start_handling: { from: ['handed_off'], to: 'in_handling', by: ['reviewer', 'supervisor', 'peer-site'] },
  complete: { from: ['in_handling'], to: 'completed', by: ['reviewer', 'supervisor', 'peer-site'] },
  // system: the default rating recorded when the applicant did not rate in time.
  rate: { from: ['completed'], to: 'rated', by: ['applicant', 'clerk', 'system'] },
  withdraw: {
    from: ['draft', 'prechecked', 'in_review', 'needs_correction', 'accepted'],
    to: 'withdrawn',
    by: ['clerk', 'supervisor'],
  },
  reopen: { from: ['rejected', 'withdrawn'], to: 'draft', by: ['supervisor'] },
  expire_correction: { from: ['needs_correction'], to: 'correction_expired', by: ['system'] },
};

/** The states a case ends in. */
export type TerminalState = 'rated' | 'rejected' | 'withdrawn' | 'correction_expired';

export function isTerminal(state: CaseState): state is TerminalState {
  return state === 'rated' || state === 'rejected' || state === 'withdrawn' || state === 'correction_expired';
}

/** Actions this role could fire now (the UI shows only these buttons). */
export function allowedActions(state: CaseState, role: ActorRole): CaseAction[] {
  return CASE_ACTIONS.filter((a) => TRANSITIONS[a].from.includes(state) && TRANSITIONS[a].by.includes(role));
}

/** Returns the next state or throws CASE_ILLEGAL_TRANSITION / CASE_TRANSITION_FORBIDDEN. */
export function nextState(state: CaseState, action: CaseAction, role: ActorRole): CaseState {
  const t = TRANSITIONS[action];
  if (!t.from.includes(state)) {
    throw new AppError('CASE_ILLEGAL_TRANSITION', {
      details: { state, action, allowedFrom: t.from },
      zh: `办件状态为“${CASE_STATE_LABELS[state].zh}”，不能执行“${action}”`,
      en: `A case in state "${state}" cannot "${action}"`,
    });
  }
  if (!t.by.includes(role)) {
    throw new AppError('CASE_TRANSITION_FORBIDDEN', { details: { state, action, role, allowedRoles: t.by } });
  }
  return t.to;
}

/**
 * Transitions that carry records of their own (a co-review session and its identity checks, a bag
 * and receipt, a result, a rating) and so are fired only by their feature's endpoint, never by the
 * generic transition route. The 受理 decision in particular exists only as the outcome of a video
 * co-review, so a case never enters or leaves review without a session on record.
 */
export const DEDICATED_ACTIONS: Partial<Record<CaseAction, string>> = {
  request_review: 'POST /api/cases/:id/review',
  accept: 'POST /api/review/sessions/:id/decision',
  request_correction: 'POST /api/review/sessions/:id/decision',
  reject: 'POST /api/review/sessions/:id/decision',
  hand_off: 'POST /api/cases/:id/handoff/courier | /handoff/transfer',
  start_handling: 'POST /api/transfers | /api/cases/:id/handoff/start',
  complete: 'POST /api/cases/:id/handoff/result',
  rate: 'POST /api/cases/:id/rating',
  expire_correction: "no route: the server's 补正 deadline job",
};

export function isDedicatedAction(action: CaseAction): boolean {
  return action in DEDICATED_ACTIONS;
}
