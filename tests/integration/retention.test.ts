import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@tongban/server/audit/AuditLedger';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import { acceptedCase, decidedSessionId, storeBlob } from '../support/handoffCase';
import { auditVerify } from '../support/auditCli';

/**
 * Issue 14, item 5: 保存期限. With a 1-day period and an injected clock, a closed case's recording,
 * snapshot and bag are deleted by the sweep with one audit event naming each with its hash; the
 * audit chain still verifies; a case on legal hold keeps its files; the scans stay.
 */
const DAY = 86_400_000;
const clock = { t: Date.now(), now: () => new Date(clock.t) };
let srv: TestServer;
const peer: Actor = { id: null, name: 'site:test', role: 'peer-site', officeId: null };

beforeAll(async () => {
  srv = await startTestServer({ OCR_WORKERS: 1, RETENTION_DAYS: 1 }, { clock });
});
afterAll(() => srv?.stop());

/** An accepted case with a stored recording and snapshot, handed off by courier (its bag carries both), done and rated. */
async function ratedCaseWithEvidence(tag: string) {
  const { caseId, clerk } = await acceptedCase(srv);
  const { db } = srv.ctx;
  const sessionId = decidedSessionId(srv, caseId);
  const video = await storeBlob(srv, Buffer.from(`\x1aE\xdf\xa3 recording ${tag} `.repeat(400), 'latin1'), 'video/webm');
  const photo = await storeBlob(srv, Buffer.from(`\xff\xd8\xff snapshot ${tag} `.repeat(50), 'latin1'), 'image/jpeg');
  const at = clock.now().toISOString();
  db.prepare(
    `INSERT INTO review_recordings (id, session_id, case_id, peer_role, source, tracks, status, started_at, ended_at, sha256, media_type, size, duration_ms)
     VALUES (?, ?, ?, 'reviewer', 'camera', 'audio+video', 'stored', ?, ?, ?, 'video/webm', ?, 4000)`,
  ).run(`rec-${tag}`, sessionId, caseId, at, at, video.sha256, video.size);
  db.prepare(
    `INSERT INTO review_snapshots (id, session_id, case_id, sha256, original_sha256, label, width, height, peer_name, taken_at)
     VALUES (?, ?, ?, ?, ?, '证件正面', 640, 480, '王审核', ?)`,
  ).run(`snap-${tag}`, sessionId, caseId, photo.sha256, photo.sha256, at);
  const handoff = await clerk.post(`/api/cases/${caseId}/handoff/courier`, { courierCompany: '顺丰速运', waybillNo: `SF2026120${tag}` });
  expect(handoff.status, JSON.stringify(handoff.body)).toBe(200);
  db.transaction(() => {
    srv.ctx.cases.applyTransition(caseId, 'start_handling', peer);
    srv.ctx.cases.applyTransition(caseId, 'complete', peer);
  })();
  expect((await clerk.post(`/api/cases/${caseId}/rating`, { level: 5 })).status).toBe(200);
  const bag = db.prepare('SELECT bag_sha256 FROM handoff_bags WHERE case_id = ?').pluck().get(caseId) as string;
  const scans = db.prepare('SELECT sha256 FROM case_materials WHERE case_id = ?').pluck().all(caseId) as string[];
  return { caseId, clerk, sessionId, video: video.sha256, photo: photo.sha256, bag, scans };
}

describe('保存期限 and 诉讼保全', () => {
  it('deletes a closed case’s evidence after the period, keeps a held case’s, and the chain verifies', async () => {
    const purged = await ratedCaseWithEvidence('1');
    const held = await ratedCaseWithEvidence('2');
    const supervisor = await ApiClient.login(srv.url, 'supervisor');
    expect((await supervisor.post(`/api/cases/${held.caseId}/retention/hold`, { reason: '' })).body.error.code).toBe('VALIDATION_FAILED');
    expect((await purged.clerk.post(`/api/cases/${held.caseId}/retention/hold`, { reason: '复议' })).body.error.code).toBe(
      'FORBIDDEN_ROLE',
    );
    const hold = await supervisor.post(`/api/cases/${held.caseId}/retention/hold`, { reason: '行政复议审查中' });
    expect(hold.status, JSON.stringify(hold.body)).toBe(200);
    expect(hold.body.hold).toMatchObject({ reason: '行政复议审查中', setByName: '陈主管' });
    expect((await supervisor.post(`/api/cases/${held.caseId}/retention/hold`, { reason: '再次' })).body.error.code).toBe(
      'LEGAL_HOLD_EXISTS',
    );

    // Within the period nothing goes.
    expect(await srv.ctx.retention.sweep()).toEqual([]);
    const view = (await purged.clerk.get(`/api/cases/${purged.caseId}/retention`)).body;
    expect(view).toMatchObject({ retentionDays: 1 });
    expect(view.keepUntil).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    clock.t += 2 * DAY;
    expect(await srv.ctx.retention.sweep()).toEqual([purged.caseId]);
    const { blobs } = srv.ctx;
    for (const sha of [purged.video, purged.photo, purged.bag]) expect(await blobs.has(sha), sha).toBe(false);
    for (const sha of purged.scans) expect(await blobs.has(sha)).toBe(true);
    for (const sha of [held.video, held.photo, held.bag, ...held.scans]) expect(await blobs.has(sha), sha).toBe(true);

    // One event names every deleted file with its hash; nothing is deleted twice.
    const events = srv.ctx.db
      .prepare("SELECT details_json FROM audit_events WHERE action = 'retention.purged' AND case_id = ?")
      .pluck()
      .all(purged.caseId) as string[];
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!).files).toEqual(
      expect.arrayContaining([
        { kind: 'recording', id: 'rec-1', sha256: purged.video },
        { kind: 'snapshot', id: 'snap-1', sha256: purged.photo },
        expect.objectContaining({ kind: 'bag', sha256: purged.bag }),
      ]),
    );
    expect(await srv.ctx.retention.sweep()).toEqual([]);

    // What is gone answers 410 with its code; the case page says when.
    // Two days on, the sessions of the morning have expired.
    const clerk = await ApiClient.login(srv.url, 'clerk');
    const supervisorNow = await ApiClient.login(srv.url, 'supervisor');
    const reviewerNow = await ApiClient.login(srv.url, 'reviewer');
    const rec = await clerk.get(`/api/review/sessions/${purged.sessionId}/recordings/rec-1`);
    expect([rec.status, rec.body.error?.code]).toEqual([410, 'RETENTION_PURGED']);
    const snap = await clerk.get(`/api/review/sessions/${purged.sessionId}/snapshots/snap-1`);
    expect([snap.status, snap.body.error?.code]).toEqual([410, 'RETENTION_PURGED']);
    const bag = await clerk.get(`/api/cases/${purged.caseId}/handoff/bag.zip`);
    expect([bag.status, bag.body.error?.code]).toEqual([410, 'RETENTION_PURGED']);
    expect((await clerk.get(`/api/cases/${purged.caseId}/retention`)).body.purged).toMatchObject({ files: 3 });
    expect((await reviewerNow.get(`/api/cases/${held.caseId}/retention`)).body.hold.reason).toBe('行政复议审查中');

    // The hold released (with a reason), the next sweep takes the held case too.
    const released = await supervisorNow.post(`/api/cases/${held.caseId}/retention/release`, { reason: '复议已结束' });
    expect(released.status).toBe(200);
    expect(released.body.hold).toBeUndefined();
    expect(await srv.ctx.retention.sweep()).toEqual([held.caseId]);

    const verify = await auditVerify(srv.dataDir);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });
});
