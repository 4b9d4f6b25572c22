import { describe, expect, it } from 'vitest';
import { addWorkingDays, uncoveredYears, workingDaysLeft } from '@tongban/shared';
import { buildWorkCalendar, calendarYearRequestSchema } from '@tongban/shared/calendar/calendar';
import { loadPackageCalendar } from '@tongban/server/calendar/packageCalendar';

// China time (UTC+8): a case received at 10:00 that day.
const at = (day: string) => new Date(`${day}T10:00:00+08:00`);
const pkg = loadPackageCalendar();
const cal = buildWorkCalendar([pkg.days], [], pkg.version);

/**
 * Expected dates worked out by hand from the State Council notices (国办发明电〔2024〕12号 for 2025,
 * 国办发明电〔2025〕7号 for 2026), counting from the day after receipt, weekends off except the
 * 调休 working days the notices name.
 */
describe('deadlines across the 2025–2026 public holidays', () => {
  it.each([
    // 春节 2025: 1.28–2.4 off; Sun 1.26 and Sat 2.8 worked.
    ['2025-01-24', 1, '2025-01-26', '调休 Sunday 1.26 counts'],
    ['2025-01-24', 5, '2025-02-07', '1.26, 1.27, then 2.5–2.7 after the holiday'],
    ['2025-01-24', 10, '2025-02-13', 'Saturday 2.8 counts'],
    // 劳动节 2025: 5.1–5.5 off; Sun 4.27 worked.
    ['2025-04-25', 3, '2025-04-29', 'Sunday 4.27 counts'],
    ['2025-04-25', 5, '2025-05-06', '4.30, then 5.6'],
    // 国庆+中秋 2025: 10.1–10.8 off; Sun 9.28 and Sat 10.11 worked.
    ['2025-09-26', 10, '2025-10-16', '9.28–9.30, 10.9–10.11, 10.13–10.16'],
    // 春节 2026: 2.15–2.23 off; Sat 2.14 and Sat 2.28 worked.
    ['2026-02-12', 5, '2026-02-26', '2.13, 2.14, then 2.24–2.26'],
    ['2026-02-12', 7, '2026-02-28', 'Saturday 2.28 counts'],
    // 劳动节 2026: 5.1–5.5 off; Sat 5.9 worked.
    ['2026-04-30', 2, '2026-05-07', 'nothing counts 5.1–5.5'],
    ['2026-04-30', 4, '2026-05-09', 'Saturday 5.9 counts'],
    // 中秋 9.25–9.27 and 国庆 10.1–10.7 2026; Sun 9.20 and Sat 10.10 worked.
    ['2026-09-18', 1, '2026-09-20', 'Sunday 9.20 counts'],
    ['2026-09-24', 1, '2026-09-28', 'Friday 9.25 is 中秋'],
    ['2026-09-28', 10, '2026-10-16', '9.29, 9.30, 10.8–10.10, 10.12–10.16'],
  ])('received %s, %i working days → %s (%s)', (received, days, due) => {
    expect(addWorkingDays(at(received), days, cal)).toBe(due);
  });

  it('without the data the National Day week would count as working days', () => {
    expect(addWorkingDays(at('2026-09-28'), 10)).toBe('2026-10-12');
  });

  it('counts working days left across a holiday', () => {
    expect(workingDaysLeft(at('2026-09-30'), '2026-10-08', cal)).toBe(1);
    expect(workingDaysLeft(at('2026-10-08'), '2026-09-30', cal)).toBe(-1);
  });

  it('names the years it has no data for, and a site entry covers one', () => {
    expect(uncoveredYears('2026-12-20', '2027-01-10', cal)).toEqual([2027]);
    expect(uncoveredYears('2025-01-01', '2026-12-31', cal)).toEqual([]);
    const withSite = buildWorkCalendar([pkg.days, [{ date: '2027-01-01', kind: 'holiday' }]], [2027], `${pkg.version}+1`);
    expect(uncoveredYears('2026-12-20', '2027-01-10', withSite)).toEqual([]);
    expect(addWorkingDays(at('2026-12-31'), 1, withSite)).toBe('2027-01-04');
  });

  it('a site day overrides the package’s day of the same date', () => {
    const overridden = buildWorkCalendar([pkg.days, [{ date: '2026-10-10', kind: 'holiday' }]], [], 'x');
    expect(overridden.workingWeekends!.has('2026-10-10')).toBe(false);
    expect(overridden.holidays!.has('2026-10-10')).toBe(true);
  });
});

describe('an admin’s year of days', () => {
  const schema = calendarYearRequestSchema(2027);
  it('takes holidays and weekend working days of that year', () => {
    expect(
      schema.safeParse({
        days: [
          { date: '2027-01-01', kind: 'holiday', name: '元旦' },
          { date: '2027-02-06', kind: 'workday', name: '春节' },
        ],
      }).success,
    ).toBe(true);
  });
  it.each([
    [{ date: '2026-10-01', kind: 'holiday', name: '国庆节' }, '不是 2027 年的日期'],
    [{ date: '2027-02-30', kind: 'holiday', name: '春节' }, '不是 2027 年的日期'],
    [{ date: '2027-01-04', kind: 'workday', name: '元旦' }, '调休上班日应是周末'],
  ])('refuses %j', (day, message) => {
    const r = schema.safeParse({ days: [day] });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain(message);
  });
  it('refuses a date listed twice', () => {
    const d = { date: '2027-01-01', kind: 'holiday', name: '元旦' };
    expect(JSON.stringify(schema.safeParse({ days: [d, d] }).error?.issues)).toContain('重复');
  });
});
