import { describe, expect, it } from 'vitest';
import {
  AppError,
  allowedActions,
  CASE_ACTIONS,
  CASE_STATES,
  DEDICATED_ACTIONS,
  isDedicatedAction,
  isTerminal,
  nextState,
  type ActorRole,
  type CaseAction,
  type CaseState,
} from '@tongban/shared';

const ACTOR_ROLES: ActorRole[] = ['clerk', 'reviewer', 'supervisor', 'admin', 'applicant', 'system', 'peer-site'];

/** The specification, written out independently of the machine's own table. */
const LEGAL: Record<CaseAction, { from: CaseState[]; to: CaseState; by: ActorRole[] }> = {
  precheck: { from: ['draft'], to: 'prechecked', by: ['clerk', 'supervisor', 'system'] },
  request_review: { from: ['prechecked'], to: 'in_review', by: ['clerk', 'supervisor'] },
  accept: { from: ['in_review'], to: 'accepted', by: ['reviewer', 'supervisor'] },
  request_correction: { from: ['in_review'], to: 'needs_correction', by: ['reviewer', 'supervisor'] },
  reject: { from: ['in_review'], to: 'rejected', by: ['reviewer', 'supervisor'] },
  resubmit: { from: ['needs_correction'], to: 'draft', by: ['clerk', 'supervisor'] },
  hand_off: { from: ['accepted'], to: 'handed_off', by: ['clerk', 'supervisor'] },
  start_handling: { from: ['handed_off'], to: 'in_handling', by: ['reviewer', 'supervisor', 'peer-site'] },
  complete: { from: ['in_handling'], to: 'completed', by: ['reviewer', 'supervisor', 'peer-site'] },
  rate: { from: ['completed'], to: 'rated', by: ['applicant', 'clerk'] },
  withdraw: { from: ['draft', 'prechecked', 'in_review', 'needs_correction', 'accepted'], to: 'withdrawn', by: ['clerk', 'supervisor'] },
  reopen: { from: ['rejected', 'withdrawn'], to: 'draft', by: ['supervisor'] },
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return (e as AppError).code;
  }
}

describe('case state machine', () => {
  const combos = CASE_STATES.flatMap((state) => CASE_ACTIONS.flatMap((action) => ACTOR_ROLES.map((role) => ({ state, action, role }))));

  it.each(combos.filter(({ state, action, role }) => LEGAL[action].from.includes(state) && LEGAL[action].by.includes(role)))(
    'allows $action from $state by $role',
    ({ state, action, role }) => {
      expect(nextState(state, action, role)).toBe(LEGAL[action].to);
    },
  );

  it('refuses every other combination with the specific code', () => {
    let illegal = 0;
    let forbidden = 0;
    for (const { state, action, role } of combos) {
      const spec = LEGAL[action];
      if (spec.from.includes(state) && spec.by.includes(role)) continue;
      const expected = spec.from.includes(state) ? 'CASE_TRANSITION_FORBIDDEN' : 'CASE_ILLEGAL_TRANSITION';
      expect(
        codeOf(() => nextState(state, action, role)),
        `${action} from ${state} by ${role}`,
      ).toBe(expected);
      if (expected === 'CASE_ILLEGAL_TRANSITION') illegal++;
      else forbidden++;
    }
    expect(illegal).toBeGreaterThan(500);
    expect(forbidden).toBeGreaterThan(50);
  });

  it('maps errors to HTTP 409 (wrong state) and 403 (wrong role) with a Chinese message', () => {
    try {
      nextState('draft', 'accept', 'reviewer');
      expect.unreachable();
    } catch (e) {
      const err = e as AppError;
      expect(err.status).toBe(409);
      expect(err.message_zh).toContain('草稿');
      expect(err.details).toMatchObject({ state: 'draft', action: 'accept' });
    }
    try {
      nextState('in_review', 'accept', 'clerk');
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).status).toBe(403);
    }
  });

  it('walks the happy path, the 补正 loop, withdrawal and reopening', () => {
    let s: CaseState = 'draft';
    s = nextState(s, 'precheck', 'system');
    s = nextState(s, 'request_review', 'clerk');
    s = nextState(s, 'request_correction', 'reviewer');
    expect(s).toBe('needs_correction');
    s = nextState(s, 'resubmit', 'clerk');
    s = nextState(s, 'precheck', 'clerk');
    s = nextState(s, 'request_review', 'clerk');
    s = nextState(s, 'accept', 'reviewer');
    s = nextState(s, 'hand_off', 'clerk');
    s = nextState(s, 'start_handling', 'peer-site');
    s = nextState(s, 'complete', 'reviewer');
    s = nextState(s, 'rate', 'applicant');
    expect(s).toBe('rated');
    expect(isTerminal(s)).toBe(true);
    expect(nextState(nextState('accepted', 'withdraw', 'clerk'), 'reopen', 'supervisor')).toBe('draft');
  });

  it('lists exactly the legal actions per state and role', () => {
    for (const state of CASE_STATES) {
      for (const role of ACTOR_ROLES) {
        const expected = CASE_ACTIONS.filter((a) => LEGAL[a].from.includes(state) && LEGAL[a].by.includes(role));
        expect(allowedActions(state, role), `${state}/${role}`).toEqual(expected);
      }
    }
    expect(allowedActions('in_review', 'reviewer')).toEqual(['accept', 'request_correction', 'reject']);
    expect(allowedActions('rated', 'supervisor')).toEqual([]);
  });

  it('marks only rated, rejected and withdrawn as terminal', () => {
    expect(CASE_STATES.filter(isTerminal).sort()).toEqual(['rated', 'rejected', 'withdrawn']);
  });

  it('leaves the generic transition route only the actions without records of their own', () => {
    // 受理/补正/不予受理 exist only as the decision of a video co-review, which the clerk requests.
    expect(DEDICATED_ACTIONS).toEqual({
      request_review: 'POST /api/cases/:id/review',
      accept: 'POST /api/review/sessions/:id/decision',
      request_correction: 'POST /api/review/sessions/:id/decision',
      reject: 'POST /api/review/sessions/:id/decision',
      hand_off: 'POST /api/cases/:id/handoff/courier | /handoff/transfer',
      start_handling: 'POST /api/transfers',
      complete: 'POST /api/cases/:id/handoff/result',
      rate: 'POST /api/cases/:id/rating',
    });
    expect(CASE_ACTIONS.filter((a) => !isDedicatedAction(a))).toEqual(['precheck', 'resubmit', 'withdraw', 'reopen']);
  });
});
