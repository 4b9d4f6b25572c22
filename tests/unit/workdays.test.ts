import { describe, expect, it } from 'vitest';
import { addWorkingDays, isWorkingDay, workingDaysLeft } from '@tongban/shared';
import { deadlineStatus } from '@tongban/shared/cases/deadline';
import { chinaDate } from '@tongban/shared/cases/chinaTime';

// China time = UTC+8. 2026-11-25 is a Wednesday, 11-27 a Friday, 11-28 a Saturday.
const cst = (local: string) => new Date(`${local}+08:00`);

describe('办理时限 in working days', () => {
  it('skips weekends', () => {
    expect(addWorkingDays(cst('2026-11-25T10:00:00'), 1)).toBe('2026-11-26');
    expect(addWorkingDays(cst('2026-11-27T10:00:00'), 1)).toBe('2026-11-30');
    expect(addWorkingDays(cst('2026-11-25T10:00:00'), 10)).toBe('2026-12-09');
    expect(addWorkingDays(cst('2026-11-28T10:00:00'), 1)).toBe('2026-11-30');
    expect(addWorkingDays(cst('2026-11-25T10:00:00'), 0)).toBe('2026-11-25');
  });

  it('counts from the China calendar day, not the UTC one', () => {
    // Friday 23:30 in China is still Friday (15:30 UTC); Saturday 00:30 in China is Friday in UTC.
    expect(addWorkingDays(cst('2026-11-27T23:30:00'), 1)).toBe('2026-11-30');
    expect(addWorkingDays(cst('2026-11-28T00:30:00'), 1)).toBe('2026-11-30');
    expect(chinaDate(new Date('2026-11-27T16:30:00Z'))).toBe('2026-11-28');
  });

  it('honours public holidays and make-up working weekends (调休)', () => {
    const cal = { holidays: new Set(['2027-01-01']), workingWeekends: new Set(['2027-01-02']) };
    expect(isWorkingDay(new Date('2027-01-01T00:00:00Z'), cal)).toBe(false);
    expect(isWorkingDay(new Date('2027-01-02T00:00:00Z'), cal)).toBe(true);
    expect(addWorkingDays(cst('2026-12-31T09:00:00'), 1, cal)).toBe('2027-01-02');
    expect(addWorkingDays(cst('2026-12-31T09:00:00'), 1)).toBe('2027-01-01');
  });

  it('counts working days left, negative when overdue, and stops the clock for finished cases', () => {
    expect(workingDaysLeft(cst('2026-11-27T09:00:00'), '2026-11-30')).toBe(1);
    expect(workingDaysLeft(cst('2026-11-30T09:00:00'), '2026-11-30')).toBe(0);
    expect(workingDaysLeft(cst('2026-12-02T09:00:00'), '2026-11-27')).toBe(-3);
    expect(deadlineStatus('in_review', '2026-11-27', cst('2026-12-02T09:00:00'))).toEqual({ workingDaysLeft: -3, overdue: true });
    expect(deadlineStatus('in_review', '2026-11-27', cst('2026-11-27T23:00:00')).overdue).toBe(false);
    expect(deadlineStatus('completed', '2026-11-27', cst('2026-12-02T09:00:00')).overdue).toBe(false);
    expect(deadlineStatus('withdrawn', '2026-11-27', cst('2026-12-02T09:00:00')).overdue).toBe(false);
  });
});
