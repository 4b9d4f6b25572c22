/**
 * 办理时限 counts working days. Weekends are skipped, and so are the public holidays the caller
 * passes (the State Council calendar changes yearly, so it is data, not code); make-up working
 * days (调休) on weekends can be passed as extra working days.
 */
export interface WorkCalendar {
  holidays?: ReadonlySet<string>; // 'YYYY-MM-DD'
  workingWeekends?: ReadonlySet<string>;
  /**
   * Years whose holidays are known. A day of any other year can only be counted by its weekday,
   * so whoever counts across it must say so (`uncoveredYears`) instead of trusting the date.
   */
  coveredYears?: ReadonlySet<number>;
  /** Changes whenever the data does, so answers computed from it can be cached by it. */
  version?: string;
}

export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function isWorkingDay(day: Date, cal: WorkCalendar = {}): boolean {
  const key = isoDate(day);
  if (cal.workingWeekends?.has(key)) return true;
  if (cal.holidays?.has(key)) return false;
  const wd = day.getUTCDay();
  return wd !== 0 && wd !== 6;
}

/** The date (YYYY-MM-DD, China time) by which a case received at `start` must be decided. */
export function addWorkingDays(start: Date, days: number, cal: WorkCalendar = {}): string {
  // Work in China Standard Time (UTC+8, no DST) so a case received at 23:00 counts from that local day.
  const local = new Date(start.getTime() + 8 * 3600_000);
  const d = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()));
  let left = days;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    if (isWorkingDay(d, cal)) left--;
  }
  return isoDate(d);
}

/** Working days from `today` until `deadline` (negative when overdue). */
export function workingDaysLeft(today: Date, deadline: string, cal: WorkCalendar = {}): number {
  const local = new Date(today.getTime() + 8 * 3600_000);
  const d = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()));
  const end = new Date(`${deadline}T00:00:00Z`);
  if (d.getTime() === end.getTime()) return 0;
  const step = d < end ? 1 : -1;
  let n = 0;
  while (d.getTime() !== end.getTime()) {
    d.setUTCDate(d.getUTCDate() + step);
    if (isWorkingDay(d, cal)) n += step;
  }
  return n;
}

/**
 * Years between two China calendar dates (YYYY-MM-DD, either order) that the calendar has no
 * holiday data for. A calendar without `coveredYears` makes no claim and so reports none.
 */
export function uncoveredYears(a: string, b: string, cal: WorkCalendar): number[] {
  if (!cal.coveredYears) return [];
  const [ya, yb] = [Number(a.slice(0, 4)), Number(b.slice(0, 4))];
  const [from, to] = [Math.min(ya, yb), Math.max(ya, yb)];
  const out: number[] = [];
  for (let y = from; y <= to; y++) if (!cal.coveredYears.has(y)) out.push(y);
  return out;
}
