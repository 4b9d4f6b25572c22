import { AppError } from '../errors';
import { ROLES, type ActorRole, type Role } from '../roles';
import { SIGNABLE_STATES } from '../signature/signature';
import { allowedActions, TRANSITIONS, type CaseAction, type CaseState } from './stateMachine';

/**
 * Who may do what, in one table (ACCESS) and one question (`can`). Pure: the server asks it on
 * every route and service, the client to decide which buttons and links to show.
 *
 * - clerk: cases received at their intake window;
 * - reviewer: cases routed to their handling office;
 * - supervisor: both sides of their own office (they act for their staff);
 * - admin: every case, but never as a case participant (no transitions, masked identity).
 *
 * Case transitions keep their role × state rule in the state machine (`nextState`); this module
 * adds the office side (ACTION_SIDE).
 */
export interface OfficeUser {
  role: Role;
  officeId: string;
}

/** Whoever asks: a signed-in user, or a peer in a call (an applicant has no office). */
export interface Principal {
  role: ActorRole;
  officeId?: string | null;
}

export interface CaseOffices {
  intakeOfficeId: string;
  handlingOfficeId: string;
}

/** A case as the rules see it; `state` is judged for the actions whose rule lists states. */
export interface CaseRef extends CaseOffices {
  state?: CaseState;
}

/** The side of the case the user works on: intake (收件) or handling (审批). */
export type CaseSide = 'intake' | 'handling';

/** Who works each side of a case at that side's office. */
const SIDE_ROLES: Record<CaseSide, readonly Role[]> = { intake: ['clerk', 'supervisor'], handling: ['reviewer', 'supervisor'] };
/** Who reads every case without being on either side of it. */
const EVERY_CASE_ROLES: readonly ActorRole[] = ['admin'];

/** Which side fires each action: the window side receives and hands off, the handling side decides. */
export const ACTION_SIDE: Record<CaseAction, CaseSide> = {
  precheck: 'intake',
  request_review: 'intake',
  accept: 'handling',
  request_correction: 'handling',
  reject: 'handling',
  resubmit: 'intake',
  hand_off: 'intake',
  start_handling: 'handling',
  complete: 'handling',
  rate: 'intake',
  withdraw: 'intake',
  reopen: 'intake',
  expire_correction: 'intake',
};

interface ActionRule {
  /** The roles that may ever do it; anyone else is refused with 403 FORBIDDEN_ROLE. */
  roles: readonly ActorRole[];
  /**
   * The side of the case the user must be on ('either': a participant of the case); anyone else
   * is refused with 403 FORBIDDEN_OFFICE. None: the action is not about one case.
   */
  side?: CaseSide | 'either';
  /** EVERY_CASE_ROLES pass the side rule too. */
  everyCase?: true;
  /** The states of the case it applies to; in any other the feature answers with its own code. */
  states?: readonly CaseState[];
}

const WINDOW = SIDE_ROLES.intake;
const HANDLING = SIDE_ROLES.handling;
/** Before review, or to answer 补正: the window may still change the scans and their pre-check. */
const MATERIALS_OPEN: readonly CaseState[] = ['draft', 'needs_correction', 'prechecked'];
/** Once the case has left the intake window: what reached the handling office can be signed for. */
const HANDED_OFF_STATES: readonly CaseState[] = ['handed_off', 'in_handling', 'completed', 'rated'];
/** Until the case leaves the window (转递): the scans are still the window's to check against the originals. */
const BEFORE_HANDOFF: readonly CaseState[] = ['draft', 'prechecked', 'in_review', 'needs_correction', 'accepted'];
/** From 受理 on, while the case goes on to its result. */
const RECEIPT_STATES: readonly CaseState[] = ['accepted', 'handed_off', 'in_handling', 'completed', 'rated'];

/** The office roles the state machine lets fire a transition (an action that fires one is theirs). */
const firedBy = (a: CaseAction): Role[] => ROLES.filter((r) => TRANSITIONS[a].by.includes(r));

