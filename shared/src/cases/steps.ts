import { z } from 'zod';
import type { CaseSide } from './access';
import type { CaseState } from './stateMachine';
import { addWorkingDays, isWorkingDay, type WorkCalendar } from './workdays';

/**
 * 环节时限: the time each step of a case may take and the office that answers for it. Practice
 * splits the duties between the two sites step by step (the window accepts and pushes the case
 * within 1 working day and mails the paper within 2; the handling office checks within 1; …), so
 * a late, lost or mishandled case is attributable to one office. Pure: the caller passes the
 * case's events, the calendar every deadline counts on, and `now`.
 */

export const STEP_CODES = ['intake_push', 'courier_dispatch', 'handling_check', 'decision', 'result_back', 'result_dispatch'] as const;
export type StepCode = (typeof STEP_CODES)[number];

interface Words {
  zh: string;
  en: string;
}

export interface StepDefinition {
  code: StepCode;
  label: Words;
  /** The side that answers for the step unless the catalogue item says otherwise. */
  side: CaseSide;
  /** Working days it may take; 'item': the item's 办理时限 (timeLimitDays). */
  defaultDays: number | 'item';
  /** The audit events that start it and end it (the case's ledger), as people read them. */
  startEvents: readonly string[];
  endEvents: readonly string[];
  starts: Words;
  ends: Words;
}

export const STEPS: readonly StepDefinition[] = [
  {
    code: 'intake_push',
    label: { zh: '受理推送', en: 'Push after acceptance' },
    side: 'intake',
    defaultDays: 1,
    startEvents: ['case.accept'],
    endEvents: ['case.hand_off', 'handoff.received'],
    starts: { zh: '受理', en: 'accepted' },
    ends: { zh: '转递至实施机关', en: 'handed off to the handling office' },
  },
  {
    code: 'courier_dispatch',
    label: { zh: '纸质材料寄出', en: 'Paper mailed' },
    side: 'intake',
    defaultDays: 2,
    startEvents: ['case.accept'],
    endEvents: ['case.hand_off (courier)', 'handoff.originals_mailed'],
    starts: { zh: '受理', en: 'accepted' },
    ends: { zh: '登记寄出运单', en: 'waybill recorded' },
  },
  {
    code: 'handling_check',
    label: { zh: '实施机关收件核验', en: 'Handling office check' },
    side: 'handling',
    defaultDays: 1,
    startEvents: ['case.hand_off (online)', 'handoff.received', 'handoff.envelope_received (courier)'],
    endEvents: ['case.start_handling'],
    starts: { zh: '办件送达实施机关（邮寄的：签收）', en: 'the case reached the handling office (by courier: signed for)' },
    ends: { zh: '开始办理', en: 'handling started' },
  },
  {
    code: 'decision',
    label: { zh: '办理决定', en: 'Decision' },
    side: 'handling',
    defaultDays: 'item',
    startEvents: ['case.start_handling'],
    endEvents: ['case.complete'],
    starts: { zh: '开始办理', en: 'handling started' },
    ends: { zh: '办结', en: 'decided' },
  },
  {
    code: 'result_back',
    label: { zh: '结果回传', en: 'Result back to the window' },
    side: 'handling',
    defaultDays: 1,
    startEvents: ['case.complete'],
    endEvents: ['result at the intake site'],
    starts: { zh: '办结', en: 'decided' },
    ends: { zh: '结果送达收件窗口', en: 'the result reached the intake window' },
  },
  {
    code: 'result_dispatch',
    label: { zh: '结果送达申请人', en: 'Result to the applicant' },
    side: 'intake',
    defaultDays: 1,
    startEvents: ['result at the intake site'],
    endEvents: ['case.complete (mailed with the decision)', 'case.rate'],
    starts: { zh: '结果送达收件窗口', en: 'the result reached the intake window' },
    ends: { zh: '寄出结果，或申请人领取并评价', en: 'result mailed, or collected and rated by the applicant' },
  },
];

export const STEP_BY_CODE: Record<StepCode, StepDefinition> = Object.fromEntries(STEPS.map((s) => [s.code, s])) as Record<
  StepCode,
  StepDefinition
>;

export function isStepCode(v: unknown): v is StepCode {
  return typeof v === 'string' && (STEP_CODES as readonly string[]).includes(v);
}

/** A step's limit and the side answering for it, for one catalogue item. */
export interface StepLimit {
  days: number;
  side: CaseSide;
  /** 'default': from STEPS (or the item's 办理时限); 'item': set for this catalogue item. */
  source: 'default' | 'item';
}
export type StepLimits = Record<StepCode, StepLimit>;

