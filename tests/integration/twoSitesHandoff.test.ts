import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SiteKeyring } from '@tongban/server/handoff/siteKeys';
import { ApiClient, type TestServer } from '../support/testServer';
import { postSignedBag, startTwoSites } from '../support/twoSites';
import { acceptedCase, decidedSessionId, storeBlob, uploadTo } from '../support/handoffCase';
import { PDF_BYTES } from '../support/caseFixtures';
import { readZip, rewriteZip } from '../support/handoffZip';
import { RESULT_DOCUMENT_MAX_BYTES } from '@tongban/shared/handoff/schemas';
import { isReceivedByTransfer, ReceivedEvidenceSchema, receivedFilePath } from '@tongban/shared/handoff/received';

/**
 * Two real deployments — Guangdong intake site (gd) and Hunan handling site (hn) — each with its
 * own server, database and signing key, carrying one case: intake → signed transfer → receipt →
 * result back → completed → rated on the applicant's phone.
 */
let gd: TestServer;
let hn: TestServer;
let tmp: string;
let caseId: string;
let caseNo: string;
let gdClerk: ApiClient;
/** A stored co-review recording of the case at gd (bytes stand in for FFmpeg's WebM; the real one is in recording.e2e). */
const recording = Buffer.from('\x1aE\xdf\xa3 stand-in for a WebM recording of the clerk desk '.repeat(2000), 'latin1');
const recordingId = '0f1e2d3c-0000-4000-8000-00000000abcd';
/** A co-review snapshot of the case at gd (stand-in bytes for the watermarked JPEG). */
const snapshot = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('stand-in snapshot of the ID card front '.repeat(50))]);

function postBag(bytes: Buffer, opts: { key?: SiteKeyring; idempotencyKey: string; now?: Date; signedSha?: string }) {
  return postSignedBag(hn, bytes, { key: gd.ctx.handoff.keys, site: 'gd', ...opts });
}

/** The entries of a bag kept in a site's blob store. */
async function bagEntries(site: TestServer, sha256: string): Promise<Map<string, Buffer>> {
  const file = path.join(tmp, `kept-${sha256}.zip`);
  await pipeline(site.ctx.blobs.open(sha256), fs.createWriteStream(file));
  return readZip(file);
}

beforeAll(async () => {
  // hn takes uploads larger than a result document may be when it has to travel back online.
  ({ gd, hn } = await startTwoSites({ gd: { OCR_WORKERS: 1 }, hn: { UPLOAD_MAX_BYTES: 64 * 1024 * 1024 } }));
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'two-sites-'));
  expect((await new ApiClient(gd.url).get('/api/handoff/site-key')).body.line).toMatch(/^[0-9a-f]{64} \S+ gd$/);
  ({ caseId, caseNo, clerk: gdClerk } = await acceptedCase(gd));
  await storeRecording(gd, caseId);
  await storeSnapshot(gd, caseId);
});

/** What the snapshot route stores: the watermarked JPEG as a blob and its row. */
async function storeSnapshot(site: TestServer, id: string): Promise<void> {
  const { db } = site.ctx;
  const stored = await storeBlob(site, snapshot, 'image/jpeg');
  const sessionId = decidedSessionId(site, id);
  const reviewerId = db.prepare("SELECT id FROM users WHERE username = 'reviewer'").pluck().get() as string;
  const at = new Date().toISOString();
  db.prepare(
    `INSERT INTO review_snapshots (id, session_id, case_id, sha256, original_sha256, label, width, height, taken_by, taken_at)
     VALUES ('snap-1', ?, ?, ?, ?, 'id_front', 640, 400, ?, ?)`,
  ).run(sessionId, id, stored.sha256, stored.sha256, reviewerId, at);
}

/** GET with the path sent exactly as written (fetch resolves `..` and `%2e%2e` before sending). */
function rawGet(c: ApiClient, p: string): Promise<{ status: number; body: any }> {
  const u = new URL(c.baseUrl);
  return new Promise((resolve, reject) => {
    http
      .get({ host: u.hostname, port: u.port, path: p, headers: { cookie: c.cookieHeader } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: res.headers['content-type']?.includes('json') ? JSON.parse(text) : text });
        });
      })
      .on('error', reject);
  });
}

