import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_STATES } from '@tongban/shared';
import { chinaDate } from '@tongban/shared/cases/chinaTime';
import type { DashboardView } from '@tongban/shared/dashboard/figures';
import type { Actor } from '@tongban/server/audit/AuditLedger';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import { createPrecheckedCase, decideByReview, requestReview } from '../support/reviewFixtures';
import { acceptedCase } from '../support/handoffCase';

/** Issue 14, item 6: every figure of the supervisors' dashboard equals a direct count from the database. */
const peer: Actor = { id: null, name: 'site:test', role: 'peer-site', officeId: null };
let srv: TestServer;
let view: DashboardView;
const count = (sql: string) => srv.ctx.db.prepare(sql).pluck().get() as number;

beforeAll(async () => {
  srv = await startTestServer({ OCR_WORKERS: 1, REVIEW_SAMPLE_PERCENT: 0 });
  const clerk = await ApiClient.login(srv.url, 'clerk');
  const reviewer = await ApiClient.login(srv.url, 'reviewer');
  await createPrecheckedCase(clerk);
  const rejected = await createPrecheckedCase(clerk);
  await decideByReview(clerk, reviewer, rejected.id, { outcome: 'reject', reason: '不属于受理范围' });
  const waiting = await createPrecheckedCase(clerk);
  const session = await requestReview(clerk, waiting.id);
  expect((await clerk.post(`/api/review/sessions/${session}/cancel`)).status).toBe(200);
  const { caseId } = await acceptedCase(srv);
  expect((await clerk.post(`/api/cases/${caseId}/handoff/courier`, { courierCompany: '顺丰速运', waybillNo: 'SF2026120201' })).status).toBe(
    200,
  );
  srv.ctx.db.transaction(() => {
    srv.ctx.cases.applyTransition(caseId, 'start_handling', peer);
    srv.ctx.cases.applyTransition(caseId, 'complete', peer);
  })();
  expect((await clerk.post(`/api/cases/${caseId}/rating`, { level: 5, indicators: { attitude: 5, efficiency: 4 } })).status).toBe(200);
  view = (await (await ApiClient.login(srv.url, 'admin')).get('/api/dashboard?days=7')).body;
});
afterAll(() => srv?.stop());

describe('the supervisors’ dashboard', () => {
  it('today’s cases by state equal the cases table', () => {
    const today = view.statesByDay.at(-1)!;
    expect(today.day).toBe(chinaDate(new Date()));
    for (const s of CASE_STATES) expect(today[s], s).toBe(count(`SELECT COUNT(*) FROM cases WHERE state = '${s}'`));
    expect(view.statesByDay).toHaveLength(7);
  });

  it('co-review, ratings, reviewers and second opinions equal their tables', () => {
    expect(view.coReview.answered).toBe(count('SELECT COUNT(*) FROM review_sessions WHERE accepted_at IS NOT NULL'));
    expect(view.coReview.abandoned).toBe(count("SELECT COUNT(*) FROM review_sessions WHERE status = 'cancelled' AND accepted_at IS NULL"));
    expect(view.coReview.abandoned).toBe(1);
    expect(view.coReview.waitMedianSeconds).toBeGreaterThanOrEqual(0);
    expect(view.sessionsByReviewer).toEqual([{ reviewerName: '王审核', sessions: view.coReview.answered }]);
    for (const l of view.ratingsByLevel) expect(l.count).toBe(count(`SELECT COUNT(*) FROM ratings WHERE level = ${l.level}`));
    expect(view.ratingsByIndicator.find((i) => i.code === 'efficiency')).toEqual({ code: 'efficiency', count: 1, average: 4 });
    expect(view.secondOpinions).toEqual({ sampled: count('SELECT COUNT(*) FROM review_samples'), agreed: 0, disagreed: 0, pending: 1 });
    expect(view.onTimeByOffice).toEqual([{ officeId: 'hn-cs-office', officeName: expect.any(String), count: 1, onTime: 1, rate: 1 }]);
  });

  it('a supervisor sees the cases of their office; a clerk may not look', async () => {
    const other = (await (await ApiClient.login(srv.url, 'reviewer2')).get('/api/dashboard')).body;
    expect(other.error.code).toBe('FORBIDDEN_ROLE');
    const mine = (await (await ApiClient.login(srv.url, 'supervisor')).get('/api/dashboard?days=7')).body as DashboardView;
    expect(mine.statesByDay.at(-1)!.rated).toBe(1);
    expect((await (await ApiClient.login(srv.url, 'supervisor')).get('/api/dashboard?days=0')).body.error.code).toBe('VALIDATION_FAILED');
  });
});
