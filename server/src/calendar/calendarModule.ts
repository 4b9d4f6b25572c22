import { Router } from 'express';
import { calendarYearRequestSchema } from '@tongban/shared/calendar/calendar';
import { authorize, parse, route } from '../api/http';
import type { Feature, SiteServices } from '../feature';
import { loadPackageCalendar, type PackageCalendar } from './packageCalendar';
import { WorkCalendarService } from './WorkCalendarService';

export type CalendarDeps = Pick<SiteServices, 'db' | 'ledger' | 'clock' | 'log'> & {
  /** The State Council data; the installed `chinese-days` package unless a test passes its own. */
  packageData?: PackageCalendar;
};

/** 节假日日历: the working-day calendar every deadline counts on, and its admin view. */
export interface CalendarModule extends Feature {
  calendar: WorkCalendarService;
}

export function createCalendarModule(deps: CalendarDeps): CalendarModule {
  const calendar = new WorkCalendarService({ ...deps, packageData: deps.packageData ?? loadPackageCalendar() });
  const missing = calendar.firstUncoveredYear();
  if (missing !== undefined) {
    deps.log.warn({ year: missing }, `节假日日历缺少 ${missing} 年的数据：请管理员在“节假日日历”中录入 ${missing} 年的节假日与调休`);
  }
  return {
    calendar,
    routes: () => {
      const r = Router();
      r.get(
        '/calendar/:year',
        route((req, res) => {
          authorize(req, 'calendar.view');
          res.json(calendar.year(Number(req.params.year)));
        }),
      );
      r.put(
        '/calendar/:year',
        route((req, res) => {
          const year = Number(req.params.year);
          const user = authorize(req, 'calendar.edit');
          res.json(calendar.setYear(user, year, parse(calendarYearRequestSchema(year), req.body)));
        }),
      );
      return r;
    },
  };
}