/** An item's override of one step (service_item_steps; any part may be left to the default). */
export interface StepOverride {
  step: StepCode;
  days?: number | null;
  side?: CaseSide | null;
}

/** The limits of an item's steps: the defaults, with the item's own overrides on top. */
export function stepLimitsFor(item: { timeLimitDays: number }, overrides: readonly StepOverride[] = []): StepLimits {
  const out = {} as StepLimits;
  for (const s of STEPS) {
    const o = overrides.find((x) => x.step === s.code);
    const days = o?.days ?? (s.defaultDays === 'item' ? item.timeLimitDays : s.defaultDays);
    out[s.code] = { days, side: o?.side ?? s.side, source: o && (o.days != null || o.side != null) ? 'item' : 'default' };
  }
  return out;
}

/**
 * The audit actions that start or end a step: the only events caseSteps reads, so a report over
 * hundreds of cases loads just these (most of a case's history is uploads and reviews).
 */
export const STEP_EVENT_ACTIONS = [
  'case.accept',
  'case.hand_off',
  'handoff.received',
  'handoff.envelope_received',
  'handoff.originals_mailed',
  'case.start_handling',
  'case.complete',
  'case.rate',
] as const;
type StepEventAction = (typeof STEP_EVENT_ACTIONS)[number];

/** What the case's history says, as the server reads it. */
export interface StepFacts {
  state: CaseState;
  /** The case's audit events at this site, oldest first (details as written); those of STEP_EVENT_ACTIONS suffice. */
  events: ReadonlyArray<{ action: string; at: string; details?: Record<string, unknown> }>;
  /** Paper travels by courier (a courier handoff, or originals the catalogue says are mailed): the courier step applies. */
  paper: boolean;
  /** The case came here by transfer from the intake site: the intake side's steps are that site's to time. */
  receivedByTransfer: boolean;
  /** The recorded result: when it was decided, how it goes to the applicant, when it was at the intake site. */
  result?: { decidedAt: string; delivery: 'document' | 'mail'; atIntakeAt: string | null } | null;
}

export const STEP_STATUSES = ['pending', 'running', 'due_soon', 'late', 'done', 'done_late', 'skipped'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export const STEP_STATUS_LABELS: Record<StepStatus, Words> = {
  pending: { zh: '未开始', en: 'Not started' },
  running: { zh: '进行中', en: 'Running' },
  due_soon: { zh: '即将到期', en: 'Due soon' },
  late: { zh: '已超时', en: 'Late' },
  done: { zh: '按时完成', en: 'Done on time' },
  done_late: { zh: '超时完成', en: 'Done late' },
  skipped: { zh: '不适用', en: 'Not applicable' },
};

/** Why a step does not apply: nothing on paper, the case ended before it, or the other site times it. */
export type StepSkipReason = 'no_paper' | 'case_closed' | 'other_site';
export const STEP_SKIP_LABELS: Record<StepSkipReason, Words> = {
  no_paper: { zh: '无纸质材料寄递', en: 'Nothing travels on paper' },
  case_closed: { zh: '办件已终止', en: 'The case ended' },
  other_site: { zh: '由收件地站点计时', en: 'Timed by the intake site' },
};

export interface CaseStep {
  code: StepCode;
  side: CaseSide;
  limitDays: number;
  startedAt: string | null;
  /** The last China day it may take (YYYY-MM-DD), and the instant that day ends. */
  dueOn: string | null;
  dueAt: string | null;
  /** When the responsible office is reminded (REMIND_WORKING_HOURS of working time before the due day's close). */
  remindAt: string | null;
  doneAt: string | null;
  status: StepStatus;
  skipReason?: StepSkipReason;
}

/** Working hours before a step's due day closes at which its office is reminded (STEP_REMIND_HOURS). */
export const DEFAULT_REMIND_HOURS = 4;

/** Office hours on a working day (China time) that reminders count back in. */
export const WORKING_HOURS = { from: 9, to: 17 } as const;
const HOUR_MS = 3600_000;
const CST_MS = 8 * HOUR_MS;

/** The instant a China calendar day (YYYY-MM-DD) ends: the next day's 00:00 in China. */
export function endOfChinaDay(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 24 * HOUR_MS - CST_MS);
}

/**
 * `hours` of office time (WORKING_HOURS on working days) before the close of office on `dueOn`,
 * counted back across evenings, weekends and holidays: 4 h before a due Tuesday is 13:00 that
 * Tuesday; 10 h is 15:00 on the working day before it.
 */