export const ACCESS = {
  /** At an intake office; the office's kind is the catalogue's, so CaseService checks it. */
  'case.create': { roles: WINDOW },
  'case.view': { roles: ROLES, side: 'either', everyCase: true },
  /**
   * The full ID number and phone, and the files that carry them (scans, page images, the ID
   * photo, snapshots, recordings, bags): an image cannot be masked, so admins get none of them.
   */
  'case.fullIdentity': { roles: ROLES, side: 'either' },

  /** 收件回执: printed at the window once the case is accepted, and again on request later. */
  'case.receipt': { roles: WINDOW, side: 'intake', states: RECEIPT_STATES },

  'materials.upload': { roles: WINDOW, side: 'intake', states: MATERIALS_OPEN },
  /** Removing a scan is only possible before anything was checked against it. */
  'materials.delete': { roles: WINDOW, side: 'intake', states: ['draft'] },
  /** 已核验原件: recording (or withdrawing) that a scan was compared with the original, at the window or in the call. */
  'materials.checkOriginal': { roles: WINDOW, side: 'intake', states: BEFORE_HANDOFF },
  /** 申请人签名 on the window's device (在本机签名), the clerk signed in; signing again needs their reason. */
  'signature.signAtWindow': { roles: WINDOW, side: 'intake', states: SIGNABLE_STATES },
  /** The applicant signs on their own phone in the call (their key names the session). */
  'signature.applicantSign': { roles: ['applicant'] },
  /** Running, correcting, overriding and closing the pre-check. */
  'precheck.edit': { roles: WINDOW, side: 'intake', states: MATERIALS_OPEN },

  /** Also re-requesting one for a case still in review, so its state is the service's to judge. */
  'review.request': { roles: firedBy('request_review'), side: ACTION_SIDE.request_review },
  'review.cancel': { roles: WINDOW, side: 'intake' },
  'review.applicantLink': { roles: WINDOW, side: 'intake' },
  /** 补正材料通知书: printed at the window, read by the handling office; the service says when there is none. */
  'correction.notice': { roles: [...WINDOW, 'reviewer'], side: 'either' },
  /** A changed 补正 list: the notice in force withdrawn with a reason and the next one issued, while the case awaits it. */
  'correction.reissue': { roles: HANDLING, side: 'handling', states: ['needs_correction'] },
  /** The handling office's queue of waiting co-reviews. */
  'review.queue': { roles: HANDLING },
  'review.accept': { roles: HANDLING, side: 'handling' },
  /** Consent, liveness prompts, identity checks and snapshots. */
  'review.verify': { roles: HANDLING, side: 'handling' },
  /** The applicant's own answer to the consent question, from their phone in the call (their key names the session). */
  'review.applicantConsent': { roles: ['applicant'] },
  /** 受理, 补正 and 不予受理 are fired by the same roles from the same side. */
  'review.decide': { roles: firedBy('accept'), side: ACTION_SIDE.accept },

  /** An admin is on neither side: 403 FORBIDDEN_OFFICE. Applicants join with a key instead. */
  'call.join': { roles: ROLES, side: 'either' },
  /** Publishing the document camera (the window's). */
  'call.shareDocument': { roles: WINDOW },
  /** Steering the shared material viewer: staff, not the applicant. */
  'call.steerViewer': { roles: ROLES },
  /** 批注: drawing on (or removing one's own mark from) the shared materials in the call — the desks, not the applicant. */
  'call.annotate': { roles: ['clerk', 'reviewer', 'supervisor'] },
  'sfu.stats': { roles: ['supervisor', 'admin'] },

  'handoff.send': { roles: firedBy('hand_off'), side: ACTION_SIDE.hand_off, states: TRANSITIONS.hand_off.from },
  /** 登记原件寄出 after an online transfer: the originals the catalogue marks 原件需邮寄 follow by courier. */
  'handoff.mailOriginals': { roles: firedBy('hand_off'), side: ACTION_SIDE.hand_off, states: ['handed_off', 'in_handling'] },
  /** 收件签收 at the handling office: look the case up by cover sheet or number, sign for its paper envelope. */
  'handoff.receive': { roles: HANDLING, side: ACTION_SIDE.start_handling, states: HANDED_OFF_STATES },
  /** 开始办理 once what came by courier is signed for (an online transfer starts it on arrival). */
  'handoff.startHandling': { roles: firedBy('start_handling'), side: ACTION_SIDE.start_handling, states: TRANSITIONS.start_handling.from },
  /** 办结 once the case has reached the handling office (recording the result starts its handling). */
  'result.record': { roles: firedBy('complete'), side: ACTION_SIDE.complete, states: ['handed_off', 'in_handling'] },
  'result.resend': { roles: HANDLING, side: ACTION_SIDE.complete },
  /**
   * The window offers the rating, on its screen or as a phone link; the `rate` transition then
   * lets only the clerk record it at the window (403 CASE_TRANSITION_FORBIDDEN for a supervisor).
   */
  'rating.rate': { roles: WINDOW, side: ACTION_SIDE.rate, states: TRANSITIONS.rate.from },
  /** The ratings of the user's intake office (every office for an admin). */
  'rating.ledger': { roles: ['clerk', 'supervisor', 'admin'] },
  /** Closing a low rating's follow-up: the intake office's supervisor. */
  'rating.followUp': { roles: ['supervisor'], side: 'intake' },
  /** 追评: the applicant's one later comment, recorded at the window. */
  'rating.append': { roles: WINDOW, side: 'intake', states: ['rated'] },
  /** 申诉复核: the rated (intake) office files it; a supervisor of the case's other office decides. */
  'rating.appeal': { roles: ['supervisor'], side: 'intake', states: ['rated'] },
  'rating.appealDecide': { roles: ['supervisor'], side: 'handling', states: ['rated'] },
  /** 工作台账 of the user's office (every office for an admin). */
  'ledger.view': { roles: ['supervisor', 'admin'] },
  /** 节假日日历: the holidays and 调休 days every deadline counts on. */
  'calendar.view': { roles: ['supervisor', 'admin'] },
  /** Entering a year the package does not carry yet, or correcting a day of it. */
  'calendar.edit': { roles: ['admin'] },
  /** 环节时限设置: a catalogue item's own limit and responsible office per step. */
  'catalog.editSteps': { roles: ['admin'] },
  /** 监督看板: figures of the cases the user's office takes part in (every case for an admin). */
  'dashboard.view': { roles: ['supervisor', 'admin'] },
  /** 抽查复核: the sampled co-reviews of the user's office, and the second opinion a handling-side supervisor gives. */
  'reviewQa.view': { roles: ['supervisor'] },
  'reviewQa.opinion': { roles: ['supervisor'], side: 'handling' },
  /** 诉讼保全: keeping a case's evidence past its retention period (a supervisor of either side, or an admin). */
  'retention.hold': { roles: ['supervisor', 'admin'], side: 'either', everyCase: true },
} as const satisfies Record<string, ActionRule>;