/** What ReviewRecordingService does once FFmpeg finishes a file: blob stored, row `stored`. */
async function storeRecording(site: TestServer, id: string): Promise<void> {
  const stored = await storeBlob(site, recording, 'video/webm');
  const sessionId = decidedSessionId(site, id);
  const at = new Date().toISOString();
  site.ctx.db
    .prepare(
      `INSERT INTO review_recordings (id, session_id, case_id, peer_role, source, tracks, status, started_at, ended_at, sha256, media_type, size, duration_ms)
     VALUES (?, ?, ?, 'clerk', 'camera', 'audio+video', 'stored', ?, ?, ?, 'video/webm', ?, 61000)`,
    )
    .run(recordingId, sessionId, id, at, at, stored.sha256, stored.size);
}

afterAll(async () => {
  await gd?.stop();
  await hn?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('two sites: intake gd → handling hn', () => {
  it('refuses unsigned, expired, forged and tampered pushes with precise codes, importing nothing', async () => {
    const bagFile = path.join(tmp, 'bag.zip');
    await gd.ctx.handoff.bags.writeBag(caseId, 'online', fs.createWriteStream(bagFile));
    const bytes = fs.readFileSync(bagFile);

    const unsigned = await new ApiClient(hn.url).request('POST', '/api/transfers', new Uint8Array(bytes), {
      'content-type': 'application/zip',
    });
    expect([unsigned.status, unsigned.body.error.code]).toEqual([401, 'TRANSFER_UNSIGNED']);

    const expired = await postBag(bytes, { idempotencyKey: 'k-expired', now: new Date(Date.now() - 3600_000) });
    expect([expired.status, expired.body.error.code]).toEqual([401, 'TRANSFER_EXPIRED']);

    const stranger = new SiteKeyring(path.join(tmp, 'stranger'), 'gd', undefined);
    const forged = await postBag(bytes, { key: stranger, idempotencyKey: 'k-forged' });
    expect([forged.status, forged.body.error.code]).toEqual([403, 'TRANSFER_KEY_UNTRUSTED']);

    const altered = await postBag(Buffer.concat([bytes, Buffer.from('x')]), {
      idempotencyKey: 'k-altered',
      signedSha: createHash('sha256').update(bytes).digest('hex'),
    });
    expect([altered.status, altered.body.error.code]).toEqual([400, 'TRANSFER_BODY_MISMATCH']);

    const tamperedFile = path.join(tmp, 'tampered.zip');
    await rewriteZip(bagFile, tamperedFile, (e) => {
      const k = [...e.keys()].find((n) => n.includes('/data/materials/') && n.endsWith('.png'))!;
      const b = Buffer.from(e.get(k)!);
      b[b.length - 20] = b[b.length - 20]! ^ 0xff;
      e.set(k, b);
    });
    const tampered = await postBag(fs.readFileSync(tamperedFile), { idempotencyKey: 'k-tampered' });
    expect(tampered.status).toBe(422);
    expect(tampered.body.error.code).toBe('BAG_CHECKSUM_MISMATCH');
    expect(tampered.body.error.details.file).toMatch(/^data\/materials\/.*\.png$/);
    expect(hn.ctx.cases.findByCaseNo(caseNo)).toBeUndefined();
  });

  it('pushes the signed bag; hn verifies, imports into the handling queue and returns a signed receipt', async () => {
    const r = await gdClerk.post(`/api/cases/${caseId}/handoff/transfer`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.transfer).toMatchObject({
      status: 'sent',
      peerSite: 'hn',
      peerSiteName: '湖南省站点',
      receipt: { kind: 'tongban.receipt.v1', fromSite: 'gd', toSite: 'hn', caseNo, state: 'in_handling' },
    });
    expect(r.body.handoff.tagmanifestSha256).toBe(r.body.transfer.receipt.tagmanifestSha256);
    expect(gd.ctx.cases.get(caseId).state).toBe('in_handling');

    const imported = hn.ctx.cases.findByCaseNo(caseNo)!;
    expect(imported).toMatchObject({ id: caseId, state: 'in_handling', sourceSite: 'gd', handlingOfficeId: 'hn-cs-office' });
    const here = gd.ctx.materials
      .list(caseId)
      .map((m) => m.sha256)
      .sort();
    expect(
      hn.ctx.materials
        .list(caseId)
        .map((m) => m.sha256)
        .sort(),
    ).toEqual(here);
    for (const sha of here) expect(await hn.ctx.blobs.has(sha)).toBe(true);
    // hn imports the case and its scans; the review evidence (review.json, snapshots, the recording) stays in the verified bag it keeps.
    const kept = await bagEntries(hn, r.body.transfer.receipt.bagSha256 as string);
    const review = JSON.parse(kept.get(`${caseNo}/data/review/review.json`)!.toString('utf8'));
    expect(review.recordings).toEqual([expect.objectContaining({ id: recordingId, file: 'recordings/01-clerk-camera-0f1e2d3c.webm' })]);
    expect(kept.get(`${caseNo}/data/review/recordings/01-clerk-camera-0f1e2d3c.webm`)?.equals(recording)).toBe(true);
    // The reviewer at hn sees it in the office queue.
    const reviewer = await ApiClient.login(hn.url, 'reviewer');
    const queue = await reviewer.get('/api/cases?scope=queue');
    expect(queue.body.cases.map((c: { caseNo: string }) => c.caseNo)).toContain(caseNo);
    expect(hn.ctx.ledger.forCase(caseId).map((e) => e.action)).toEqual(['handoff.received', 'case.start_handling']);
  });

  it('hn shows its reviewer the review evidence from the kept bag, serving only the files review.json lists', async () => {
    const reviewer = await ApiClient.login(hn.url, 'reviewer');
    const r = await reviewer.get(`/api/cases/${caseId}/handoff/received`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const got = ReceivedEvidenceSchema.parse(r.body);
    const sent = gd.ctx.handoff.bags.latestBag(caseId)!;
    expect(got.transfer).toMatchObject({
      fromSite: 'gd',
      fromSiteName: '广东省站点',
      bagSha256: sent.bag_sha256,
      tagmanifestSha256: sent.tagmanifest_sha256,
      signerKeyFingerprint: gd.ctx.handoff.keys.signingKey().fingerprint,
    });
    const exported = gd.ctx.review.reviewExport(caseId)!;
    expect(got.review).toMatchObject({ sessionId: exported.sessionId, caseNo, consent: exported.consent });
    expect(got.review!.decision).toMatchObject({ outcome: 'accept', decidedBy: exported.decision!.decidedBy });
    expect(got.review!.decision).toEqual(exported.decision);
    expect(got.review!.checks).toEqual(exported.checks);
    expect(got.review!.checks.map((c) => c.passed)).toEqual([true, true, true, true, true]);
    expect(got.precheck?.materials.length).toBe(gd.ctx.materials.list(caseId).length);
    expect(isReceivedByTransfer((await reviewer.get(`/api/cases/${caseId}/handoff`)).body)).toBe(true);
    expect(isReceivedByTransfer((await gdClerk.get(`/api/cases/${caseId}/handoff`)).body)).toBe(false);

    // The recording and the snapshot, byte for byte as gd stored them; only the recording is audited.
    const rec = got.review!.recordings.find((x) => x.id === recordingId)!;
    const video = await reviewer.get(receivedFilePath(caseId, rec.file));
    expect([video.status, video.headers.get('content-type')]).toEqual([200, 'video/webm']);
    expect(Buffer.from(video.body as ArrayBuffer).equals(recording)).toBe(true);
    const snap = got.review!.snapshots.find((x) => x.id === 'snap-1')!;
    const image = await reviewer.get(receivedFilePath(caseId, snap.file));
    expect([image.status, image.headers.get('content-type')]).toEqual([200, 'image/jpeg']);
    expect(Buffer.from(image.body as ArrayBuffer).equals(snapshot)).toBe(true);
    const downloads = hn.ctx.ledger.forCase(caseId).filter((e) => e.action === 'handoff.evidence_downloaded');
    expect(downloads).toHaveLength(1);
    expect(downloads[0]).toMatchObject({
      actor_role: 'reviewer',
      details: { path: `data/review/${rec.file}`, sha256: rec.sha256, kind: 'recording' },
    });

    // Nothing but the listed files: not case.json, not a path climbing out of data/review/.
    const base = `/api/cases/${caseId}/handoff/received/files`;
    for (const p of [
      'data/case.json',
      'case.json',
      '../x',
      '../../case.json',
      '%2e%2e/%2e%2e/case.json',
      `recordings/..%2F..%2Fcase.json`,
      `snapshots/../${snap.file}`,
    ]) {
      const refused = await rawGet(reviewer, `${base}/${p}`);
      expect([p, refused.status, refused.body.error?.code]).toEqual([p, 404, 'HANDOFF_RECEIVED_FILE_UNKNOWN']);
    }

    // Another office's reviewer sees nothing; a case made at gd was not received there.
    const other = await ApiClient.login(hn.url, 'reviewer2');
    for (const p of [`/api/cases/${caseId}/handoff/received`, receivedFilePath(caseId, rec.file)]) {
      const refused = await other.get(p);
      expect([refused.status, refused.body.error?.code]).toEqual([403, 'FORBIDDEN_OFFICE']);
    }
    const local = await gdClerk.get(`/api/cases/${caseId}/handoff/received`);
    expect([local.status, local.body.error?.code]).toEqual([404, 'HANDOFF_NOT_RECEIVED']);
    expect(hn.ctx.ledger.forCase(caseId).filter((e) => e.action === 'handoff.evidence_downloaded')).toHaveLength(1);
  });

  it('a repeated push with the same idempotency key returns the same receipt and never a second case', async () => {
    const bag = gd.ctx.handoff.bags.latestBag(caseId)!;
    const chunks: Buffer[] = [];
    for await (const c of gd.ctx.blobs.open(bag.bag_sha256)) chunks.push(c as Buffer);
    const bytes = Buffer.concat(chunks);
    const key = `gd:${caseId}:${bag.bag_sha256}`;
    const [a, b] = await Promise.all([postBag(bytes, { idempotencyKey: key }), postBag(bytes, { idempotencyKey: key })]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    const first = JSON.parse(gd.ctx.db.prepare("SELECT receipt_json FROM transfers WHERE direction = 'out'").pluck().get() as string);
    expect(a.body.payload.transferId).toBe(first.transferId);
    expect(b.body.payload.transferId).toBe(first.transferId);
    expect(hn.ctx.db.prepare('SELECT COUNT(*) FROM cases WHERE case_no = ?').pluck().get(caseNo)).toBe(1);

    const conflict = await postBag(Buffer.concat([bytes, Buffer.alloc(1)]), { idempotencyKey: key });
    expect([conflict.status, conflict.body.error.code]).toEqual([409, 'TRANSFER_IDEMPOTENCY_CONFLICT']);
    const again = await postBag(bytes, { idempotencyKey: 'a-new-key' });
    expect([again.status, again.body.error.code]).toEqual([409, 'TRANSFER_CASE_EXISTS']);
  });

  it('hn refuses a result document too large to travel back, before anything completes', async () => {
    const reviewer = await ApiClient.login(hn.url, 'reviewer');
    const big = Buffer.alloc(RESULT_DOCUMENT_MAX_BYTES + 1, 0x20);
    PDF_BYTES.copy(big);
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(big)], { type: 'application/pdf' }), '办结文书.pdf');
    const r = await reviewer.request('POST', `/api/cases/${caseId}/handoff/result/document`, form);
    expect([r.status, r.body.error.code]).toEqual([413, 'RESULT_DOCUMENT_TOO_LARGE']);
    expect(r.body.error.details.maxBytes).toBe(RESULT_DOCUMENT_MAX_BYTES);
    expect(r.body.error.message_zh).toContain('改为邮寄纸质结果');
    expect(hn.ctx.cases.get(caseId).state).toBe('in_handling');
  });

  it('hn completes with a result document; it comes back signed and gd completes', async () => {
    const reviewer = await ApiClient.login(hn.url, 'reviewer');
    const doc = Buffer.concat([PDF_BYTES, Buffer.from('% 准予办理 result document\n')]);
    const up = await uploadTo(reviewer, `/api/cases/${caseId}/handoff/result/document`, doc, '办结文书.pdf', 'application/pdf');
    expect(up.sha256).toBe(createHash('sha256').update(doc).digest('hex'));
    const bad = await reviewer.post(`/api/cases/${caseId}/handoff/result`, { outcome: 'approved', delivery: 'mail' });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'RESULT_INVALID']);
    const r = await reviewer.post(`/api/cases/${caseId}/handoff/result`, {
      outcome: 'approved',
      summary: '准予转移',
      delivery: 'document',
      documentSha256: up.sha256,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.result).toMatchObject({ origin: 'local', outcome: 'approved', documentSha256: up.sha256 });
    expect(r.body.result.sentAt).toBeTruthy();
    expect(hn.ctx.cases.get(caseId).state).toBe('completed');

    expect(gd.ctx.cases.get(caseId).state).toBe('completed');
    const status = await gdClerk.get(`/api/cases/${caseId}/handoff`);
    expect(status.body.result).toMatchObject({ origin: 'peer', outcome: 'approved', delivery: 'document', documentSha256: up.sha256 });
    expect(status.body.resultDeliveryOptions).toContain('邮政EMS寄递');
    const fetched = await gdClerk.get(`/api/cases/${caseId}/handoff/result/document`);
    expect(Buffer.from(fetched.body as ArrayBuffer).equals(doc)).toBe(true);
  });

  it('the applicant rates on the phone link; a low rating opens a supervisor follow-up in the ledger', async () => {
    const link = await gdClerk.post(`/api/cases/${caseId}/rating-link`);
    expect(link.status).toBe(200);
    const phone = new ApiClient(gd.url);
    const info = await phone.get(`/api/ratings/${link.body.token}`);
    expect(info.body).toMatchObject({ caseNo, itemName: '企业职工基本养老保险关系转移接续' });
    expect(JSON.stringify(info.body)).not.toContain('13800138000');
    const rated = await phone.post(`/api/ratings/${link.body.token}`, { level: 2, comment: '等待时间较长' });
    expect(rated.status, JSON.stringify(rated.body)).toBe(200);
    expect(rated.body).toMatchObject({ level: 2, label: '不满意', channel: 'phone', followUp: { status: 'open' } });
    expect(gd.ctx.cases.get(caseId).state).toBe('rated');
    const reuse = await phone.post(`/api/ratings/${link.body.token}`, { level: 5 });
    expect([reuse.status, reuse.body.error.code]).toEqual([404, 'RATING_TOKEN_INVALID']);

    const supervisor = await ApiClient.login(gd.url, 'supervisor');
    const ledger = await supervisor.get('/api/ledger/ratings');
    expect(ledger.body).toMatchObject({ total: 1, openFollowUps: 1, byLevel: { '2': 1 } });
    const followUp = ledger.body.ratings[0].followUp.id as string;
    expect((await supervisor.post(`/api/follow-ups/${followUp}/close`, { note: '已电话回访，致歉并说明原因' })).status).toBe(200);
    expect((await supervisor.get('/api/ledger/ratings')).body.openFollowUps).toBe(0);
  });

  it('both audit ledgers stay intact', () => {
    expect(gd.ctx.ledger.verify().ok).toBe(true);
    expect(hn.ctx.ledger.verify().ok).toBe(true);
    expect(gd.ctx.ledger.forCase(caseId).map((e) => e.action)).toEqual(
      expect.arrayContaining(['case.hand_off', 'case.start_handling', 'case.complete', 'rating.link_created', 'case.rate']),
    );
  });
});
