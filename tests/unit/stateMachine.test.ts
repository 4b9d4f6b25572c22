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
  ROLES,
  type ActorRole,
  type CaseAction,
  type CaseState,
} from '@tongban/shared';

const ACTOR_ROLES: ActorRole[] = [...ROLES, 'applicant', 'system', 'peer-site'];

function refusal(state: CaseState, action: CaseAction, role: ActorRole): AppError | undefined {
  try {
    nextState(state, action, role);
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
}

/** Fires each step as its actor, checking that the actor's buttons (allowedActions) offered it. */
function walk(from: CaseState, steps: Array<[CaseAction, ActorRole]>): CaseState[] {
  const visited = [from];
  let s = from;
  for (const [action, role] of steps) {
    expect(allowedActions(s, role), `${role} in ${s}`).toContain(action);
    s = nextState(s, action, role);
    visited.push(s);
  }
  return visited;
}

/** Every state some sequence of transitions (by anyone) reaches from `from`. */
function reachable(from: CaseState): Set<CaseState> {
  const seen = new Set<CaseState>([from]);
  const queue = [from];
  for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
    for (const role of ACTOR_ROLES) {
      for (const action of allowedActions(s, role)) {
        const next = nextState(s, action, role);
        if (seen.has(next)) continue;
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

describe('case state machine', () => {
  it('walks a case from draft to rated through pre-check, review, handoff and handling', () => {
    const path = walk('draft', [
      ['precheck', 'system'],
      ['request_review', 'clerk'],
      ['accept', 'reviewer'],
      ['hand_off', 'clerk'],
      ['start_handling', 'peer-site'],
      ['complete', 'reviewer'],
      ['rate', 'applicant'],
    ]);
    expect(path).toEqual(['draft', 'prechecked', 'in_review', 'accepted', 'handed_off', 'in_handling', 'completed', 'rated']);
    expect(path.filter(isTerminal)).toEqual(['rated']);
  });

  it('sends a case needing 补正 back to draft, and it passes after resubmission', () => {
    const path = walk('prechecked', [
      ['request_review', 'clerk'],
      ['request_correction', 'reviewer'],
      ['resubmit', 'clerk'],
      ['precheck', 'clerk'],
      ['request_review', 'supervisor'],
      ['accept', 'supervisor'],
    ]);
    expect(path).toEqual(['prechecked', 'in_review', 'needs_correction', 'draft', 'prechecked', 'in_review', 'accepted']);
  });

  it('ends a rejected or withdrawn case, which only a supervisor may reopen as a draft', () => {
    expect(walk('in_review', [['reject', 'reviewer']])).toEqual(['in_review', 'rejected']);
    for (const before of ['draft', 'prechecked', 'in_review', 'needs_correction', 'accepted'] as const) {
      expect(walk(before, [['withdraw', 'clerk']]).at(-1)).toBe('withdrawn');
    }
    for (const ended of ['rejected', 'withdrawn'] as const) {
      expect(isTerminal(ended)).toBe(true);
      expect(ACTOR_ROLES.filter((r) => allowedActions(ended, r).length > 0)).toEqual(['supervisor']);
      expect(walk(ended, [['reopen', 'supervisor']])).toEqual([ended, 'draft']);
    }
  });

  it('refuses skipping a step, going back and acting on a finished case with CASE_ILLEGAL_TRANSITION (409)', () => {
    const skips: Array<[CaseState, CaseAction, ActorRole]> = [
      ['draft', 'request_review', 'clerk'], // no review before the pre-check
      ['prechecked', 'accept', 'reviewer'], // no 受理 without a co-review
      ['in_review', 'hand_off', 'clerk'], // no handoff before 受理
      ['accepted', 'complete', 'reviewer'], // no 办结 before it reached the handling office
      ['in_handling', 'rate', 'applicant'], // no rating before 办结
      ['handed_off', 'withdraw', 'clerk'], // too late to withdraw once sent
      ['completed', 'complete', 'reviewer'], // 办结 once
      ['rated', 'rate', 'applicant'], // rated once
      ['accepted', 'reopen', 'supervisor'], // only ended cases reopen
    ];
    for (const [state, action, role] of skips) {
      const err = refusal(state, action, role);
      expect(err?.code, `${action} from ${state}`).toBe('CASE_ILLEGAL_TRANSITION');
      expect(err?.status).toBe(409);
      expect(err?.details).toMatchObject({ state, action });
    }
    expect(refusal('draft', 'accept', 'reviewer')?.message_zh).toContain('草稿');
    expect(ACTOR_ROLES.flatMap((r) => allowedActions('rated', r))).toEqual([]);
  });

  it('refuses a role that may not fire a transition with CASE_TRANSITION_FORBIDDEN (403)', () => {
    const wrongRole: Array<[CaseState, CaseAction, ActorRole]> = [
      ['in_review', 'accept', 'clerk'], // the window does not decide 受理
      ['in_review', 'reject', 'applicant'],
      ['draft', 'precheck', 'reviewer'],
      ['accepted', 'hand_off', 'reviewer'],
      ['handed_off', 'start_handling', 'clerk'],
      ['completed', 'rate', 'reviewer'], // the handling office does not rate itself
      ['draft', 'withdraw', 'applicant'], // recorded by the clerk
      ['rejected', 'reopen', 'clerk'],
      ['in_review', 'accept', 'peer-site'],
    ];
    for (const [state, action, role] of wrongRole) {
      const err = refusal(state, action, role);
      expect(err?.code, `${action} from ${state} by ${role}`).toBe('CASE_TRANSITION_FORBIDDEN');
      expect(err?.status).toBe(403);
      expect(err?.details).toMatchObject({ state, action, role });
    }
  });

  it('never lets an administrator change a case, and lets supervisors act for their staff', () => {
    for (const state of CASE_STATES) {
      expect(allowedActions(state, 'admin'), state).toEqual([]);
      const staff = (['clerk', 'reviewer'] as const).flatMap((r) => allowedActions(state, r));
      // Rating is the applicant's (recorded by the clerk), not a supervisor's.
      expect(
        staff.filter((a) => a !== 'rate' && !allowedActions(state, 'supervisor').includes(a)),
        state,
      ).toEqual([]);
    }
  });

  it('offers exactly the actions nextState accepts, and names the state as the problem before the role', () => {
    for (const state of CASE_STATES) {
      for (const action of CASE_ACTIONS) {
        const anyoneMay = ACTOR_ROLES.some((r) => allowedActions(state, r).includes(action));
        for (const role of ACTOR_ROLES) {
          const err = refusal(state, action, role);
          expect(err === undefined, `${action} from ${state} by ${role}`).toBe(allowedActions(state, role).includes(action));
          if (err) expect(err.code).toBe(anyoneMay ? 'CASE_TRANSITION_FORBIDDEN' : 'CASE_ILLEGAL_TRANSITION');
        }
      }
    }
  });

  it('reaches every state from draft, and a terminal state from every state', () => {
    expect([...reachable('draft')].sort()).toEqual([...CASE_STATES].sort());
    for (const state of CASE_STATES) expect([...reachable(state)].some(isTerminal), state).toBe(true);
    expect(CASE_STATES.filter(isTerminal).sort()).toEqual(['correction_expired', 'rated', 'rejected', 'withdrawn']);
  });

  it('leaves the generic transition route only the actions without records of their own', () => {
    // 受理/补正/不予受理 exist only as the decision of a video co-review, which the clerk requests.
    expect(DEDICATED_ACTIONS).toEqual({
      request_review: 'POST /api/cases/:id/review',
      accept: 'POST /api/review/sessions/:id/decision',
      request_correction: 'POST /api/review/sessions/:id/decision',
      reject: 'POST /api/review/sessions/:id/decision',
      hand_off: 'POST /api/cases/:id/handoff/courier | /handoff/transfer',
      start_handling: 'POST /api/transfers | /api/cases/:id/handoff/start',
      complete: 'POST /api/cases/:id/handoff/result',
      rate: 'POST /api/cases/:id/rating',
      expire_correction: "no route: the server's 补正 deadline job",
    });
    expect(CASE_ACTIONS.filter((a) => !isDedicatedAction(a))).toEqual(['precheck', 'resubmit', 'withdraw', 'reopen']);
  });
});
