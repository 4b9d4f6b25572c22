import { chinaDate } from '../cases/chinaTime';
import { CASE_STATES, TRANSITIONS, type CaseAction, type CaseState } from '../cases/stateMachine';
import type { StepOnTime } from '../cases/steps';

/**
 * 监督看板: the figures supervisors read, computed from rows the caller reads (pure, tested
 * without a server). Every figure has a table view and a CSV export in the client; the server
 * answers with the numbers only.
 */

/** The p-th percentile (0–100) of `xs` by nearest rank; null for no data. */
export function percentile(xs: readonly number[], p: number): number | null {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** China calendar days from `from` to `to` inclusive (YYYY-MM-DD). */
export function chinaDays(from: Date, to: Date): string[] {
  const days: string[] = [];
  const end = chinaDate(to);
  for (let d = new Date(`${chinaDate(from)}T00:00:00Z`); ; d.setUTCDate(d.getUTCDate() + 1)) {
    const day = d.toISOString().slice(0, 10);
    days.push(day);
    if (day >= end) return days;
  }
}

export interface CaseTimeline {
  createdAt: string;
  /** The case's transitions (`case.<action>` events), oldest first. */
  transitions: ReadonlyArray<{ action: CaseAction; at: string }>;
}

/**
 * How many cases were in each state at the end of each day: each case's state is replayed from its
 * transitions through the state machine's targets. Days before a case existed do not count it.
 */
export function statesByDay(cases: readonly CaseTimeline[], days: readonly string[]): Array<{ day: string } & Record<CaseState, number>> {
  const rows = days.map((day) => ({ day, ...(Object.fromEntries(CASE_STATES.map((s) => [s, 0])) as Record<CaseState, number>) }));
  for (const c of cases) {
    let i = 0;
    let state: CaseState = 'draft';
    for (const row of rows) {
      if (chinaDate(new Date(c.createdAt)) > row.day) continue;
      while (i < c.transitions.length && chinaDate(new Date(c.transitions[i]!.at)) <= row.day) {
        state = TRANSITIONS[c.transitions[i]!.action].to;
        i++;
      }
      row[state]++;
    }
  }
  return rows;
}

/** Share of `done` that met their date; null when there is none. */
export function onTimeRate(done: ReadonlyArray<{ finishedOn: string; dueOn: string }>): {
  count: number;
  onTime: number;
  rate: number | null;
} {
  const onTime = done.filter((d) => d.finishedOn <= d.dueOn).length;
  return { count: done.length, onTime, rate: done.length ? onTime / done.length : null };
}

export interface DashboardView {
  from: string;
  to: string;
  generatedAt: string;
  statesByDay: Array<{ day: string } & Record<CaseState, number>>;
  /** Per handling office: cases finished (办结) on or before their deadline. */
  onTimeByOffice: Array<{ officeId: string; officeName: string; count: number; onTime: number; rate: number | null }>;
  /** Per office and step (环节时限): steps it answers for that were done, and how many by their due time. */
  onTimeByOfficeStep: Array<StepOnTime & { officeName: string }>;
  ratingsByLevel: Array<{ level: number; count: number }>;
  ratingsByIndicator: Array<{ code: string; count: number; average: number | null }>;
  coReview: {
    /** Requests answered (accepted by a reviewer). */
    answered: number;
    /** Requests cancelled or timed out before a reviewer took them. */
    abandoned: number;
    abandonRate: number | null;
    waitMedianSeconds: number | null;
    waitP90Seconds: number | null;
  };
  sessionsByReviewer: Array<{ reviewerName: string; sessions: number }>;
  secondOpinions: { sampled: number; agreed: number; disagreed: number; pending: number };
}
