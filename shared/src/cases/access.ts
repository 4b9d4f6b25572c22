import type { Role } from '../roles';
import { allowedActions, type CaseAction, type CaseState } from './stateMachine';

/**
 * Who may see and act on a case, by office. Pure: the server applies it to every case read and
 * write, the client uses it to decide which buttons to show.
 *
 * - clerk: cases received at their intake window;
 * - reviewer: cases routed to their handling office;
 * - supervisor: both sides of their own office (they act for their staff);
 * - admin: every case, but never as a case participant (no transitions, masked identity).
 */
export interface OfficeUser {
  role: Role;
  officeId: string;
}

export interface CaseOffices {
  intakeOfficeId: string;
  handlingOfficeId: string;
}

/** The side of the case the user works on: intake (收件) or handling (审批). */
export type CaseSide = 'intake' | 'handling';

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
};

/** The sides of this case the user belongs to (empty: the case is not theirs). */
export function caseSides(user: OfficeUser, c: CaseOffices): CaseSide[] {
  const sides: CaseSide[] = [];
  const intake = c.intakeOfficeId === user.officeId;
  const handling = c.handlingOfficeId === user.officeId;
  if (intake && (user.role === 'clerk' || user.role === 'supervisor')) sides.push('intake');
  if (handling && (user.role === 'reviewer' || user.role === 'supervisor')) sides.push('handling');
  return sides;
}

export function canViewCase(user: OfficeUser, c: CaseOffices): boolean {
  return user.role === 'admin' || caseSides(user, c).length > 0;
}

/**
 * Case participants see the full ID number and phone; admins and everyone in lists see them
 * masked. The same rule keeps the case's files (scans, page images, the ID photo, snapshots,
 * recordings, bags) with its participants: an image cannot be masked, so admins get none of them.
 */
export function canSeeFullIdentity(user: OfficeUser, c: CaseOffices): boolean {
  return caseSides(user, c).length > 0;
}

/** Only the intake window receives, replaces and removes scans. */
export function canEditMaterials(user: OfficeUser, c: CaseOffices): boolean {
  return caseSides(user, c).includes('intake');
}

/** Office rule for a transition; the role rule is the state machine's (`nextState`). */
export function canActOnSide(user: OfficeUser, c: CaseOffices, action: CaseAction): boolean {
  return caseSides(user, c).includes(ACTION_SIDE[action]);
}

/** The buttons to show this user for this case now. */
export function allowedCaseActions(user: OfficeUser, c: CaseOffices & { state: CaseState }): CaseAction[] {
  return allowedActions(c.state, user.role).filter((a) => canActOnSide(user, c, a));
}

/** States in which the intake window may still add scans (before review, or to answer 补正). */
export const MATERIAL_UPLOAD_STATES: readonly CaseState[] = ['draft', 'needs_correction', 'prechecked'];
/** Removing a scan is only possible before anything was checked against it. */
export const MATERIAL_DELETE_STATES: readonly CaseState[] = ['draft'];
