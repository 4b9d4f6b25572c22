import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/testServer';
import { acceptedCase, decidedSessionId, storeBlob } from '../support/handoffCase';
import { readZip } from '../support/handoffZip';

/**
 * A clerk may hand the case off the moment the reviewer decides, while FFmpeg is still finishing
 * the call's recording. The bag build waits for it, so the identity-verification video travels
 * instead of being counted as unfinished.
 */
let srv: TestServer;
let tmp: string;
beforeAll(async () => {
  srv = await startTestServer({ OCR_WORKERS: 1 });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bag-recording-'));
});
afterAll(async () => {
  await srv?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('a handoff right after the decision', () => {
  it('waits for a recording still being stored and carries it in the bag', async () => {
    const { caseId, caseNo, clerk } = await acceptedCase(srv);
    const { db } = srv.ctx;
    const sessionId = decidedSessionId(srv, caseId);
    const recordingId = '7c3e2a10-0000-4000-8000-00000000beef';
    const startedAt = new Date().toISOString();
    db.prepare(
      `INSERT INTO review_recordings (id, session_id, case_id, peer_role, source, tracks, status, started_at)
       VALUES (?, ?, ?, 'reviewer', 'camera', 'audio+video', 'recording', ?)`,
    ).run(recordingId, sessionId, caseId, startedAt);

    let storedAt = 0;
    const handoff = clerk
      .post(`/api/cases/${caseId}/handoff/courier`, { courierCompany: '顺丰速运', waybillNo: 'SF2026112601' })
      .then((r) => ({ ...r, at: Date.now() }));
    // What ReviewRecordingService does once FFmpeg has finished the file, a moment later.
    await new Promise((r) => setTimeout(r, 800));
    const bytes = Buffer.from('\x1aE\xdf\xa3 stand-in for the reviewer desk recording '.repeat(500), 'latin1');
    const stored = await storeBlob(srv, bytes, 'video/webm');
    db.prepare(
      `UPDATE review_recordings SET status = 'stored', ended_at = ?, sha256 = ?, media_type = 'video/webm', size = ?, duration_ms = 4000 WHERE id = ?`,
    ).run(new Date().toISOString(), stored.sha256, stored.size, recordingId);
    storedAt = Date.now();

    const r = await handoff;
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.at).toBeGreaterThanOrEqual(storedAt);

    const zipRes = await clerk.get(`/api/cases/${caseId}/handoff/bag.zip`);
    expect(zipRes.status).toBe(200);
    const file = path.join(tmp, 'bag.zip');
    fs.writeFileSync(file, Buffer.from(zipRes.body as ArrayBuffer));
    const entries = await readZip(file);
    const review = JSON.parse(entries.get(`${caseNo}/data/review/review.json`)!.toString('utf8'));
    expect(review.recordingsUnfinished).toBeUndefined();
    expect(review.recordings).toMatchObject([{ id: recordingId, sha256: stored.sha256, size: stored.size }]);
    expect(entries.get(`${caseNo}/data/review/${review.recordings[0].file}`)).toEqual(bytes);
  });
});
