import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { NOTIFICATION_EVENT, type NotificationView } from '@tongban/shared/notifications/notifications';
import type { CaseStepView, StepCode } from '@tongban/shared/cases/steps';
import { auditSentence } from '@tongban/shared/audit/auditActions';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import { acceptedCase } from '../support/handoffCase';

/**
 * Issue 14, item 2: a time limit for every step, and who owns it. On an injected clock (Monday
 * 2026-12-07, 10:00 China time): case A is accepted and left at the window, case B is handed off
 * by courier and signed for at the handling office, which does not start it. A's courier step
 * goes late for the receiving office, B's check for the handling office; the reminder reaches the
 * handling office's reviewer before the check is due, live and in the list; each goes out once.
 */
const cst = (local: string) => new Date(`${local}+08:00`).getTime();
const clock = { t: cst('2026-12-07T10:00:00'), now: () => new Date(clock.t) };
const WINDOW = '韶关市政务服务中心跨省通办专窗';
const HANDLING = '长沙市政务服务中心业务属地审批窗口';

let srv: TestServer;
let a: string;
let b: string;
let socket: Socket;
const heard: NotificationView[] = [];

const login = (u: string) => ApiClient.login(srv.url, u);
async function steps(client: ApiClient, caseId: string): Promise<Record<StepCode, CaseStepView>> {
  const r = await client.get(`/api/cases/${caseId}/steps`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return Object.fromEntries((r.body.steps as CaseStepView[]).map((s) => [s.code, s])) as Record<StepCode, CaseStepView>;
}
const stepEvents = (caseId: string) =>
  srv.ctx.ledger.forCase(caseId).filter((e) => e.action === 'step.reminder_sent' || e.action === 'step.overdue');

beforeAll(async () => {
  srv = await startTestServer({}, { ocr: 'printed-text', clock });
  ({ caseId: a } = await acceptedCase(srv));
  const second = await acceptedCase(srv);
  b = second.caseId;
  const handed = await second.clerk.post(`/api/cases/${b}/handoff/courier`, { courierCompany: '中国邮政EMS', waybillNo: 'EA123456789CN' });
  expect(handed.status, JSON.stringify(handed.body)).toBe(200);
  const reviewer = await login('reviewer');
  const signed = await reviewer.post(`/api/cases/${b}/handoff/envelope/received`, {
    courierCompany: '中国邮政EMS',
    waybillNo: 'EA123456789CN',
  });
  expect(signed.status, JSON.stringify(signed.body)).toBe(200);
  socket = connect(srv.url, { extraHeaders: { cookie: reviewer.cookieHeader }, transports: ['websocket'] });
  socket.on(NOTIFICATION_EVENT, (n: NotificationView) => heard.push(n));
  await new Promise<void>((resolve, reject) => {
    socket.on('connect', resolve);
    socket.on('connect_error', reject);
  });
}, 120_000);

afterAll(async () => {
  socket?.close();
  await srv?.stop();
});

describe('环节时限', () => {
  it('shows each step with its due day, the office answering for it by name, and what is done', async () => {
    const clerk = await login('clerk');
    const sa = await steps(clerk, a);
    expect(sa.intake_push).toMatchObject({ status: 'running', dueOn: '2026-12-08', side: 'intake', officeName: WINDOW });
    expect(sa.courier_dispatch).toMatchObject({ status: 'running', dueOn: '2026-12-09', officeName: WINDOW, limitDays: 2 });
    expect(sa.handling_check.status).toBe('pending');
    const sb = await steps(await login('reviewer'), b);
    expect(sb.intake_push.status).toBe('done');
    expect(sb.courier_dispatch.status).toBe('done');
    expect(sb.handling_check).toMatchObject({ status: 'running', dueOn: '2026-12-08', side: 'handling', officeName: HANDLING });
    // 15 working days for 养老保险关系转移, once handling starts.
    expect(sb.decision).toMatchObject({ status: 'pending', limitDays: 15 });
    // Whoever may read the case, and nobody else.
    expect((await (await login('clerk2')).get(`/api/cases/${a}/steps`)).body.error.code).toBe('FORBIDDEN_OFFICE');
    const item = await clerk.get('/api/catalog/items/TB-YYZZ-BG/steps');
    expect(item.body.steps.find((s: { code: string }) => s.code === 'courier_dispatch')).toEqual({
      code: 'courier_dispatch',
      days: 1,
      side: 'intake',
      source: 'item',
      default: { days: 2, side: 'intake' },
    });
  });

  it('reminds the responsible office before the step is due, once, live and in the bell', async () => {
    clock.t = cst('2026-12-08T12:00:00');
    expect(srv.ctx.steps.sweep()).toEqual([]);
    // 4 office hours before Tuesday's close at 17:00.
    clock.t = cst('2026-12-08T13:30:00');
    const sent = srv.ctx.steps.sweep();
    expect(sent).toEqual(
      expect.arrayContaining([
        { caseId: a, step: 'intake_push', kind: 'reminder' },
        { caseId: b, step: 'handling_check', kind: 'reminder' },
      ]),
    );
    expect(sent).toHaveLength(2);
    expect(srv.ctx.steps.sweep()).toEqual([]);

    const reviewer = await login('reviewer');
    const list = (await reviewer.get('/api/notifications')).body;
    expect(list.unread).toBe(1);
    const [n] = list.notifications as NotificationView[];
    expect(n).toMatchObject({ kind: 'step_due_soon', caseId: b, step: 'handling_check', officeName: HANDLING });
    expect(Date.parse(n!.createdAt)).toBeLessThan(Date.parse(n!.dueAt));
    expect(n!.dueAt).toBe(new Date(cst('2026-12-09T00:00:00')).toISOString());
    await expect.poll(() => heard.map((h) => h.id)).toEqual([n!.id]);
    // The window's users got A's reminder, not B's.
    const clerkList = (await (await login('clerk')).get('/api/notifications')).body.notifications as NotificationView[];
    expect(clerkList.map((x) => [x.caseId, x.step])).toEqual([[a, 'intake_push']]);
    expect((await (await login('supervisor2')).get('/api/notifications')).body.unread).toBe(1);

    const [event] = stepEvents(b);
    expect(event).toMatchObject({ action: 'step.reminder_sent', actor_role: 'system' });
    expect(auditSentence(event!, { siteName: (s) => s, slotName: (c) => ({ zh: c, en: c }) })!.zh).toBe(
      `提醒${HANDLING}：“实施机关收件核验”环节将于 2026-12-09 00:00 到期（已通知 2 人）`,
    );

    const read = await reviewer.post('/api/notifications/read', { id: n!.id });
    expect(read.body.unread).toBe(0);
    expect((await reviewer.post('/api/notifications/read', { id: 'nope' })).status).toBe(404);
  });

  it('flags a late courier step for the receiving office and a late check for the handling office, once', async () => {
    clock.t = cst('2026-12-10T09:00:00');
    const sent = srv.ctx.steps.sweep();
    expect(sent).toEqual(
      expect.arrayContaining([
        { caseId: a, step: 'intake_push', kind: 'overdue' },
        { caseId: a, step: 'courier_dispatch', kind: 'overdue' },
        { caseId: b, step: 'handling_check', kind: 'overdue' },
      ]),
    );
    expect(sent).toHaveLength(3);
    expect(srv.ctx.steps.sweep()).toEqual([]);

    const supervisor = await login('supervisor');
    const sa = await steps(supervisor, a);
    expect(sa.courier_dispatch).toMatchObject({ status: 'late', side: 'intake', officeName: WINDOW });
    const sb = await steps(supervisor, b);
    expect(sb.handling_check).toMatchObject({ status: 'late', side: 'handling', officeName: HANDLING });
    expect(stepEvents(b).map((e) => e.action)).toEqual(['step.reminder_sent', 'step.overdue']);
    expect(
      stepEvents(a)
        .filter((e) => e.action === 'step.overdue')
        .map((e) => e.details.step),
    ).toEqual(['intake_push', 'courier_dispatch']);

    // 超时环节 in the work ledger of both sides' supervisors.
    for (const who of ['supervisor', 'supervisor2']) {
      const ledger = (await (await login(who)).get('/api/ledger')).body;
      const stalled = ledger.sections.steps.stalled as Array<{ caseId: string; step: string; officeName: string }>;
      expect(stalled.map((s) => [s.caseId, s.step, s.officeName]).sort()).toEqual(
        [
          [a, 'courier_dispatch', WINDOW],
          [a, 'intake_push', WINDOW],
          [b, 'handling_check', HANDLING],
        ].sort(),
      );
    }
  });

  it('a late step done is done late, and counts against its office’s on-time rate', async () => {
    const reviewer = await login('reviewer');
    expect((await reviewer.post(`/api/cases/${b}/handoff/start`)).status).toBe(200);
    expect((await steps(reviewer, b)).handling_check.status).toBe('done_late');
    expect(srv.ctx.steps.sweep()).toEqual([]);
    const dash = (await (await login('supervisor2')).get('/api/dashboard?days=30')).body;
    expect(dash.onTimeByOfficeStep).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ officeName: HANDLING, step: 'handling_check', count: 1, onTime: 0, rate: 0 }),
        expect.objectContaining({ officeName: WINDOW, step: 'intake_push', count: 1, onTime: 1, rate: 1 }),
      ]),
    );
    const ledger = (await (await login('supervisor2')).get('/api/ledger')).body;
    expect(ledger.sections.steps.stalled.map((s: { caseId: string }) => s.caseId)).not.toContain(b);
  });

  it('an admin sets an item’s own limit and office per step (audited); bad input is refused and changes nothing', async () => {
    const admin = await login('admin');
    const itemCode = (await admin.get(`/api/cases/${a}`)).body.case.itemCode as string;
    const path = `/api/catalog/items/${itemCode}/steps`;
    const refused = [
      await admin.put(path, { steps: [{ step: 'courier_dispatch', days: 999 }] }),
      await admin.put(path, {
        steps: [
          { step: 'courier_dispatch', days: 3 },
          { step: 'courier_dispatch', days: 4 },
        ],
      }),
      await admin.put(path, { steps: [{ step: 'no_such_step', days: 3 }] }),
    ];
    expect(refused.map((r) => [r.status, r.body.error.code])).toEqual(Array(3).fill([400, 'VALIDATION_FAILED']));
    expect((await (await login('clerk')).put(path, { steps: [] })).body.error.code).toBe('FORBIDDEN_ROLE');
    expect((await steps(admin, a)).courier_dispatch).toMatchObject({ limitDays: 2, side: 'intake' });

    const set = await admin.put(path, { steps: [{ step: 'courier_dispatch', days: 30, side: 'handling' }] });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.steps.find((s: { code: string }) => s.code === 'courier_dispatch')).toMatchObject({
      days: 30,
      side: 'handling',
      source: 'item',
    });
    expect((await steps(admin, a)).courier_dispatch).toMatchObject({ limitDays: 30, side: 'handling', officeName: HANDLING });
    const events = [...srv.ctx.ledger.all()].filter((e) => e.action === 'catalog.item_steps_set' && e.details.itemCode === itemCode);
    expect(events.at(-1)).toMatchObject({ actor_role: 'admin' });

    expect((await admin.put(path, { steps: [] })).status).toBe(200);
    expect((await steps(admin, a)).courier_dispatch).toMatchObject({ limitDays: 2, side: 'intake' });
  });
});