export type Action = keyof typeof ACCESS;

/** Why the user may not do this: their role, their office's side of the case, or the case's state. */
export type Refusal = 'role' | 'office' | 'state';

/**
 * Why `user` may not do `action` (on case `c`), or undefined if they may. Without `c` only the
 * role is judged: a route asks before the case is loaded, the service again once it has it.
 */
export function refusal(user: Principal, action: Action, c?: CaseRef): Refusal | undefined {
  const rule: ActionRule = ACCESS[action];
  if (!rule.roles.includes(user.role)) return 'role';
  if (!c || !rule.side) return undefined;
  const sides = caseSides(user, c);
  const onSide = rule.side === 'either' ? sides.length > 0 : sides.includes(rule.side);
  if (!onSide && !(rule.everyCase && seesEveryCase(user))) return 'office';
  if (rule.states && c.state !== undefined && !rule.states.includes(c.state)) return 'state';
  return undefined;
}

export function can(user: Principal, action: Action, c?: CaseRef): boolean {
  return refusal(user, action, c) === undefined;
}

export interface RefusalAnswers<C> {
  /** Extra details for the error (e.g. the case id). */
  details?: Record<string, unknown>;
  /** The message of a 403 FORBIDDEN_OFFICE, saying whose work it is. */
  office?: { zh: string; en: string } | undefined;
  /** The answer to a case in a state the action does not apply to; 409 CASE_ILLEGAL_TRANSITION if not given. */
  wrongState?: (c: C) => AppError;
}

/** `can`, or throws the refusal: 403 FORBIDDEN_ROLE, 403 FORBIDDEN_OFFICE, or the wrong state's answer. */
export function assertCan<C extends CaseRef>(user: Principal, action: Action, c?: C, answers: RefusalAnswers<C> = {}): void {
  const why = refusal(user, action, c);
  if (!why) return;
  const details = { ...answers.details, action };
  if (why === 'role') throw new AppError('FORBIDDEN_ROLE', { details: { ...details, role: user.role, allowed: ACCESS[action].roles } });
  if (why === 'office') throw new AppError('FORBIDDEN_OFFICE', { details, ...answers.office });
  throw answers.wrongState?.(c!) ?? new AppError('CASE_ILLEGAL_TRANSITION', { details: { ...details, state: c!.state } });
}

/** The sides of this case the user belongs to (empty: the case is not theirs). */
export function caseSides(user: Principal, c: CaseOffices): CaseSide[] {
  const officeOf: Record<CaseSide, string> = { intake: c.intakeOfficeId, handling: c.handlingOfficeId };
  return (['intake', 'handling'] as const).filter((side) => {
    const roles: readonly ActorRole[] = SIDE_ROLES[side];
    return officeOf[side] === user.officeId && roles.includes(user.role);
  });
}

/** Admins: lists and ledgers cover every office for them. */
export function seesEveryCase(user: Principal): boolean {
  return EVERY_CASE_ROLES.includes(user.role);
}

export function canViewCase(user: Principal, c: CaseOffices): boolean {
  return can(user, 'case.view', c);
}

/**
 * `canViewCase` as a filter a list can run in its query: every case, or the cases where the
 * user's office holds one of these sides (none: the user lists no case).
 */
export function viewableSides(user: Principal): 'every' | CaseSide[] {
  const rule: ActionRule = ACCESS['case.view'];
  if (!rule.roles.includes(user.role)) return [];
  if (seesEveryCase(user)) return 'every';
  if (!user.officeId) return [];
  return (['intake', 'handling'] as const).filter((side) => {
    const roles: readonly ActorRole[] = SIDE_ROLES[side];
    return roles.includes(user.role);
  });
}

/** Case participants see the full ID number and phone, and the case's files; see 'case.fullIdentity'. */
export function canSeeFullIdentity(user: Principal, c: CaseOffices): boolean {
  return can(user, 'case.fullIdentity', c);
}

/** Office rule for a transition; the role rule is the state machine's (`nextState`). */
export function canActOnSide(user: Principal, c: CaseOffices, action: CaseAction): boolean {
  return caseSides(user, c).includes(ACTION_SIDE[action]);
}

/** The buttons to show this user for this case now. */
export function allowedCaseActions(user: OfficeUser, c: CaseOffices & { state: CaseState }): CaseAction[] {
  return allowedActions(c.state, user.role).filter((a) => canActOnSide(user, c, a));
}
