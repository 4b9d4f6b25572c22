import { ACTION_SIDE, allowedCaseActions, can, caseSides, type CaseRef, type CaseSide, type OfficeUser } from './access';
import { isTerminal, type CaseAction, type CaseState, type TerminalState } from './stateMachine';

/**
 * The case workspace: where a case stands on its way (the step bar) and the one thing this user
 * does next. Pure; who may do what comes from the access table (`can`, `allowedCaseActions`).
 */

/** The parts of the case page that open on demand. */
export const CASE_SECTIONS = ['materials', 'precheck', 'review', 'handoff', 'audit'] as const;
export type CaseSection = (typeof CASE_SECTIONS)[number];

/** The primary actions the workspace offers, one at a time. */
export const NEXT_ACTIONS = [
  'complete_precheck', // 完成预审
  'request_review', // 申请视频会审 (again, if the last request was cancelled or timed out)
  'accept_review', // 接单
  'join_review', // 进入视频会审
  'resubmit', // 补正材料已收，重新预审
  'hand_off', // 转递 (online or by courier: the handoff section's forms)
  'record_result', // 录入办理结果 (the handoff section's form)
  'rate', // 请申请人评价 (the handoff section's rating pad)
] as const;
export type NextActionId = (typeof NEXT_ACTIONS)[number];

/** The case's co-review session as the next step sees it: none open, waiting for a reviewer, or in the call. */
export type ReviewPhase = 'none' | 'waiting' | 'active';

export type NextStep =
  /** Theirs to do; `transition` is the state machine action it fires, if it fires one itself. */
  | { kind: 'act'; action: NextActionId; section: CaseSection | null; transition?: CaseAction }
  /** The other side's (or this side's other role's) turn. */
  | { kind: 'wait'; on: CaseSide; section: CaseSection | null }
  /** The case has ended (已评价, 不予受理, 已撤回). */
  | { kind: 'closed'; section: CaseSection | null }
  /** Not a participant of the case (an admin reads every case but acts on none). */
  | { kind: 'view'; section: null };

type Case = CaseRef & { state: CaseState };

/** Whose turn each open state is: the side that fires the transition the case waits for. */
const AWAITED: Record<Exclude<CaseState, TerminalState>, CaseAction> = {
  draft: 'precheck',
  prechecked: 'request_review',
  in_review: 'accept',
  needs_correction: 'resubmit',
  accepted: 'hand_off',
  handed_off: 'start_handling',
  in_handling: 'complete',
  completed: 'rate',
};

/** The section a state's work is in, whoever's turn it is. */
const STATE_SECTION: Record<CaseState, CaseSection | null> = {
  draft: 'precheck',
  prechecked: 'precheck',
  in_review: 'review',
  needs_correction: 'materials',
  correction_expired: 'materials',
  accepted: 'handoff',
  handed_off: 'handoff',
  in_handling: 'handoff',
  completed: 'handoff',
  rated: 'handoff',
  rejected: 'review',
  withdrawn: null,
};

/** This user's primary action on the case now, if any. */
function actionFor(user: OfficeUser, c: Case, review: ReviewPhase): NextStep | undefined {
  const fires = (a: CaseAction) => allowedCaseActions(user, c).includes(a);
  const act = (action: NextActionId, section: CaseSection | null, transition?: CaseAction): NextStep => ({
    kind: 'act',
    action,
    section,
    ...(transition ? { transition } : {}),
  });
  switch (c.state) {
    case 'draft':
      return can(user, 'precheck.edit', c) && fires('precheck') ? act('complete_precheck', 'precheck', 'precheck') : undefined;
    case 'prechecked':
      // Nothing of the co-review exists before its request: no section to open.
      return fires('request_review') ? act('request_review', null, 'request_review') : undefined;
    case 'in_review':
      // The last request was cancelled or timed out: the window asks again.
      if (review === 'none') return can(user, 'review.request', c) ? act('request_review', null) : undefined;
      // Before taking it the reviewer reads the pre-check; the call itself has the rest.
      if (review === 'waiting') return can(user, 'review.accept', c) ? act('accept_review', 'precheck') : undefined;
      // The section holds what the call needs from here (the applicant's QR code).
      return can(user, 'call.join', c) ? act('join_review', 'review') : undefined;
    case 'needs_correction':
      return fires('resubmit') ? act('resubmit', 'materials', 'resubmit') : undefined;
    case 'accepted':
      return can(user, 'handoff.send', c) ? act('hand_off', 'handoff') : undefined;
    case 'handed_off':
    case 'in_handling':
      return can(user, 'result.record', c) ? act('record_result', 'handoff') : undefined;
    case 'completed':
      // The access table lets the window offer the rating; the state machine lets only the clerk record it.
      return can(user, 'rating.rate', c) && fires('rate') ? act('rate', 'handoff') : undefined;
    default:
      return undefined;
  }
}