export function reminderAt(dueOn: string, hours: number, cal: WorkCalendar = {}): Date {
  const day = new Date(`${dueOn}T00:00:00Z`);
  let left = hours;
  const perDay = WORKING_HOURS.to - WORKING_HOURS.from;
  // The due day itself may be a non-working day only if the calendar changed after it was counted: treat it as one.
  for (let first = true; ; first = false) {
    if (first || isWorkingDay(day, cal)) {
      if (left <= perDay) {
        return new Date(day.getTime() + (WORKING_HOURS.to - left) * HOUR_MS - CST_MS);
      }
      left -= perDay;
    }
    day.setUTCDate(day.getUTCDate() - 1);
  }
}

type Event = StepFacts['events'][number];
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

function lastIndex(events: readonly Event[], pred: (e: Event) => boolean): number {
  for (let i = events.length - 1; i >= 0; i--) if (pred(events[i]!)) return i;
  return -1;
}
function firstFrom(events: readonly Event[], from: number, pred: (e: Event) => boolean): Event | undefined {
  for (let i = Math.max(0, from); i < events.length; i++) if (pred(events[i]!)) return events[i];
  return undefined;
}
/** Every action tested here is one of STEP_EVENT_ACTIONS (typed so: a new one cannot be left out of the list). */
const is =
  (...actions: StepEventAction[]) =>
  (e: Event) =>
    (actions as readonly string[]).includes(e.action);
const courierHandoff = (e: Event) => is('case.hand_off')(e) && e.details?.mode === 'courier';

/** When each step started and ended, by the case's events (the latest start counts: a reopened case starts over). */
function startsAndEnds(f: StepFacts): Record<StepCode, { start: string | null; end: string | null }> {
  const ev = f.events;
  const accepted = lastIndex(ev, is('case.accept'));
  const pushEnd = accepted >= 0 ? firstFrom(ev, accepted, is('case.hand_off')) : undefined;
  const paperEnd =
    accepted >= 0
      ? firstFrom(
          ev,
          accepted,
          (e) =>
            courierHandoff(e) ||
            (is('case.hand_off')(e) && str(e.details?.originalsWaybillNo) !== undefined) ||
            is('handoff.originals_mailed')(e),
        )
      : undefined;

  // The case reached the handling office: online on arrival; by courier once the envelope is signed for.
  const arrivedAt = lastIndex(ev, is('case.hand_off', 'handoff.received'));
  const arrival = arrivedAt >= 0 ? ev[arrivedAt] : undefined;
  const started = arrivedAt >= 0 ? firstFrom(ev, arrivedAt, is('case.start_handling')) : undefined;
  let checkStart: string | null = arrival?.at ?? null;
  if (arrival && courierHandoff(arrival)) {
    checkStart = firstFrom(ev, arrivedAt, is('handoff.envelope_received'))?.at ?? (started ? arrival.at : null);
  }

  const handlingAt = lastIndex(ev, is('case.start_handling'));
  const completed = handlingAt >= 0 ? firstFrom(ev, handlingAt, is('case.complete')) : undefined;
  const decidedAt = completed ? (f.result?.decidedAt ?? completed.at) : null;
  const atIntake = decidedAt ? (f.result?.atIntakeAt ?? null) : null;
  let dispatchEnd: string | null = null;
  if (atIntake) {
    if (f.result?.delivery === 'mail') dispatchEnd = atIntake;
    else dispatchEnd = firstFrom(ev, 0, (e) => is('case.rate')(e) && e.at >= atIntake)?.at ?? null;
  }
  return {
    intake_push: { start: accepted >= 0 ? ev[accepted]!.at : null, end: pushEnd?.at ?? null },
    courier_dispatch: { start: accepted >= 0 ? ev[accepted]!.at : null, end: paperEnd?.at ?? null },
    handling_check: { start: checkStart, end: checkStart ? (started?.at ?? null) : null },
    decision: { start: handlingAt >= 0 ? ev[handlingAt]!.at : null, end: decidedAt },
    result_back: { start: decidedAt, end: atIntake },
    result_dispatch: { start: atIntake, end: dispatchEnd },
  };
}

const CLOSED: readonly CaseState[] = ['rejected', 'withdrawn'];

/**
 * Each step of the case: when it started, its due day (working days on the calendar from the day
 * it started, as 办理时限 counts), when it was done, and where it stands at `now`.
 */
