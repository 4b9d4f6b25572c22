import { describe, expect, it } from 'vitest';
import { isAppError, ROLES } from '@tongban/shared';
import {
  ACCESS,
  allowedCaseActions,
  assertCan,
  can,
  canActOnSide,
  canSeeFullIdentity,
  canViewCase,
  caseSides,
  refusal,
  viewableSides,
  type Action,
  type OfficeUser,
} from '@tongban/shared/cases/access';

// A case received at the Shaoguan window and handled in Changsha.
const c = { intakeOfficeId: 'gd-sg-window', handlingOfficeId: 'hn-cs-office' };
const clerk: OfficeUser = { role: 'clerk', officeId: 'gd-sg-window' };
const clerk2: OfficeUser = { role: 'clerk', officeId: 'gd-sz-window' };
const reviewer: OfficeUser = { role: 'reviewer', officeId: 'hn-cs-office' };
const reviewer2: OfficeUser = { role: 'reviewer', officeId: 'sc-cd-office' };
const supervisor: OfficeUser = { role: 'supervisor', officeId: 'gd-sg-window' };
const handlingSupervisor: OfficeUser = { role: 'supervisor', officeId: 'hn-cs-office' };
const admin: OfficeUser = { role: 'admin', officeId: 'gd-sg-window' };

