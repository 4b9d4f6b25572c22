import { describe, expect, it } from 'vitest';
import { CASE_STATES, type CaseState } from '@tongban/shared';
import { allowedCaseActions, can, type OfficeUser } from '@tongban/shared/cases/access';
import { CASE_STEPS, caseProgress, NEXT_ACTIONS, nextStep, type NextStep, type ReviewPhase } from '@tongban/shared/cases/nextStep';

// A case received at the Shaoguan window and handled in Changsha.
const offices = { intakeOfficeId: 'gd-sg-window', handlingOfficeId: 'hn-cs-office' };
const USERS = {
  clerk: { role: 'clerk', officeId: 'gd-sg-window' },
  reviewer: { role: 'reviewer', officeId: 'hn-cs-office' },
  intakeSupervisor: { role: 'supervisor', officeId: 'gd-sg-window' },
  handlingSupervisor: { role: 'supervisor', officeId: 'hn-cs-office' },
  admin: { role: 'admin', officeId: 'gd-sg-window' },
  otherClerk: { role: 'clerk', officeId: 'gd-sz-window' },
} as const satisfies Record<string, OfficeUser>;
type Who = keyof typeof USERS;

/** act:<action>@<section>[+<transition>] · wait:<side>@<section> · closed@<section> · view. */
function show(s: NextStep): string {
  const at = `@${s.section ?? '-'}`;
  if (s.kind === 'act') return `act:${s.action}${at}${s.transition ? `+${s.transition}` : ''}`;
  if (s.kind === 'wait') return `wait:${s.on}${at}`;
  return s.kind === 'closed' ? `closed${at}` : 'view';
}

type Row = Record<Exclude<Who, 'admin' | 'otherClerk'>, string>;
/** Every state of the machine (in review: per session phase) × every participant. */
const EXPECTED: Record<Exclude<CaseState, 'in_review'> | `in_review/${ReviewPhase}`, Row> = {
  draft: {
    clerk: 'act:complete_precheck@precheck+precheck',
    intakeSupervisor: 'act:complete_precheck@precheck+precheck',
    reviewer: 'wait:intake@precheck',
    handlingSupervisor: 'wait:intake@precheck',
  },
  prechecked: {
    clerk: 'act:request_review@-+request_review',
    intakeSupervisor: 'act:request_review@-+request_review',
    reviewer: 'wait:intake@precheck',
    handlingSupervisor: 'wait:intake@precheck',
  },
  'in_review/none': {
    clerk: 'act:request_review@-',
    intakeSupervisor: 'act:request_review@-',
    reviewer: 'wait:intake@review',
    handlingSupervisor: 'wait:intake@review',
  },
  'in_review/waiting': {
    clerk: 'wait:handling@review',
    intakeSupervisor: 'wait:handling@review',
    reviewer: 'act:accept_review@precheck',
    handlingSupervisor: 'act:accept_review@precheck',
  },
  'in_review/active': {
    clerk: 'act:join_review@review',
    intakeSupervisor: 'act:join_review@review',
    reviewer: 'act:join_review@review',
    handlingSupervisor: 'act:join_review@review',
  },
  needs_correction: {
    clerk: 'act:resubmit@materials+resubmit',
    intakeSupervisor: 'act:resubmit@materials+resubmit',
    reviewer: 'wait:intake@materials',
    handlingSupervisor: 'wait:intake@materials',
  },
  accepted: {
    clerk: 'act:hand_off@handoff',
    intakeSupervisor: 'act:hand_off@handoff',
    reviewer: 'wait:intake@handoff',
    handlingSupervisor: 'wait:intake@handoff',
  },
  handed_off: {
    clerk: 'wait:handling@handoff',
    intakeSupervisor: 'wait:handling@handoff',
    reviewer: 'act:record_result@handoff',
    handlingSupervisor: 'act:record_result@handoff',
  },
  in_handling: {
    clerk: 'wait:handling@handoff',
    intakeSupervisor: 'wait:handling@handoff',
    reviewer: 'act:record_result@handoff',
    handlingSupervisor: 'act:record_result@handoff',
  },
  // Only the clerk records the rating at the window (the `rate` transition); their supervisor waits with the reviewer.
  completed: {
    clerk: 'act:rate@handoff',
    intakeSupervisor: 'wait:intake@handoff',
    reviewer: 'wait:intake@handoff',
    handlingSupervisor: 'wait:intake@handoff',
  },
  rated: { clerk: 'closed@handoff', intakeSupervisor: 'closed@handoff', reviewer: 'closed@handoff', handlingSupervisor: 'closed@handoff' },
  rejected: { clerk: 'closed@review', intakeSupervisor: 'closed@review', reviewer: 'closed@review', handlingSupervisor: 'closed@review' },
  withdrawn: { clerk: 'closed@-', intakeSupervisor: 'closed@-', reviewer: 'closed@-', handlingSupervisor: 'closed@-' },
  correction_expired: {
    clerk: 'closed@materials',
    intakeSupervisor: 'closed@materials',
    reviewer: 'closed@materials',
    handlingSupervisor: 'closed@materials',
  },
};

