import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { CalendarDayKind } from '@tongban/shared/calendar/calendar';

/** One day of the package's data. */
export interface PackageDay {
  date: string;
  kind: CalendarDayKind;
  name: string;
}

export interface PackageCalendar {
  version: string;
  days: PackageDay[];
}

const require = createRequire(import.meta.url);

/**
 * The State Council calendar as npm `chinese-days` carries it (its JSON: date → "English,中文,n"
 * for holidays and for 调休 working days). Read from the installed package, so updating the
 * package is how a site gets a newly published year.
 */
export function loadPackageCalendar(): PackageCalendar {
  const { version } = require('chinese-days/package.json') as { version: string };
  const data = JSON.parse(fs.readFileSync(require.resolve('chinese-days/dist/chinese-days.json'), 'utf8')) as Record<
    'holidays' | 'workdays',
    Record<string, string>
  >;
  const days: PackageDay[] = [];
  for (const kind of ['holidays', 'workdays'] as const) {
    for (const [date, label] of Object.entries(data[kind])) {
      days.push({ date, kind: kind === 'holidays' ? 'holiday' : 'workday', name: label.split(',')[1] ?? label });
    }
  }
  return { version, days };
}