export function caseSteps(
  f: StepFacts,
  limits: StepLimits,
  now: Date,
  cal: WorkCalendar = {},
  opts: { remindHours?: number } = {},
): CaseStep[] {
  const remindHours = opts.remindHours ?? DEFAULT_REMIND_HOURS;
  const times = startsAndEnds(f);
  return STEPS.map((s): CaseStep => {
    const { days, side } = limits[s.code];
    const { start, end } = times[s.code];
    const base = { code: s.code, side, limitDays: days, startedAt: start, doneAt: end };
    const none = { dueOn: null, dueAt: null, remindAt: null };
    const skipped = (skipReason: StepSkipReason): CaseStep => ({ ...base, ...none, status: 'skipped', skipReason });
    if (s.code === 'courier_dispatch' && !f.paper) return skipped('no_paper');
    if (side === 'intake' && f.receivedByTransfer && (s.code === 'intake_push' || s.code === 'courier_dispatch')) {
      return skipped('other_site');
    }
    if (!start) return CLOSED.includes(f.state) ? skipped('case_closed') : { ...base, ...none, status: 'pending' };
    const dueOn = addWorkingDays(new Date(start), days, cal);
    const dueAt = endOfChinaDay(dueOn);
    const remind = reminderAt(dueOn, remindHours, cal);
    const timed = { dueOn, dueAt: dueAt.toISOString(), remindAt: remind.toISOString() };
    if (end) return { ...base, ...timed, status: Date.parse(end) < dueAt.getTime() ? 'done' : 'done_late' };
    if (CLOSED.includes(f.state)) return { ...base, ...timed, status: 'skipped', skipReason: 'case_closed' };
    const t = now.getTime();
    const status: StepStatus = t >= dueAt.getTime() ? 'late' : t >= remind.getTime() ? 'due_soon' : 'running';
    return { ...base, ...timed, status };
  });
}

/** A step running past its due time, or done after it. */
export function isLate(s: Pick<CaseStep, 'status'>): boolean {
  return s.status === 'late' || s.status === 'done_late';
}

/** Per office and step: steps done, and how many of them on time (for the ledger and the dashboard). */
export interface StepOnTime {
  officeId: string;
  step: StepCode;
  count: number;
  onTime: number;
  rate: number | null;
}

export function stepOnTimeRates(cases: ReadonlyArray<{ officeOf: Record<CaseSide, string>; steps: readonly CaseStep[] }>): StepOnTime[] {
  const acc = new Map<string, StepOnTime>();
  for (const c of cases) {
    for (const s of c.steps) {
      if (s.status !== 'done' && s.status !== 'done_late') continue;
      const officeId = c.officeOf[s.side];
      const key = `${officeId}\u0000${s.code}`;
      const e = acc.get(key) ?? { officeId, step: s.code, count: 0, onTime: 0, rate: null };
      e.count++;
      if (s.status === 'done') e.onTime++;
      e.rate = e.onTime / e.count;
      acc.set(key, e);
    }
  }
  const order = (code: StepCode) => STEP_CODES.indexOf(code);
  return [...acc.values()].sort((a, b) => a.officeId.localeCompare(b.officeId) || order(a.step) - order(b.step));
}

// ——— what the API answers ———

export interface CaseStepView extends CaseStep {
  /** The office answering for it, by name. */
  officeId: string;
  officeName: string;
}

export interface CaseStepsView {
  caseId: string;
  steps: CaseStepView[];
  generatedAt: string;
}

/** A late step in the work ledger's 超时环节 list. */
export interface StalledStepRow {
  caseId: string;
  caseNo: string;
  itemName: string;
  step: StepCode;
  officeId: string;
  officeName: string;
  dueAt: string;
  startedAt: string;
}

/** The work ledger's `steps` section. */
export interface LedgerStepsSection {
  stalled: StalledStepRow[];
  onTime: Array<StepOnTime & { officeName: string }>;
}

/** A catalogue item's steps: each one's limit, who answers for it, and the default beside it. */
export interface ItemStepsView {
  itemCode: string;
  steps: Array<{ code: StepCode; default: Omit<StepLimit, 'source'> } & StepLimit>;
}

/** The most working days one step may be given: beyond it the whole case's 办理时限 says more. */
export const MAX_STEP_DAYS = 60;

/**
 * PUT /api/catalog/items/:code/steps: the item's own limits, each step at most once; a step left
 * out (or with null) goes back to the default.
 */
export const ItemStepsRequestSchema = z.strictObject({
  steps: z
    .array(
      z.strictObject({
        step: z.enum(STEP_CODES),
        days: z.number().int().min(0).max(MAX_STEP_DAYS).nullable().optional(),
        side: z.enum(['intake', 'handling']).nullable().optional(),
      }),
    )
    .max(STEP_CODES.length)
    .refine((steps) => new Set(steps.map((s) => s.step)).size === steps.length, { message: '每个环节只能设置一次' }),
});
export type ItemStepsRequest = z.infer<typeof ItemStepsRequestSchema>;

export const itemStepsPath = (itemCode: string) => `/api/catalog/items/${encodeURIComponent(itemCode)}/steps`;
