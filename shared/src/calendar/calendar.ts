import { z } from 'zod';
import { plainText } from '../schemas/text';
import type { WorkCalendar } from '../cases/workdays';

/**
 * 节假日与调休: the days that are not what their weekday says. The State Council publishes the next
 * year's calendar each autumn; the product reads it from maintained data (npm `chinese-days`), and
 * a site's admin can enter a year before the package carries it (or correct a day of it).
 */
export type CalendarDayKind = 'holiday' | 'workday';

/** Where a day's rule comes from: the package's data, or this site's admin. */
export type CalendarSource = 'package' | 'site';

export interface CalendarDayView {
  date: string; // YYYY-MM-DD
  kind: CalendarDayKind;
  /** 春节, 国庆节, … (for a workday: the holiday it makes up for). */
  name: string;
  source: CalendarSource;
  setByName?: string;
  setAt?: string;
}

export interface CalendarYearView {
  year: number;
  /** Holidays are known for this year (from the package or entered here). */
  covered: boolean;
  days: CalendarDayView[];
  /** The package's version, to tell an admin whether an update would bring new years. */
  packageVersion: string;
  /** The years from this one on that have no data: deadlines into them count weekends only. */
  uncoveredFrom?: number;
}

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');

export const CalendarDayInputSchema = z.strictObject({
  date: isoDay,
  kind: z.enum(['holiday', 'workday']),
  name: plainText(20, { min: 1, minMessage: '请写明节日名称' }),
});
export type CalendarDayInput = z.infer<typeof CalendarDayInputSchema>;

/** The UTC weekday of a YYYY-MM-DD date (0 Sunday … 6 Saturday); undefined if there is no such day. */
function weekday(date: string): number | undefined {
  const d = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== date ? undefined : d.getUTCDay();
}

/**
 * PUT /api/calendar/:year: this site's days for the year, replacing what it entered before (the
 * package's days stay, a site day of the same date overrides one). Every date must be a real day
 * of that year, listed once; a 调休 working day is a weekend day, a holiday a weekday or weekend.
 */
export function calendarYearRequestSchema(year: number) {
  return z.strictObject({
    days: z
      .array(CalendarDayInputSchema)
      .max(80)
      .superRefine((days, ctx) => {
        const seen = new Set<string>();
        days.forEach((d, i) => {
          const wd = weekday(d.date);
          if (wd === undefined || !d.date.startsWith(`${year}-`)) {
            ctx.addIssue({ code: 'custom', path: [i, 'date'], message: `${d.date} 不是 ${year} 年的日期` });
          } else if (d.kind === 'workday' && wd !== 0 && wd !== 6) {
            ctx.addIssue({ code: 'custom', path: [i, 'date'], message: `${d.date} 本来就是工作日，调休上班日应是周末` });
          }
          if (seen.has(d.date)) ctx.addIssue({ code: 'custom', path: [i, 'date'], message: `${d.date} 重复` });
          seen.add(d.date);
        });
      }),
  });
}
export type CalendarYearRequest = z.infer<ReturnType<typeof calendarYearRequestSchema>>;

/** Years an admin may view or enter: a few back (cases still open) and the next ones. */
export const CALENDAR_YEARS = { min: 2004, max: 2100 } as const;

export const calendarPath = (year: number) => `/api/calendar/${year}`;

/**
 * The working-day calendar from its days: later days override earlier ones of the same date (the
 * site's over the package's). A year is covered when any of its days is listed or it is in `years`.
 */
export function buildWorkCalendar(
  layers: ReadonlyArray<ReadonlyArray<{ date: string; kind: CalendarDayKind }>>,
  years: Iterable<number>,
  version: string,
): WorkCalendar {
  const kinds = new Map<string, CalendarDayKind>();
  for (const layer of layers) for (const d of layer) kinds.set(d.date, d.kind);
  const pick = (k: CalendarDayKind) => new Set([...kinds].filter(([, kind]) => kind === k).map(([date]) => date));
  return {
    holidays: pick('holiday'),
    workingWeekends: pick('workday'),
    coveredYears: new Set([...[...kinds.keys()].map((d) => Number(d.slice(0, 4))), ...years]),
    version,
  };
}
