import { describe, expect, it } from 'vitest';
import {
  allowedCaseActions,
  canActOnSide,
  canEditMaterials,
  canSeeFullIdentity,
  canViewCase,
  caseSides,
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
    expect(canEditMaterials(clerk, c)).toBe(true);
    expect(canEditMaterials(supervisor, c)).toBe(true);
    expect(canEditMaterials(reviewer, c)).toBe(false);
    expect(canEditMaterials(handlingSupervisor, c)).toBe(false);
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
});
