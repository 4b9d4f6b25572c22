import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@tongban/server/audit/AuditLedger';
import { addWorkingDays } from '@tongban/shared';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import { acceptedCase } from '../support/handoffCase';

/**
 * Issue 14, item 3: 好差评 by the national rules, with an injected clock — the default 满意 seven
 * days after 办结, a bad rating's call-back and rectification deadlines and their overdue flags,
 * one 追评, and an appeal decided by the other office's supervisor that takes the rating out of
 * the figures while the audit trail keeps it.
 */
const DAY = 86_400_000;
const clock = { t: new Date('2026-12-07T10:00:00+08:00').getTime(), now: () => new Date(clock.t) };
const peer: Actor = { id: null, name: 'site:test', role: 'peer-site', officeId: null };
let srv: TestServer;

beforeAll(async () => {
  srv = await startTestServer({ OCR_WORKERS: 1 }, { clock });
});
afterAll(() => srv?.stop());

async function completedCase() {
  const { caseId, clerk } = await acceptedCase(srv);
  const handoff = await clerk.post(`/api/cases/${caseId}/handoff/courier`, { courierCompany: '顺丰速运', waybillNo: `SF${clock.t}` });
  expect(handoff.status, JSON.stringify(handoff.body)).toBe(200);
  srv.ctx.db.transaction(() => {
    srv.ctx.cases.applyTransition(caseId, 'start_handling', peer);
    srv.ctx.cases.applyTransition(caseId, 'complete', peer);
  })();
  return { caseId, clerk };
}
const login = (u: string) => ApiClient.login(srv.url, u);
const later = (ms: number) => (clock.t += ms);

describe('好差评 by the rules', () => {
  it('records 满意 as the system seven days after 办结, not before; a default rating takes no 追评', async () => {
    const { caseId } = await completedCase();
    later(7 * DAY - 60_000);
    expect(srv.ctx.handoff.ratings.applyDefaults()).not.toContain(caseId);
    later(120_000);
    expect(srv.ctx.handoff.ratings.applyDefaults()).toContain(caseId);
    const clerk = await login('clerk');
    expect((await clerk.get(`/api/cases/${caseId}`)).body.case.state).toBe('rated');
    const event = srv.ctx.db
      .prepare("SELECT actor_role, details_json FROM audit_events WHERE case_id = ? AND action = 'case.rate'")
      .get(caseId) as { actor_role: string; details_json: string };
    expect(event.actor_role).toBe('system');
    expect(JSON.parse(event.details_json)).toMatchObject({ level: 4, default: true });
    const append = await clerk.post(`/api/cases/${caseId}/rating/append`, { comment: '补充' });
    expect(append.body.error.code).toBe('RATING_APPEND_DEFAULT');
  });

  it('a bad rating gets call-back and rectification dates; each is flagged when it runs late', async () => {
    const { caseId, clerk } = await completedCase();
    const rated = await clerk.post(`/api/cases/${caseId}/rating`, {
      level: 1,
      comment: '等太久',
      indicators: { efficiency: 1, attitude: 3 },
    });
    expect(rated.status, JSON.stringify(rated.body)).toBe(200);
    const cal = srv.ctx.calendar.current();
    const at = clock.now();
    expect(rated.body.followUp).toMatchObject({
      callbackDue: addWorkingDays(at, 1, cal),
      rectifyDue: addWorkingDays(at, 15, cal),
      overdue: null,
    });
    const followUp = rated.body.followUp.id as string;
    const row = async () => {
      const supervisor = await login('supervisor');
      return (await supervisor.get('/api/ledger/ratings')).body.ratings.find((r: { caseId: string }) => r.caseId === caseId);
    };
    later(3 * DAY); // past the call-back date
    expect((await row()).followUp.overdue).toBe('callback');
    const supervisor = await login('supervisor');
    expect((await supervisor.post(`/api/follow-ups/${followUp}/callback`, { note: '已电话回访，致歉' })).status).toBe(200);
    expect((await supervisor.post(`/api/follow-ups/${followUp}/callback`, { note: '再次' })).body.error.code).toBe('RATING_CALLBACK_DONE');
    expect((await row()).followUp).toMatchObject({ overdue: null, callbackNote: '已电话回访，致歉' });
    later(30 * DAY); // past the rectification date
    expect((await row()).followUp.overdue).toBe('rectify');

    // One 追评, recorded at the window as the applicant's.
    const clerkNow = await login('clerk');
    expect((await clerkNow.post(`/api/cases/${caseId}/rating/append`, { comment: '后来很快办好了' })).body.appended.comment).toBe(
      '后来很快办好了',
    );
    expect((await clerkNow.post(`/api/cases/${caseId}/rating/append`, { comment: '再追评' })).body.error.code).toBe('RATING_APPEND_ONCE');
  });

  it('an appeal approved by the other office’s supervisor takes the rating out of the figures; the audit keeps it', async () => {
    const { caseId, clerk } = await completedCase();
    expect((await clerk.post(`/api/cases/${caseId}/rating`, { level: 1, comment: '乱评' })).status).toBe(200);
    const intakeSupervisor = await login('supervisor');
    const handlingSupervisor = await login('supervisor2');
    const before = (await intakeSupervisor.get('/api/ledger/ratings')).body;

    expect((await clerk.post(`/api/cases/${caseId}/rating/appeal`, { reason: '误评' })).body.error.code).toBe('FORBIDDEN_ROLE');
    expect((await handlingSupervisor.post(`/api/cases/${caseId}/rating/appeal`, { reason: '误评' })).body.error.code).toBe(
      'FORBIDDEN_OFFICE',
    );
    expect((await intakeSupervisor.post(`/api/cases/${caseId}/rating/appeal`, { reason: '申请人当场表示误点' })).status).toBe(200);
    expect((await intakeSupervisor.post(`/api/cases/${caseId}/rating/appeal`, { reason: '再申诉' })).body.error.code).toBe(
      'RATING_APPEAL_EXISTS',
    );
    // The rated office cannot decide its own appeal.
    const own = await intakeSupervisor.post(`/api/cases/${caseId}/rating/appeal/decision`, { approve: true, reason: '同意' });
    expect(own.body.error.code).toBe('FORBIDDEN_OFFICE');
    const queue = (await handlingSupervisor.get('/api/ledger/ratings')).body.appealsToDecide;
    expect(queue.map((r: { caseId: string }) => r.caseId)).toEqual([caseId]);
    const decided = await handlingSupervisor.post(`/api/cases/${caseId}/rating/appeal/decision`, { approve: true, reason: '核实为误评' });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    expect(decided.body.appeal).toMatchObject({ status: 'approved', decidedByName: '周主管', decisionReason: '核实为误评' });

    const after = (await intakeSupervisor.get('/api/ledger/ratings')).body;
    expect(after.total).toBe(before.total - 1);
    expect(after.byLevel['1']).toBe(before.byLevel['1'] - 1);
    expect(after.removedOnAppeal).toBe(before.removedOnAppeal + 1);
    expect(after.ratings.find((r: { caseId: string }) => r.caseId === caseId).appeal.status).toBe('approved');
    const actions = srv.ctx.db.prepare('SELECT action FROM audit_events WHERE case_id = ? ORDER BY seq').pluck().all(caseId);
    expect(actions).toEqual(expect.arrayContaining(['case.rate', 'rating.appealed', 'rating.appeal_decided']));

    // The staff rated see figures only.
    const clerkView = (await (await login('clerk')).get('/api/ledger/ratings')).body;
    expect(clerkView.total).toBe(after.total);
    expect(clerkView.ratings).toEqual([]);
  });
});
