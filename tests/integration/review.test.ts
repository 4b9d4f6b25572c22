import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import { createPrecheckedCase, openActiveSession, sfuTestConfig } from '../support/reviewFixtures';

let srv: TestServer;
let clerk: ApiClient;
let reviewer: ApiClient;
beforeAll(async () => {
  srv = await startTestServer({ ...sfuTestConfig(44000), OCR_WORKERS: 1 });
  clerk = await ApiClient.login(srv.url, 'clerk');
  reviewer = await ApiClient.login(srv.url, 'reviewer');
});
afterAll(async () => {
  await srv?.stop();
});

const jpeg = (w: number, h: number) =>
  sharp({ create: { width: w, height: h, channels: 3, background: '#2a6' } })
    .jpeg()
    .toBuffer();
const postImage = (c: ApiClient, sessionId: string, body: Buffer, type = 'image/jpeg') =>
  c.request('POST', `/api/review/sessions/${sessionId}/snapshots?label=id_front`, new Uint8Array(body), { 'content-type': type });

describe('co-review session flow', () => {
  it('request → the handling office queue (with waiting time) → accept; other offices are refused', async () => {
    const c = await createPrecheckedCase(clerk);
    const req = await clerk.post(`/api/cases/${c.id}/review`);
    expect(req.status).toBe(201);
    expect(req.body).toMatchObject({ status: 'waiting', caseNo: c.caseNo });
    expect((await clerk.get(`/api/cases/${c.id}`)).body.case.state).toBe('in_review');
    expect((await clerk.post(`/api/cases/${c.id}/review`)).body.error.code).toBe('REVIEW_ALREADY_OPEN');

    const queue = await reviewer.get('/api/review/queue');
    const entry = queue.body.find((e: { sessionId: string }) => e.sessionId === req.body.id);
    expect(entry).toMatchObject({ caseNo: c.caseNo, applicantName: '张三' });
    expect(entry.waitingSeconds).toBeGreaterThanOrEqual(0);

    const reviewer2 = await ApiClient.login(srv.url, 'reviewer2');
    expect((await reviewer2.get('/api/review/queue')).body.some((e: { sessionId: string }) => e.sessionId === req.body.id)).toBe(false);
    expect((await reviewer2.post(`/api/review/sessions/${req.body.id}/accept`)).body.error.code).toBe('FORBIDDEN_OFFICE');
    const clerk2 = await ApiClient.login(srv.url, 'clerk2');
    expect((await clerk2.get(`/api/review/sessions/${req.body.id}`)).body.error.code).toBe('FORBIDDEN_OFFICE');
    expect((await clerk.post(`/api/review/sessions/${req.body.id}/accept`)).body.error.code).toBe('FORBIDDEN_ROLE');

    const acc = await reviewer.post(`/api/review/sessions/${req.body.id}/accept`);
    expect(acc.status).toBe(200);
    expect(acc.body).toMatchObject({ status: 'active', acceptedBy: '王审核' });
    expect((await reviewer.post(`/api/review/sessions/${req.body.id}/accept`)).body.error.code).toBe('REVIEW_STATE');
    expect((await reviewer.get('/api/review/queue')).body.some((e: { sessionId: string }) => e.sessionId === req.body.id)).toBe(false);
  });

  it('identity checklist: consent first, server liveness prompt, 受理 only when every step passed', async () => {
    const c = await createPrecheckedCase(clerk);
    const sid = await openActiveSession(clerk, reviewer, c.id);
    const base = `/api/review/sessions/${sid}`;
    expect((await reviewer.post(`${base}/checks`, { step: 'id_front', passed: true })).body.error.code).toBe('REVIEW_CONSENT_REQUIRED');
    expect((await reviewer.post(`${base}/consent`, { recordingAllowed: false, snapshotsAllowed: true })).status).toBe(200);
    expect((await reviewer.post(`${base}/checks`, { step: 'liveness', passed: true })).body.error.code).toBe('REVIEW_LIVENESS_NO_PROMPT');
    const prompt = await reviewer.post(`${base}/liveness`);
    expect(prompt.status).toBe(201);
    expect(['read_digits', 'turn_head', 'blink']).toContain(prompt.body.kind);
    expect(prompt.body.textZh).toMatch(/请/);

    for (const step of ['id_front', 'id_back', 'id_tilt', 'face_match']) {
      expect((await reviewer.post(`${base}/checks`, { step, passed: true, note: 'ok' })).status).toBe(200);
    }
    const early = await reviewer.post(`${base}/decision`, { outcome: 'accept' });
    expect(early.body.error.code).toBe('REVIEW_CHECKLIST_INCOMPLETE');
    expect(early.body.error.details.pending).toEqual(['liveness']);

    const done = await reviewer.post(`${base}/checks`, { step: 'liveness', passed: true, note: '读出数字正确' });
    expect(done.body.checklist.allPassed).toBe(true);
    expect(done.body.checks.at(-1).prompt.kind).toBe(prompt.body.kind);
    expect((await clerk.post(`${base}/decision`, { outcome: 'accept' })).body.error.code).toBe('FORBIDDEN_ROLE');

    const decided = await reviewer.post(`${base}/decision`, { outcome: 'accept', note: '材料齐全' });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ status: 'decided', decision: { outcome: 'accept', decidedByName: '王审核' } });
    expect((await clerk.get(`/api/cases/${c.id}`)).body.case.state).toBe('accepted');
    const audit = srv.ctx.ledger.forCase(c.id).map((e) => e.action);
    expect(audit).toEqual(
      expect.arrayContaining(['case.request_review', 'review.accepted', 'review.consent_recorded', 'review.identity_check', 'case.accept']),
    );
    expect((await reviewer.post(`${base}/decision`, { outcome: 'reject', reason: 'x' })).body.error.code).toBe('REVIEW_STATE');
  });

  it('补正 with a materials list moves the case to needs_correction; the decision is in the audit event', async () => {
    const c = await createPrecheckedCase(clerk);
    const sid = await openActiveSession(clerk, reviewer, c.id);
    const bad = await reviewer.post(`/api/review/sessions/${sid}/decision`, { outcome: 'request_correction', items: [] });
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const r = await reviewer.post(`/api/review/sessions/${sid}/decision`, {
      outcome: 'request_correction',
      items: [{ slotCode: 'ID_CARD_BACK', reason: '身份证背面反光，有效期看不清' }],
    });
    expect(r.status).toBe(200);
    expect((await clerk.get(`/api/cases/${c.id}`)).body.case.state).toBe('needs_correction');
    const ev = srv.ctx.ledger.forCase(c.id).find((e) => e.action === 'case.request_correction');
    expect(ev?.details).toMatchObject({ sessionId: sid, decision: { items: [{ slotCode: 'ID_CARD_BACK' }] } });
  });

  it('snapshots: full resolution, watermarked, stored as evidence, audited, exported for the handoff bag', async () => {
    const c = await createPrecheckedCase(clerk);
    const sid = await openActiveSession(clerk, reviewer, c.id);
    const original = await jpeg(1920, 1080);
    expect((await postImage(reviewer, sid, original)).body.error.code).toBe('REVIEW_CONSENT_REQUIRED');
    await reviewer.post(`/api/review/sessions/${sid}/consent`, { recordingAllowed: false, snapshotsAllowed: true });
    expect((await postImage(reviewer, sid, Buffer.from('not an image'), 'image/png')).body.error.code).toBe('REVIEW_SNAPSHOT_INVALID');
    expect((await postImage(clerk, sid, original)).body.error.code).toBe('FORBIDDEN_ROLE');

    const snap = await postImage(reviewer, sid, original);
    expect(snap.status).toBe(201);
    expect(snap.body).toMatchObject({ width: 1920, height: 1080, label: 'id_front' });
    const img = await clerk.get(`/api/review/sessions/${sid}/snapshots/${snap.body.id}`);
    expect(img.headers.get('content-type')).toBe('image/jpeg');
    const stored = Buffer.from(img.body as ArrayBuffer);
    const meta = await sharp(stored).metadata();
    expect([meta.width, meta.height]).toEqual([1920, 1080]);
    // The watermark changed the pixels of the bottom band.
    const band = (b: Buffer) => sharp(b).extract({ left: 0, top: 1040, width: 400, height: 40 }).greyscale().raw().toBuffer();
    const [before, after] = await Promise.all([band(original), band(stored)]);
    expect(after.equals(before)).toBe(false);

    const ev = srv.ctx.ledger.forCase(c.id).find((e) => e.action === 'review.snapshot');
    expect(ev?.details).toMatchObject({ sessionId: sid, sha256: snap.body.sha256 });
    expect(await srv.ctx.blobs.has(snap.body.sha256)).toBe(true);

    await reviewer.post(`/api/review/sessions/${sid}/decision`, { outcome: 'reject', reason: '非本人办理' });
    const exported = srv.ctx.review.reviewExport(c.id);
    expect(exported).toMatchObject({ sessionId: sid, decision: { outcome: 'reject' }, snapshots: [{ sha256: snap.body.sha256 }] });
    expect((await clerk.get(`/api/cases/${c.id}`)).body.case.state).toBe('rejected');
  });

  it('applicant links: single use, 15-minute expiry, only hashes stored', async () => {
    const c = await createPrecheckedCase(clerk);
    const sid = await openActiveSession(clerk, reviewer, c.id);
    const link = await clerk.post(`/api/review/sessions/${sid}/applicant-link`);
    expect(link.status).toBe(201);
    expect(link.body.url).toBe(`${srv.url}/join/${link.body.token}`);
    expect(Date.parse(link.body.expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
    expect((await reviewer.post(`/api/review/sessions/${sid}/applicant-link`)).body.error.code).toBe('FORBIDDEN_ROLE');
    const stored = srv.ctx.db.prepare('SELECT token_hash FROM review_applicant_tokens').pluck().all() as string[];
    expect(stored).not.toContain(link.body.token);

    const anon = new ApiClient(srv.url);
    const pass = await anon.post('/api/review/applicant/redeem', { token: link.body.token });
    expect(pass.status).toBe(200);
    expect(pass.body).toMatchObject({ sessionId: sid, caseNo: c.caseNo });
    expect(pass.body.key).toMatch(/^ak_/);
    expect((await anon.post('/api/review/applicant/redeem', { token: link.body.token })).body.error.code).toBe('REVIEW_TOKEN_USED');
    expect((await anon.post('/api/review/applicant/redeem', { token: 'x'.repeat(32) })).body.error.code).toBe('REVIEW_TOKEN_INVALID');

    const late = await clerk.post(`/api/review/sessions/${sid}/applicant-link`);
    srv.ctx.db
      .prepare("UPDATE review_applicant_tokens SET expires_at = '2000-01-01T00:00:00.000Z' WHERE kind = 'link' AND used_at IS NULL")
      .run();
    const expired = await anon.post('/api/review/applicant/redeem', { token: late.body.token });
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('REVIEW_TOKEN_EXPIRED');
  });

  it('a cancelled request leaves the case in review and can be requested again', async () => {
    const c = await createPrecheckedCase(clerk);
    const first = await clerk.post(`/api/cases/${c.id}/review`);
    expect((await clerk.post(`/api/review/sessions/${first.body.id}/cancel`)).body.status).toBe('cancelled');
    const again = await clerk.post(`/api/cases/${c.id}/review`);
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(first.body.id);
    expect((await clerk.get(`/api/cases/${c.id}/review`)).body.session.id).toBe(again.body.id);
  });
});