/** What `user` does next on case `c`, given its co-review session (`review` matters only in review). */
export function nextStep(user: OfficeUser, c: Case, review: ReviewPhase = 'none'): NextStep {
  if (caseSides(user, c).length === 0) return { kind: 'view', section: null };
  if (isTerminal(c.state)) return { kind: 'closed', section: STATE_SECTION[c.state] };
  const mine = actionFor(user, c, review);
  if (mine) return mine;
  // In review the request is the window's when none is open; once a reviewer holds it, the decision is theirs.
  const awaited: CaseAction = c.state === 'in_review' && review === 'none' ? 'request_review' : AWAITED[c.state];
  return { kind: 'wait', on: ACTION_SIDE[awaited], section: STATE_SECTION[c.state] };
}

/* ---------- the step bar ---------- */

/** 收件 → 预审 → 视频会审 → 转递 → 办理 → 办结 → 评价. */
export const CASE_STEPS = ['intake', 'precheck', 'review', 'handoff', 'handling', 'completed', 'rating'] as const;
export type CaseStep = (typeof CASE_STEPS)[number];

export const CASE_STEP_LABELS: Record<CaseStep, { zh: string; en: string }> = {
  intake: { zh: '收件', en: 'Intake' },
  precheck: { zh: '预审', en: 'Pre-check' },
  review: { zh: '视频会审', en: 'Co-review' },
  handoff: { zh: '转递', en: 'Handoff' },
  handling: { zh: '办理', en: 'Handling' },
  completed: { zh: '办结', en: 'Result' },
  rating: { zh: '评价', en: 'Rating' },
};

/** The step each state is at: the one being worked on (已办结 waits for the rating). */
const STATE_STEP: Record<Exclude<CaseState, 'withdrawn'>, CaseStep> = {
  draft: 'precheck',
  prechecked: 'review',
  in_review: 'review',
  needs_correction: 'review',
  correction_expired: 'review',
  rejected: 'review',
  accepted: 'handoff',
  handed_off: 'handling',
  in_handling: 'handling',
  completed: 'rating',
  rated: 'rating',
};

export interface CaseProgress {
  /** The step the case is at (aria-current="step"). */
  current: CaseStep;
  /** Steps behind it, and the current one too once the case is rated. */
  done: CaseStep[];
  /** The case stopped at `current` (补正, 不予受理, 撤回): the state says why. */
  halted: boolean;
}

/**
 * Where the case stands on the bar. A withdrawn case stopped where it was withdrawn: `withdrawnFrom`
 * is the state its `withdraw` left (the audit trail records it); without it, at 收件.
 */
export function caseProgress(state: CaseState, withdrawnFrom?: CaseState): CaseProgress {
  const at =
    state === 'withdrawn' ? (withdrawnFrom && withdrawnFrom !== 'withdrawn' ? STATE_STEP[withdrawnFrom] : 'intake') : STATE_STEP[state];
  const index = CASE_STEPS.indexOf(at);
  return {
    current: at,
    done: CASE_STEPS.filter((_, i) => i < index || (state === 'rated' && i === index)),
    halted: state === 'withdrawn' || state === 'rejected' || state === 'needs_correction' || state === 'correction_expired',
  };
}
