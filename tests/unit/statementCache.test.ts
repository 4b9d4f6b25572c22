import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '@tongban/server/storage/database';
import { caseDeadlineStatus } from '@tongban/server/cases/caseRows';
import { deadlineStatus } from '@tongban/shared/cases/deadline';
import type { WorkCalendar } from '@tongban/shared/cases/workdays';

describe('openDatabase: prepared statements are reused', () => {
  let db: Db;
  afterEach(() => db.close());

  it('returns the same statement for the same SQL', () => {
    db = openDatabase(':memory:');
    expect(db.prepare('SELECT name FROM schema_migrations')).toBe(db.prepare('SELECT name FROM schema_migrations'));
  });

  it("one caller's pluck() does not change what the next caller of the same SQL gets", () => {
    db = openDatabase(':memory:');
    expect(db.prepare('SELECT 7 AS n').pluck().get()).toBe(7);
    expect(db.prepare('SELECT 7 AS n').get()).toEqual({ n: 7 });
  });

  it('a statement still being iterated is not handed out again', () => {
    db = openDatabase(':memory:');
    db.exec('CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2)');
    const seen: number[] = [];
    for (const row of db.prepare('SELECT n FROM t ORDER BY n').iterate() as Iterable<{ n: number }>) {
      seen.push(row.n, ...(db.prepare('SELECT n FROM t ORDER BY n').pluck().all() as number[]));
    }
    expect(seen).toEqual([1, 1, 2, 2, 1, 2]);
  });
});

describe('caseDeadlineStatus', () => {
  it('answers as deadlineStatus does, also after the China day or the calendar changes', () => {
    const days = ['2025-03-03T01:00:00Z', '2025-03-03T15:59:00Z', '2025-03-03T16:00:00Z', '2025-03-10T02:00:00Z'].map((d) => new Date(d));
    const plain: WorkCalendar = { version: 'a' };
    // The same dates with 3.5 a holiday, as an admin might enter it: a new version, new answers.
    const withHoliday: WorkCalendar = { holidays: new Set(['2025-03-05']), version: 'b' };
    for (const cal of [plain, withHoliday, plain]) {
      for (const now of days) {
        for (const state of ['draft', 'completed'] as const) {
          for (const deadline of ['2025-03-04', '2025-03-07', '2025-03-12']) {
            expect(caseDeadlineStatus(state, deadline, now, cal)).toEqual(deadlineStatus(state, deadline, now, cal));
          }
        }
      }
    }
  });
});
