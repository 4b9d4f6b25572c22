import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleReason } from '@tongban/shared/reviewQa/reviewQa';
import { SYSTEM_ACTOR } from '@tongban/server/audit/AuditLedger';
import { ApiClient, startTestServer, TEST_PASSWORD, type TestServer } from '../support/testServer';
import { createPrecheckedCase, decideByReview, requestReview } from '../support/reviewFixtures';

/**
 * Issue 14, item 4: 抽查复核. Every 不予受理 and a configured share of other decisions are drawn in
 * the decision's transaction; a supervisor of the handling office gives one second opinion, audited,
 * and the figures are a direct count of the samples.
 */
describe('the draw', () => {
  it('takes every rejection, and others when the draw falls in the share', () => {
    expect(sampleReason('reject', 0, 0.99)).toBe('rejection');
    expect(sampleReason('accept', 10, 0.05)).toBe('random');
    expect(sampleReason('accept', 10, 0.1)).toBeUndefined();
    expect(sampleReason('request_correction', 0, 0)).toBeUndefined();
    expect(sampleReason('accept', 100, 0.999)).toBe('random');
  });
});

describe('second opinions on sampled co-reviews', () => {
  let srv: TestServer;
  let clerk: ApiClient;
  let reviewer: ApiClient;
  beforeAll(async () => {
    srv = await startTestServer({ OCR_WORKERS: 1, REVIEW_SAMPLE_PERCENT: 0 });
    clerk = await ApiClient.login(srv.url, 'clerk');
    reviewer = await ApiClient.login(srv.url, 'reviewer');
  });
  afterAll(() => srv?.stop());

  it('draws the rejection, not the acceptance; the handling office’s supervisor agrees or disagrees once', async () => {
    const accepted = await createPrecheckedCase(clerk);
    await decideByReview(clerk, reviewer, accepted.id, { outcome: 'accept' });
    const rejected = await createPrecheckedCase(clerk);
    const session = await decideByReview(clerk, reviewer, rejected.id, { outcome: 'reject', reason: '不属于本事项受理范围' });

    const decision = srv.ctx.db
      .prepare("SELECT details_json FROM audit_events WHERE case_id = ? AND action = 'case.reject'")
      .pluck()
      .get(rejected.id) as string;
    expect(JSON.parse(decision)).toMatchObject({ sampledForReview: 'rejection' });

    const supervisor = await ApiClient.login(srv.url, 'supervisor2');
    const view = (await supervisor.get('/api/review-qa')).body;
    expect(view.pending).toEqual([
      expect.objectContaining({ caseId: rejected.id, reason: 'rejection', outcome: 'reject', reviewerName: '王审核', opinion: null }),
    ]);
    // The intake window's supervisor has no samples of its own and may not judge the handling office's review.
    const intake = await ApiClient.login(srv.url, 'supervisor');
    expect((await intake.get('/api/review-qa')).body.pending).toEqual([]);
    const foreign = await intake.post(`/api/review-qa/${session.id}/opinion`, { agree: true, note: '同意' });
    expect(foreign.body.error.code).toBe('FORBIDDEN_OFFICE');
    expect((await reviewer.get('/api/review-qa')).body.error.code).toBe('FORBIDDEN_ROLE');

    const bad = await supervisor.post(`/api/review-qa/${session.id}/opinion`, { agree: false, note: '' });
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const done = await supervisor.post(`/api/review-qa/${session.id}/opinion`, { agree: false, note: '看录像：申请人材料齐全，应予受理' });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.done).toEqual([
      expect.objectContaining({
        opinion: expect.objectContaining({ agree: false, byName: '周主管', note: '看录像：申请人材料齐全，应予受理' }),
      }),
    ]);
    const again = await supervisor.post(`/api/review-qa/${session.id}/opinion`, { agree: true, note: '改为同意' });
    expect(again.body.error.code).toBe('REVIEW_SAMPLE_DONE');

    const count = (where: string) =>
      srv.ctx.db.prepare(`SELECT COUNT(*) FROM review_samples WHERE office_id = 'hn-cs-office' ${where}`).pluck().get() as number;
    expect(done.body.figures).toEqual({
      sampled: count(''),
      agreed: count("AND opinion = 'agree'"),
      disagreed: count("AND opinion = 'disagree'"),
      pending: count('AND opinion IS NULL'),
    });
    const events = srv.ctx.db.prepare("SELECT COUNT(*) FROM audit_events WHERE action = 'review.second_opinion'").pluck().get();
    expect(events).toBe(1);
  });
});

describe('random assignment of co-review requests', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ OCR_WORKERS: 1, REVIEW_ASSIGNMENT: 'random' });
    await srv.ctx.auth.createUser(
      { username: 'reviewer3', displayName: '赵审核', role: 'reviewer', officeId: 'hn-cs-office', password: TEST_PASSWORD },
      SYSTEM_ACTOR,
    );
  });
  afterAll(() => srv?.stop());

  it('assigns each request to one of the office’s reviewers; only they or a supervisor may take it', async () => {
    const clerk = await ApiClient.login(srv.url, 'clerk');
    const byName: Record<string, ApiClient> = {
      王审核: await ApiClient.login(srv.url, 'reviewer'),
      赵审核: await ApiClient.login(srv.url, 'reviewer3'),
    };
    const c = await createPrecheckedCase(clerk);
    const sessionId = await requestReview(clerk, c.id);
    const queue = (await byName['王审核']!.get('/api/review/queue')).body as Array<{ sessionId: string; assignedToName?: string }>;
    const assigned = queue.find((e) => e.sessionId === sessionId)!.assignedToName!;
    expect(Object.keys(byName)).toContain(assigned);
    const other = Object.keys(byName).find((n) => n !== assigned)!;
    const refused = await byName[other]!.post(`/api/review/sessions/${sessionId}/accept`);
    expect([refused.status, refused.body.error.code]).toEqual([409, 'REVIEW_ASSIGNED_TO_OTHER']);
    expect(refused.body.error.message_zh).toContain(assigned);
    expect((await byName[assigned]!.post(`/api/review/sessions/${sessionId}/accept`)).status).toBe(200);
    const event = srv.ctx.db
      .prepare("SELECT details_json FROM audit_events WHERE case_id = ? AND action = 'case.request_review'")
      .pluck()
      .get(c.id) as string;
    expect(JSON.parse(event)).toMatchObject({ assignedTo: assigned });

    // A supervisor of the handling office may take a request assigned to someone else.
    const next = await createPrecheckedCase(clerk);
    const second = await requestReview(clerk, next.id);
    expect((await (await ApiClient.login(srv.url, 'supervisor2')).post(`/api/review/sessions/${second}/accept`)).status).toBe(200);
  });
});
