import { describe, expect, it } from 'vitest';
import { buildWorkCalendar } from '@tongban/shared/calendar/calendar';
import {
  caseSteps,
  endOfChinaDay,
  reminderAt,
  STEP_EVENT_ACTIONS,
  stepLimitsFor,
  stepOnTimeRates,
  type CaseStep,
  type StepCode,
  type StepFacts,
} from '@tongban/shared/cases/steps';
import { loadPackageCalendar } from '@tongban/server/calendar/packageCalendar';

const pkg = loadPackageCalendar();
const cal = buildWorkCalendar([pkg.days], [], pkg.version);
/** China wall-clock time → the instant, as the ledger stores it. */
const cst = (local: string) => new Date(`${local}+08:00`).toISOString();
const item = { timeLimitDays: 5 };
const limits = stepLimitsFor(item);
const byCode = (steps: CaseStep[]) => Object.fromEntries(steps.map((s) => [s.code, s])) as Record<StepCode, CaseStep>;

/**
 * Dates worked out by hand on the State Council calendar: 国庆+中秋 2025 is 10.1–10.8 off, with
 * Sunday 9.28 and Saturday 10.11 worked (国办发明电〔2024〕12号). A case accepted on Tuesday 9.30
 * counts its first working day on 10.9.
 */
describe('step deadlines across the 2025 National Day holiday', () => {
  const accepted = { action: 'case.accept', at: cst('2025-09-30T10:00:00') };
  const courier = { action: 'case.hand_off', at: cst('2025-10-10T16:00:00'), details: { mode: 'courier' } };
  const signed = { action: 'handoff.envelope_received', at: cst('2025-10-11T09:30:00') };
  const facts = (events: StepFacts['events'], state: StepFacts['state'] = 'handed_off'): StepFacts => ({
    state,
    events,
    paper: true,
    receivedByTransfer: false,
  });

  it('the window’s two steps count from 受理 over the holiday', () => {
    const s = byCode(caseSteps(facts([accepted]), limits, new Date(cst('2025-10-09T12:00:00')), cal));
    expect(s.intake_push).toMatchObject({ side: 'intake', limitDays: 1, dueOn: '2025-10-09', status: 'running' });
    expect(s.intake_push.dueAt).toBe('2025-10-09T16:00:00.000Z'); // 24:00 China time
    expect(s.intake_push.remindAt).toBe(cst('2025-10-09T13:00:00')); // 4 working hours before 17:00
    expect(s.courier_dispatch).toMatchObject({ side: 'intake', limitDays: 2, dueOn: '2025-10-10', status: 'running' });
    expect(s.handling_check.status).toBe('pending');
  });

  it('due soon from the reminder on, late once the due day is over', () => {
    expect(byCode(caseSteps(facts([accepted]), limits, new Date(cst('2025-10-09T13:00:00')), cal)).intake_push.status).toBe('due_soon');
    expect(byCode(caseSteps(facts([accepted]), limits, new Date(cst('2025-10-09T23:59:00')), cal)).intake_push.status).toBe('due_soon');
    const next = byCode(caseSteps(facts([accepted]), limits, new Date(cst('2025-10-10T00:00:00')), cal));
    expect(next.intake_push.status).toBe('late');
    expect(next.courier_dispatch.status).toBe('running');
  });

  it('a courier handoff on 10.10 is late for the push and on time for the paper', () => {
    const s = byCode(caseSteps(facts([accepted, courier]), limits, new Date(cst('2025-10-10T17:00:00')), cal));
    expect(s.intake_push).toMatchObject({ status: 'done_late', doneAt: courier.at });
    expect(s.courier_dispatch).toMatchObject({ status: 'done', doneAt: courier.at });
    // By courier the handling office's check starts when the envelope is signed for.
    expect(s.handling_check.status).toBe('pending');
  });

  it('the handling office’s check runs from 签收 on the 调休 Saturday to Monday 10.13', () => {
    const at = (t: string) => byCode(caseSteps(facts([accepted, courier, signed]), limits, new Date(cst(t)), cal)).handling_check;
    expect(at('2025-10-13T12:00:00')).toMatchObject({ side: 'handling', startedAt: signed.at, dueOn: '2025-10-13', status: 'running' });
    expect(at('2025-10-13T14:00:00').status).toBe('due_soon');
    expect(at('2025-10-14T09:00:00').status).toBe('late');
  });

  it('the decision counts the item’s 办理时限 from 开始办理; the result goes back and out', () => {
    const events = [
      accepted,
      courier,
      signed,
      { action: 'case.start_handling', at: cst('2025-10-13T10:00:00') },
      { action: 'case.complete', at: cst('2025-10-21T09:00:00') },
    ];
    const decidedAt = cst('2025-10-21T09:00:00');
    const s = byCode(
      caseSteps(
        { ...facts(events, 'completed'), result: { decidedAt, delivery: 'document', atIntakeAt: decidedAt } },
        limits,
        new Date(cst('2025-10-21T10:00:00')),
        cal,
      ),
    );
    expect(s.handling_check.status).toBe('done');
    // 10.14, 10.15, 10.16, 10.17, 10.20: due Monday 10.20; decided Tuesday.
    expect(s.decision).toMatchObject({ limitDays: 5, dueOn: '2025-10-20', status: 'done_late' });
    expect(s.result_back).toMatchObject({ status: 'done', doneAt: decidedAt });
    expect(s.result_dispatch).toMatchObject({ startedAt: decidedAt, dueOn: '2025-10-22', status: 'running' });
  });
});