const cases = Object.keys(EXPECTED).map((key) => {
  const [state, phase = 'none'] = key.split('/') as [CaseState, ReviewPhase?];
  return { key: key as keyof typeof EXPECTED, state, phase };
});

describe('the next step (state × role → one action)', () => {
  it('covers every state of the case state machine', () => {
    expect([...new Set(cases.map((c) => c.state))].sort()).toEqual([...CASE_STATES].sort());
  });

  it.each(cases)('$key', ({ key, state, phase }) => {
    const c = { ...offices, state };
    const got = Object.fromEntries(Object.keys(EXPECTED[key]).map((who) => [who, show(nextStep(USERS[who as Who], c, phase))]));
    expect(got).toEqual(EXPECTED[key]);
    // Neither an admin nor another office's clerk takes part, whatever the state.
    expect(show(nextStep(USERS.admin, c, phase))).toBe('view');
    expect(show(nextStep(USERS.otherClerk, c, phase))).toBe('view');
  });

  it('offers only what the access table allows: a fired transition is one the user may fire, the rest their feature’s right', () => {
    const right = {
      complete_precheck: 'precheck.edit',
      request_review: 'review.request',
      accept_review: 'review.accept',
      join_review: 'call.join',
      resubmit: undefined,
      hand_off: 'handoff.send',
      record_result: 'result.record',
      rate: 'rating.rate',
    } as const;
    const offered = new Set<string>();
    for (const { state, phase } of cases) {
      for (const user of Object.values(USERS)) {
        const s = nextStep(user, { ...offices, state }, phase);
        if (s.kind !== 'act') continue;
        offered.add(s.action);
        if (s.transition) expect(allowedCaseActions(user, { ...offices, state })).toContain(s.transition);
        const action = right[s.action];
        if (action) expect(can(user, action, { ...offices, state }), `${user.role} ${s.action} in ${state}`).toBe(true);
      }
    }
    // Every next action is reachable by someone.
    expect([...offered].sort()).toEqual([...NEXT_ACTIONS].sort());
  });

  it('whoever may fire 完成预审 or 补正材料已收 gets it as their next step (so the page offers it once, at the top)', () => {
    for (const { state, phase } of cases) {
      const c = { ...offices, state };
      for (const user of Object.values(USERS)) {
        const s = nextStep(user, c, phase);
        for (const a of ['precheck', 'resubmit'] as const) {
          if (allowedCaseActions(user, c).includes(a))
            expect(s.kind === 'act' && s.transition === a, `${user.role} ${state} ${a}`).toBe(true);
        }
      }
    }
  });
});

describe('the step bar', () => {
  const bar = (state: CaseState, from?: CaseState) => {
    const p = caseProgress(state, from);
    return `${p.done.join(',')} > ${p.current}${p.halted ? ' (halted)' : ''}`;
  };

  it('places every state on 收件 → 预审 → 视频会审 → 转递 → 办理 → 办结 → 评价', () => {
    expect(Object.fromEntries(CASE_STATES.map((s) => [s, bar(s)]))).toEqual({
      draft: 'intake > precheck',
      prechecked: 'intake,precheck > review',
      in_review: 'intake,precheck > review',
      needs_correction: 'intake,precheck > review (halted)',
      rejected: 'intake,precheck > review (halted)',
      accepted: 'intake,precheck,review > handoff',
      handed_off: 'intake,precheck,review,handoff > handling',
      in_handling: 'intake,precheck,review,handoff > handling',
      completed: 'intake,precheck,review,handoff,handling,completed > rating',
      rated: `${CASE_STEPS.join(',')} > rating`,
      withdrawn: ' > intake (halted)',
      correction_expired: 'intake,precheck > review (halted)',
    });
  });

  it('stops a withdrawn case where it was withdrawn', () => {
    expect(bar('withdrawn', 'accepted')).toBe('intake,precheck,review > handoff (halted)');
    expect(bar('withdrawn', 'draft')).toBe('intake > precheck (halted)');
  });
});
