import { AppError } from '@tongban/shared';
import { addWorkingDays, uncoveredYears, type WorkCalendar } from '@tongban/shared/cases/workdays';
import { chinaDate } from '@tongban/shared/cases/chinaTime';
import {
  buildWorkCalendar,
  CALENDAR_YEARS,
  type CalendarDayKind,
  type CalendarDayView,
  type CalendarYearRequest,
  type CalendarYearView,
} from '@tongban/shared/calendar/calendar';
import { actorOf, type SessionUser } from '../auth/AuthService';
import type { AuditLedger } from '../audit/AuditLedger';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { Db } from '../storage/database';
import type { PackageCalendar } from './packageCalendar';

/** What a deadline-counting service needs of the calendar. */
export interface WorkCalendarSource {
  /** The calendar as it is now (a new object whenever its data changes; `version` tells). */
  current(): WorkCalendar;
  /** `addWorkingDays` on the current calendar; a warning is logged when the count crosses a year without data. */
  addWorkingDays(start: Date, days: number): string;
  /** The first year from now on (up to a quarter ahead) without holiday data, if any. */
  firstUncoveredYear(now?: Date): number | undefined;
}

export interface WorkCalendarDeps {
  db: Db;
  ledger: AuditLedger;
  clock: Clock;
  log: Logger;
  packageData: PackageCalendar;
}

interface SiteDayRow {
  date: string;
  year: number;
  kind: CalendarDayKind;
  name: string;
  set_by_name: string;
  set_at: string;
}

/**
 * The one working-day calendar of the site: the package's State Council data with the days this
 * site's admin entered on top. Every deadline of the product is counted on it.
 */
export class WorkCalendarService implements WorkCalendarSource {
  private cached: WorkCalendar | undefined;
  private revision = 0;
  private readonly warnedYears = new Set<number>();
  constructor(private readonly deps: WorkCalendarDeps) {}

  current(): WorkCalendar {
    if (this.cached) return this.cached;
    this.cached = buildWorkCalendar(
      [this.deps.packageData.days, this.siteDays()],
      this.siteYears(),
      `${this.deps.packageData.version}+${this.revision}`,
    );
    return this.cached;
  }

  addWorkingDays(start: Date, days: number): string {
    const cal = this.current();
    const end = addWorkingDays(start, days, cal);
    for (const year of uncoveredYears(chinaDate(start), end, cal)) {
      if (this.warnedYears.has(year)) continue;
      this.warnedYears.add(year);
      this.deps.log.warn(
        { year, deadline: end },
        `日历缺少 ${year} 年的节假日数据：截止日期只按周末计算，请管理员在“节假日日历”中录入 ${year} 年的节假日与调休`,
      );
    }
    return end;
  }

  /** The first year from `now`'s on that has no data, for the health check and the admin's warning. */
  firstUncoveredYear(now: Date = this.deps.clock.now()): number | undefined {
    const cal = this.current();
    const thisYear = Number(chinaDate(now).slice(0, 4));
    // Deadlines run weeks ahead: in its last quarter the next year matters too.
    const horizon = Number(chinaDate(new Date(now.getTime() + 90 * 86_400_000)).slice(0, 4));
    return uncoveredYears(`${thisYear}-01-01`, `${horizon}-12-31`, cal)[0];
  }

  year(year: number): CalendarYearView {
    checkYear(year);
    const site = this.siteDays(year);
    const siteDates = new Set(site.map((d) => d.date));
    const days: CalendarDayView[] = [
      ...this.deps.packageData.days
        .filter((d) => d.date.startsWith(`${year}-`) && !siteDates.has(d.date))
        .map((d) => ({ ...d, source: 'package' as const })),
      ...site.map((d) => ({
        date: d.date,
        kind: d.kind,
        name: d.name,
        source: 'site' as const,
        setByName: d.set_by_name,
        setAt: d.set_at,
      })),
    ].sort((a, b) => a.date.localeCompare(b.date));
    const uncoveredFrom = this.firstUncoveredYear();
    return {
      year,
      covered: this.current().coveredYears!.has(year),
      days,
      packageVersion: this.deps.packageData.version,
      ...(uncoveredFrom !== undefined && { uncoveredFrom }),
    };
  }

  /** Replaces the site's days of `year` with `req.days` and marks the year as entered, with one audit event. */
  setYear(user: SessionUser, year: number, req: CalendarYearRequest): CalendarYearView {
    checkYear(year);
    const at = this.deps.clock.now().toISOString();
    this.deps.db.transaction(() => {
      const before = this.siteDays(year).length;
      this.deps.db.prepare('DELETE FROM calendar_days WHERE year = ?').run(year);
      const insert = this.deps.db.prepare(
        'INSERT INTO calendar_days (date, year, kind, name, set_by_name, set_at) VALUES (?, ?, ?, ?, ?, ?)',
      );
      for (const d of req.days) insert.run(d.date, year, d.kind, d.name, user.displayName, at);
      this.deps.db
        .prepare(
          'INSERT INTO calendar_years (year, set_by_name, set_at) VALUES (?, ?, ?) ON CONFLICT(year) DO UPDATE SET set_by_name = excluded.set_by_name, set_at = excluded.set_at',
        )
        .run(year, user.displayName, at);
      this.deps.ledger.append(actorOf(user), 'calendar.year_set', {
        details: {
          year,
          holidays: req.days.filter((d) => d.kind === 'holiday').length,
          workdays: req.days.filter((d) => d.kind === 'workday').length,
          replaced: before,
        },
      });
    })();
    this.cached = undefined;
    this.revision++;
    this.warnedYears.delete(year);
    return this.year(year);
  }

  private siteDays(year?: number): SiteDayRow[] {
    return (
      year === undefined
        ? this.deps.db.prepare('SELECT * FROM calendar_days').all()
        : this.deps.db.prepare('SELECT * FROM calendar_days WHERE year = ? ORDER BY date').all(year)
    ) as SiteDayRow[];
  }

  private siteYears(): number[] {
    return (this.deps.db.prepare('SELECT year FROM calendar_years').all() as Array<{ year: number }>).map((r) => r.year);
  }
}

function checkYear(year: number): void {
  if (!Number.isInteger(year) || year < CALENDAR_YEARS.min || year > CALENDAR_YEARS.max) {
    throw new AppError('VALIDATION_FAILED', {
      details: { year },
      zh: `年份应在 ${CALENDAR_YEARS.min}–${CALENDAR_YEARS.max} 之间`,
      en: `The year must be between ${CALENDAR_YEARS.min} and ${CALENDAR_YEARS.max}`,
    });
  }
}