describe('reminders count back in office hours', () => {
  it('within the due day, across a weekend, across a holiday', () => {
    expect(reminderAt('2026-11-24', 4).toISOString()).toBe(cst('2026-11-24T13:00:00'));
    // Monday 11.30, 10 h: 8 h on Monday, 2 h on Friday 11.27 → 15:00.
    expect(reminderAt('2026-11-30', 10).toISOString()).toBe(cst('2026-11-27T15:00:00'));
    // Thursday 2025-10-09, 10 h: the working day before it is Tuesday 9.30.
    expect(reminderAt('2025-10-09', 10, cal).toISOString()).toBe(cst('2025-09-30T15:00:00'));
    expect(endOfChinaDay('2025-10-09').toISOString()).toBe('2025-10-09T16:00:00.000Z');
  });
});

describe('limits per catalogue item', () => {
  it('defaults, the item’s 办理时限 for the decision, and overrides', () => {
    expect(limits.intake_push).toEqual({ days: 1, side: 'intake', source: 'default' });
    expect(limits.decision).toEqual({ days: 5, side: 'handling', source: 'default' });
    const own = stepLimitsFor(item, [
      { step: 'courier_dispatch', days: 3 },
      { step: 'result_dispatch', side: 'handling' },
    ]);
    expect(own.courier_dispatch).toEqual({ days: 3, side: 'intake', source: 'item' });
    expect(own.result_dispatch).toEqual({ days: 1, side: 'handling', source: 'item' });
  });
});

describe('steps that do not apply', () => {
  const now = new Date(cst('2025-11-10T10:00:00'));
  const accepted = { action: 'case.accept', at: cst('2025-11-03T10:00:00') };

  it('no paper: the courier step is skipped; an online handoff is checked on arrival', () => {
    const online = { action: 'case.hand_off', at: cst('2025-11-03T11:00:00'), details: { mode: 'online' } };
    const start = { action: 'case.start_handling', at: cst('2025-11-03T11:00:00') };
    const s = byCode(
      caseSteps({ state: 'in_handling', events: [accepted, online, start], paper: false, receivedByTransfer: false }, limits, now, cal),
    );
    expect(s.courier_dispatch).toMatchObject({ status: 'skipped', skipReason: 'no_paper' });
    expect(s.intake_push.status).toBe('done');
    expect(s.handling_check).toMatchObject({ startedAt: online.at, status: 'done' });
    expect(s.decision.status).toBe('running');
  });

  it('a withdrawn case is not late; a case received by transfer leaves the window’s steps to its site', () => {
    const w = byCode(caseSteps({ state: 'withdrawn', events: [accepted], paper: true, receivedByTransfer: false }, limits, now, cal));
    expect(w.intake_push).toMatchObject({ status: 'skipped', skipReason: 'case_closed' });
    expect(w.decision).toMatchObject({ status: 'skipped', skipReason: 'case_closed' });
    const received = { action: 'handoff.received', at: cst('2025-11-04T10:00:00') };
    const t = byCode(caseSteps({ state: 'handed_off', events: [received], paper: true, receivedByTransfer: true }, limits, now, cal));
    expect(t.intake_push).toMatchObject({ status: 'skipped', skipReason: 'other_site' });
    expect(t.handling_check).toMatchObject({ startedAt: received.at, dueOn: '2025-11-05', status: 'late' });
  });

  it('a reopened case starts its steps over from the latest 受理', () => {
    const again = { action: 'case.accept', at: cst('2025-11-10T09:00:00') };
    const s = byCode(
      caseSteps(
        {
          state: 'accepted',
          events: [accepted, { action: 'case.withdraw', at: accepted.at }, again],
          paper: true,
          receivedByTransfer: false,
        },
        limits,
        now,
        cal,
      ),
    );
    expect(s.intake_push).toMatchObject({ startedAt: again.at, dueOn: '2025-11-11', status: 'running' });
  });
});

