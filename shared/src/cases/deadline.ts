import type { CaseState } from './stateMachine';
import { workingDaysLeft, type WorkCalendar } from './workdays';
import { chinaDate } from './chinaTime';

/** The 办理时限 clock stops once the case is finished one way or another. */
export const DEADLINE_STOPPED_STATES: readonly CaseState[] = ['completed', 'rated', 'rejected', 'withdrawn', 'correction_expired'];

export interface DeadlineStatus {
  /** Working days until the deadline (negative when past it). */
  workingDaysLeft: number;
  /** Past its deadline and still open. */
  overdue: boolean;
}

export function deadlineStatus(state: CaseState, deadline: string, now: Date, cal: WorkCalendar = {}): DeadlineStatus {
  const open = !DEADLINE_STOPPED_STATES.includes(state);
  return { workingDaysLeft: workingDaysLeft(now, deadline, cal), overdue: open && chinaDate(now) > deadline };
}