describe('case access rules', () => {
  it('lets each role see only cases its office takes part in', () => {
    expect([clerk, reviewer, supervisor, handlingSupervisor, admin].every((u) => canViewCase(u, c))).toBe(true);
    expect(canViewCase(clerk2, c)).toBe(false);
    expect(canViewCase(reviewer2, c)).toBe(false);
    // Office alone is not enough: a reviewer sitting at the intake office is not on the case.
    expect(canViewCase({ role: 'reviewer', officeId: 'gd-sg-window' }, c)).toBe(false);
    expect(canViewCase({ role: 'clerk', officeId: 'hn-cs-office' }, c)).toBe(false);
  });

  it('gives lists the same rule as a filter (viewableSides)', () => {
    const offices = ['gd-sg-window', 'gd-sz-window', 'hn-cs-office', 'sc-cd-office'];
    const cases = offices.flatMap((intakeOfficeId) => offices.map((handlingOfficeId) => ({ intakeOfficeId, handlingOfficeId })));
    const column = { intake: 'intakeOfficeId', handling: 'handlingOfficeId' } as const;
    for (const role of [...ROLES, 'applicant', 'system', 'peer-site'] as const)
      for (const officeId of [...offices, null]) {
        const user = { role, officeId };
        const sides = viewableSides(user);
        for (const k of cases) {
          const listed = sides === 'every' || sides.some((side) => k[column[side]] === officeId);
          expect(listed, `${role} at ${officeId} on ${k.intakeOfficeId}→${k.handlingOfficeId}`).toBe(canViewCase(user, k));
        }
      }
  });

  it('puts each user on their side of the case', () => {
    expect(caseSides(clerk, c)).toEqual(['intake']);
    expect(caseSides(reviewer, c)).toEqual(['handling']);
    expect(caseSides(supervisor, c)).toEqual(['intake']);
    expect(caseSides(handlingSupervisor, c)).toEqual(['handling']);
    expect(caseSides(admin, c)).toEqual([]);
  });

  it('shows the full identity to participants only, and materials are edited at the window only', () => {
    expect(canSeeFullIdentity(clerk, c)).toBe(true);
    expect(canSeeFullIdentity(reviewer, c)).toBe(true);
    expect(canSeeFullIdentity(admin, c)).toBe(false);
    expect(can(clerk, 'materials.upload', c)).toBe(true);
    expect(can(supervisor, 'materials.upload', c)).toBe(true);
    expect(can(reviewer, 'materials.upload', c)).toBe(false);
    expect(can(handlingSupervisor, 'materials.upload', c)).toBe(false);
  });

  it('keeps decisions on the handling side and hand-off on the intake side', () => {
    expect(canActOnSide(reviewer, c, 'accept')).toBe(true);
    expect(canActOnSide(supervisor, c, 'accept')).toBe(false);
    expect(canActOnSide(handlingSupervisor, c, 'accept')).toBe(true);
    expect(canActOnSide(supervisor, c, 'hand_off')).toBe(true);
    expect(canActOnSide(handlingSupervisor, c, 'hand_off')).toBe(false);
  });

  it('combines the state machine and the office rule into the buttons to show', () => {
    expect(allowedCaseActions(clerk, { ...c, state: 'draft' })).toEqual(['precheck', 'withdraw']);
    expect(allowedCaseActions(reviewer, { ...c, state: 'draft' })).toEqual([]);
    expect(allowedCaseActions(reviewer, { ...c, state: 'in_review' })).toEqual(['accept', 'request_correction', 'reject']);
    expect(allowedCaseActions(supervisor, { ...c, state: 'in_review' })).toEqual(['withdraw']);
    expect(allowedCaseActions(handlingSupervisor, { ...c, state: 'in_review' })).toEqual(['accept', 'request_correction', 'reject']);
    expect(allowedCaseActions(admin, { ...c, state: 'in_review' })).toEqual([]);
    expect(allowedCaseActions(reviewer2, { ...c, state: 'in_review' })).toEqual([]);
  });

  it('refuses by role before office, and by office before state', () => {
    expect(refusal(reviewer, 'materials.upload', c)).toBe('role');
    expect(refusal(clerk2, 'materials.upload', c)).toBe('office');
    expect(refusal(handlingSupervisor, 'materials.upload', c)).toBe('office');
    expect(refusal(clerk, 'materials.upload', { ...c, state: 'in_review' })).toBe('state');
    expect(refusal(clerk, 'materials.delete', { ...c, state: 'prechecked' })).toBe('state');
    expect(refusal(clerk, 'materials.upload', { ...c, state: 'prechecked' })).toBeUndefined();
    // Without the case only the role is judged (a route, before the case is loaded).
    expect(can(clerk2, 'materials.upload')).toBe(true);
    expect(can(reviewer, 'materials.upload')).toBe(false);
  });

  it('lets admins read every case but act on none, nor join its call', () => {
    expect(can(admin, 'case.view', c)).toBe(true);
    expect(refusal(admin, 'case.fullIdentity', c)).toBe('office');
    expect(refusal(admin, 'call.join', c)).toBe('office');
    expect(refusal(admin, 'review.accept', c)).toBe('role');
    expect(can(admin, 'ledger.view')).toBe(true);
    expect(can(admin, 'rating.followUp')).toBe(false);
  });

  it('keeps the call’s document camera with the window and the viewer with staff, not applicants', () => {
    expect(can({ role: 'clerk' }, 'call.shareDocument')).toBe(true);
    expect(can({ role: 'reviewer' }, 'call.shareDocument')).toBe(false);
    expect(can({ role: 'applicant' }, 'call.shareDocument')).toBe(false);
    expect(can({ role: 'reviewer' }, 'call.steerViewer')).toBe(true);
    expect(can({ role: 'applicant' }, 'call.steerViewer')).toBe(false);
    expect(refusal({ role: 'applicant', officeId: null }, 'call.join', c)).toBe('role');
  });

  it('gives each case action to one side only, and its roles to that side', () => {
    for (const [action, rule] of Object.entries(ACCESS) as Array<[Action, (typeof ACCESS)[Action]]>) {
      if (!('side' in rule) || rule.side === 'either') continue;
      for (const role of ROLES) {
        const onOwnSide = { role, officeId: rule.side === 'intake' ? c.intakeOfficeId : c.handlingOfficeId };
        const onOtherSide = { role, officeId: rule.side === 'intake' ? c.handlingOfficeId : c.intakeOfficeId };
        expect(refusal(onOtherSide, action, c), `${action} ${role} other side`).toMatch(/^(role|office)$/);
        if (refusal(onOwnSide, action) === undefined) expect(refusal(onOwnSide, action, c), `${action} ${role}`).toBeUndefined();
      }
    }
  });

  it('throws the codes clients know', () => {
    const codeOf = (f: () => void) => {
      try {
        f();
        return 'none';
      } catch (e) {
        return isAppError(e) ? `${e.status} ${e.code}` : String(e);
      }
    };
    expect(codeOf(() => assertCan(reviewer, 'review.request', c))).toBe('403 FORBIDDEN_ROLE');
    expect(codeOf(() => assertCan(reviewer2, 'review.accept', c))).toBe('403 FORBIDDEN_OFFICE');
    expect(codeOf(() => assertCan(clerk, 'handoff.send', { ...c, state: 'draft' }))).toBe('409 CASE_ILLEGAL_TRANSITION');
    expect(codeOf(() => assertCan(clerk, 'handoff.send', { ...c, state: 'accepted' }))).toBe('none');
  });
});