describe('on-time rate per office and step', () => {
  it('counts finished steps against the office answering for them', () => {
    const step = (code: StepCode, side: 'intake' | 'handling', status: CaseStep['status']): CaseStep => ({
      code,
      side,
      status,
      limitDays: 1,
      startedAt: null,
      dueOn: null,
      dueAt: null,
      remindAt: null,
      doneAt: null,
    });
    const officeOf = { intake: 'win', handling: 'hall' };
    const rates = stepOnTimeRates([
      { officeOf, steps: [step('intake_push', 'intake', 'done'), step('handling_check', 'handling', 'done_late')] },
      { officeOf, steps: [step('intake_push', 'intake', 'done_late'), step('handling_check', 'handling', 'late')] },
    ]);
    expect(rates).toEqual([
      { officeId: 'hall', step: 'handling_check', count: 1, onTime: 0, rate: 0 },
      { officeId: 'win', step: 'intake_push', count: 2, onTime: 1, rate: 0.5 },
    ]);
  });
});

describe('the events steps are read from', () => {
  it('STEP_EVENT_ACTIONS alone give the same steps as the whole history (what the work ledger loads)', () => {
    const history: StepFacts['events'] = [
      { action: 'case.created', at: cst('2025-10-09T09:00:00') },
      { action: 'material.uploaded', at: cst('2025-10-09T09:05:00') },
      { action: 'case.accept', at: cst('2025-10-09T10:00:00') },
      { action: 'review.verdict', at: cst('2025-10-09T10:30:00') },
      { action: 'case.hand_off', at: cst('2025-10-09T16:00:00'), details: { mode: 'courier', originalsWaybillNo: 'SF1' } },
      { action: 'handoff.originals_mailed', at: cst('2025-10-10T09:00:00') },
      { action: 'handoff.received', at: cst('2025-10-10T12:00:00') },
      { action: 'handoff.envelope_received', at: cst('2025-10-13T09:30:00') },
      { action: 'case.start_handling', at: cst('2025-10-13T10:00:00') },
      { action: 'material.viewed', at: cst('2025-10-13T10:10:00') },
      { action: 'case.complete', at: cst('2025-10-14T15:00:00') },
      { action: 'case.rate', at: cst('2025-10-15T11:00:00') },
    ];
    const facts = (events: StepFacts['events']): StepFacts => ({
      state: 'completed',
      events,
      paper: true,
      receivedByTransfer: false,
      result: { decidedAt: cst('2025-10-14T15:00:00'), delivery: 'document', atIntakeAt: cst('2025-10-15T09:00:00') },
    });
    const now = new Date(cst('2025-10-20T12:00:00'));
    const only = history.filter((e) => (STEP_EVENT_ACTIONS as readonly string[]).includes(e.action));
    expect(only.length).toBeLessThan(history.length);
    const whole = caseSteps(facts(history), limits, now, cal);
    expect(whole.every((s) => s.status === 'done' || s.status === 'done_late')).toBe(true);
    expect(caseSteps(facts(only), limits, now, cal)).toEqual(whole);
  });
});
