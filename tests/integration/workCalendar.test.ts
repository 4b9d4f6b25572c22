import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import { createCase } from '../support/caseFixtures';

/**
 * Issue 14, item 1: the working-day calendar from maintained data, every deadline counted on it,
 * an admin entering a year the package does not carry yet (audited), and a warning when a year
 * has no data. The site's clock is injected: a case received on 2026-09-28.
 */
const clock = { t: new Date('2026-09-28T10:00:00+08:00').getTime(), now: () => new Date(clock.t) };
let srv: TestServer;
let admin: ApiClient;
let clerk: ApiClient;

beforeAll(async () => {
  srv = await startTestServer({}, { clock });
  admin = await ApiClient.login(srv.url, 'admin');
  clerk = await ApiClient.login(srv.url, 'clerk');
});
afterAll(() => srv?.stop());

describe('the working-day calendar', () => {
  it('counts a case received before National Day past the holiday week', async () => {
    // 社会保障卡申领: 10 working days. 9.29, 9.30, 10.8, 10.9, 10.10 (调休 Saturday), 10.12–10.16.
    const c = await createCase(clerk);
    expect(c.body.case.deadline).toBe('2026-10-16');
    const view = (await clerk.get(`/api/cases/${c.id}`)).body.case;
    expect(view.workingDaysLeft).toBe(10);
  });

  it('shows the year’s days with their source to an admin; a clerk may not look', async () => {
    const r = await admin.get('/api/calendar/2026');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ year: 2026, covered: true });
    expect(r.body.days).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ date: '2026-10-01', kind: 'holiday', name: '国庆节', source: 'package' }),
        expect.objectContaining({ date: '2026-10-10', kind: 'workday', source: 'package' }),
      ]),
    );
    expect((await clerk.get('/api/calendar/2026')).body.error.code).toBe('FORBIDDEN_ROLE');
    expect((await admin.get('/api/calendar/1900')).body.error.code).toBe('VALIDATION_FAILED');
  });

  it('warns, in health and the year view, when the next year has no data; an admin’s entry covers it', async () => {
    clock.t = new Date('2026-12-20T10:00:00+08:00').getTime();
    [admin, clerk] = await Promise.all([ApiClient.login(srv.url, 'admin'), ApiClient.login(srv.url, 'clerk')]); // sessions expired
    expect((await admin.get('/api/health')).body.calendar).toMatchObject({ complete: false, uncoveredYear: 2027 });
    const before = (await admin.get('/api/calendar/2027')).body;
    expect(before).toMatchObject({ year: 2027, covered: false, uncoveredFrom: 2027, days: [] });

    const bad = await admin.put('/api/calendar/2027', { days: [{ date: '2027-01-04', kind: 'workday', name: '元旦' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect((await clerk.put('/api/calendar/2027', { days: [] })).body.error.code).toBe('FORBIDDEN_ROLE');
    expect((await admin.get('/api/calendar/2027')).body.covered).toBe(false); // nothing was saved

    const days = [
      { date: '2027-01-01', kind: 'holiday', name: '元旦' },
      { date: '2027-01-02', kind: 'holiday', name: '元旦' },
      { date: '2027-01-03', kind: 'holiday', name: '元旦' },
    ];
    const r = await admin.put('/api/calendar/2027', { days });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ year: 2027, covered: true });
    expect(r.body.days).toEqual(days.map((d) => expect.objectContaining({ ...d, source: 'site', setByName: '系统管理员' })));
    expect((await admin.get('/api/health')).body.calendar).toEqual({ complete: true });

    const events = srv.ctx.db.prepare("SELECT details_json FROM audit_events WHERE action = 'calendar.year_set'").all() as Array<{
      details_json: string;
    }>;
    expect(events.map((e) => JSON.parse(e.details_json))).toEqual([{ year: 2027, holidays: 3, workdays: 0, replaced: 0 }]);
  });

  it('deadlines use the entered days at once: a case received on 12.31 is due after 元旦', async () => {
    clock.t = new Date('2026-12-31T10:00:00+08:00').getTime();
    clerk = await ApiClient.login(srv.url, 'clerk');
    const c = await createCase(clerk);
    // 10 working days from Thursday 12.31 with 1.1–1.3 off: 1.4–1.8, 1.11–1.15.
    expect(c.body.case.deadline).toBe('2027-01-15');
  });
});
