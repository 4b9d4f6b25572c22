import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditSentence } from '@tongban/shared/audit/auditActions';
import type { Actor } from '@tongban/server/audit/AuditLedger';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import { createCase, jpegBytes, precheckCase } from '../support/caseFixtures';
import { idNumber } from '../support/precheckFixtures';
import { readZip } from '../support/handoffZip';
import {
  connectRtc,
  nextEvent,
  openActiveSession,
  passIdentityChecks,
  rtcRequest,
  sfuTestConfig,
  type RtcClient,
} from '../support/reviewFixtures';
import { padPng, scrawl, signatureBody } from '../support/signatureFixtures';

/**
 * Issue 13, item 5: 申请人签名. The applicant signs the declaration on the phone in the call (or on
 * the window's device): refused when empty or near-empty, not a PNG, or over a changed text;
 * stored re-encoded with the exact text and both hashes; once, replaced only at the window with a
 * reason; shown in the session; on the receipt; in the bag (data/signature/, review.json); deleted
 * with the recordings at the end of the retention period.
 */
const run = async (cmd: string, args: string[]) =>
  (await promisify(execFile)(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })).stdout;
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const DAY = 86_400_000;
// 2026-03-02 10:00 China time: the declaration is dated 2026年3月2日.
const clock = { t: Date.parse('2026-03-02T02:00:00Z'), now: () => new Date(clock.t) };
const peer: Actor = { id: null, name: 'site:test', role: 'peer-site', officeId: null };
const APPLICANT = { name: '李秀英', idNumber: idNumber('44020219500101123'), phone: '13800138000' };

let srv: TestServer;
let clerk: ApiClient;
let reviewer: ApiClient;
let tmp: string;
const sockets: RtcClient[] = [];

beforeAll(async () => {
  srv = await startTestServer({ ...sfuTestConfig(48600), RETENTION_DAYS: 1 }, { ocr: 'printed-text', clock });
  clerk = await ApiClient.login(srv.url, 'clerk');
  reviewer = await ApiClient.login(srv.url, 'reviewer');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'signature-'));
}, 60_000);
afterAll(async () => {
  for (const s of sockets) s.close();
  await srv?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const rows = (caseId: string) =>
  srv.ctx.db.prepare('SELECT * FROM case_signatures WHERE case_id = ? ORDER BY signed_at, rowid').all(caseId) as Array<Record<string, any>>;
const signedEvents = (caseId: string) => srv.ctx.ledger.forCase(caseId).filter((e) => e.action === 'signature.signed');
const noNames = { siteName: (s: string) => s, slotName: (s: string) => ({ zh: s, en: s }) };

describe('signing on the window’s device (在本机签名)', () => {
  let caseId: string;
  let caseNo: string;
  let declaration: { text: string; sha256: string };

  beforeAll(async () => {
    ({ id: caseId, caseNo } = await createCase(clerk, 'TB-YLBX-ZY', APPLICANT));
  });

  it('offers the clerk the declaration filled in for the case and the day, and nobody a signature yet', async () => {
    const r = await clerk.get(`/api/cases/${caseId}/signature`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ signature: null, replaced: [] });
    declaration = r.body.declaration;
    expect(declaration.text).toContain(`本人${APPLICANT.name}申请办理“企业职工基本养老保险关系转移接续”（办件编号 ${caseNo}）`);
    expect(declaration.text).toContain('养老保险关系转移接续');
    expect(declaration.text).toContain('日期：2026年3月2日');
    expect(declaration.text).not.toContain(APPLICANT.idNumber);
    expect(declaration.sha256).toBe(sha256(declaration.text));
    // The reviewer reads the case but does not hold the window's device.
    const seen = await reviewer.get(`/api/cases/${caseId}/signature`);
    expect(seen.status).toBe(200);
    expect(seen.body.declaration).toBeUndefined();
  });

  it('refuses an empty, near-empty or blank signature, a non-PNG and a changed text, saving nothing', async () => {
    const post = (body: unknown) => clerk.post(`/api/cases/${caseId}/signature`, body);
    const good = await signatureBody(declaration.sha256);
    const refused = [
      [await post({ ...good, strokes: [] }), 400, 'VALIDATION_FAILED'],
      [await post({ ...good, imagePng: 'A'.repeat(500_000) }), 400, 'VALIDATION_FAILED'],
      [await post(await signatureBody(declaration.sha256, { strokes: scrawl(1, 5) })), 400, 'SIGNATURE_TOO_SHORT'],
      // Enough points, all in one spot: a dot pressed hard.
      [await post({ ...good, strokes: [Array.from({ length: 40 }, () => [300, 150, 1])] }), 400, 'SIGNATURE_TOO_SHORT'],
      // Strokes that claim a signature over an image with no ink in it.
      [await post({ ...good, imagePng: (await padPng(scrawl(), '#ffffff')).toString('base64') }), 400, 'SIGNATURE_TOO_SHORT'],
      [await post({ ...good, imagePng: jpegBytes().toString('base64') }), 400, 'SIGNATURE_IMAGE_INVALID'],
      [await post({ ...good, imagePng: Buffer.from('\x89PNG\r\n\x1a\n not really').toString('base64') }), 400, 'SIGNATURE_IMAGE_INVALID'],
      [await post({ ...good, declarationSha256: sha256('另一份承诺') }), 409, 'SIGNATURE_DECLARATION_CHANGED'],
    ] as const;
    for (const [r, status, code] of refused) expect([r.status, r.body.error?.code], JSON.stringify(r.body)).toEqual([status, code]);
    expect(rows(caseId)).toEqual([]);
    expect(signedEvents(caseId)).toEqual([]);
  });

  it('stores the signature re-encoded, with the exact text and both hashes, and one audit event', async () => {
    const body = await signatureBody(declaration.sha256);
    const r = await clerk.post(`/api/cases/${caseId}/signature`, body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const s = r.body.signature;
    expect(s).toMatchObject({
      channel: 'window',
      signerName: APPLICANT.name,
      witnessedByName: expect.any(String),
      text: declaration.text,
      textSha256: declaration.sha256,
      strokes: 3,
      points: 90,
      pressure: true,
      signedAt: clock.now().toISOString(),
    });
    // Stored as the server re-encoded it: not the bytes sent, a PNG, flattened (no alpha), its hash the one reported.
    expect(s.imageSha256).not.toBe(sha256(Buffer.from(body.imagePng, 'base64')));
    const img = await clerk.get(`/api/cases/${caseId}/signature.png`);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(img.body as ArrayBuffer);
    expect(sha256(bytes)).toBe(s.imageSha256);
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height, meta.hasAlpha]).toEqual(['png', 600, 300, false]);

    const events = signedEvents(caseId);
    expect(events).toHaveLength(1);
    expect(events[0]!.details).toMatchObject({ channel: 'window', textSha256: s.textSha256, imageSha256: s.imageSha256, points: 90 });
    expect(auditSentence(events[0]!, noNames)?.zh).toBe(`申请人签署承诺书（窗口设备签名，签名 ${s.imageSha256.slice(0, 12)}…）`);

    // The image is the applicant's hand: participants only.
    const admin = await ApiClient.login(srv.url, 'admin');
    expect((await admin.get(`/api/cases/${caseId}/signature.png`)).body.error.code).toBe('CASE_FILES_PARTICIPANTS_ONLY');
    const stranger = await ApiClient.login(srv.url, 'clerk2');
    expect((await stranger.post(`/api/cases/${caseId}/signature`, body)).body.error.code).toBe('FORBIDDEN_OFFICE');
    expect((await reviewer.post(`/api/cases/${caseId}/signature`, body)).body.error.code).toBe('FORBIDDEN_ROLE');
  });

  it('signs again only with the clerk’s reason, keeping the first as the record', async () => {
    const body = await signatureBody(declaration.sha256, { strokes: scrawl(4, 25) });
    const again = await clerk.post(`/api/cases/${caseId}/signature`, body);
    expect([again.status, again.body.error?.code]).toEqual([409, 'SIGNATURE_EXISTS']);
    const first = rows(caseId)[0]!;
    const replaced = await clerk.post(`/api/cases/${caseId}/signature`, { ...body, replaceReason: '申请人签名时手抖，要求重签' });
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(201);
    expect(replaced.body.signature).toMatchObject({ strokes: 4, replacesReason: '申请人签名时手抖，要求重签' });
    const view = (await clerk.get(`/api/cases/${caseId}/signature`)).body;
    expect(view.signature.imageSha256).toBe(replaced.body.signature.imageSha256);
    expect(view.replaced).toEqual([
      expect.objectContaining({
        imageSha256: first.image_sha256,
        replacedReason: '申请人签名时手抖，要求重签',
        replacedByName: expect.any(String),
      }),
    ]);
    const events = signedEvents(caseId);
    expect(events.at(-1)!.details).toMatchObject({ replacesImageSha256: first.image_sha256, replaceReason: '申请人签名时手抖，要求重签' });
    expect(auditSentence(events.at(-1)!, noNames)?.zh).toContain('（原因：申请人签名时手抖，要求重签）');
  });
});

describe('signing on the applicant’s phone in the call', () => {
  let caseId: string;
  let caseNo: string;
  let sessionId: string;
  let phone: RtcClient;
  let signature: { textSha256: string; imageSha256: string; signedAt: string; channel: string };

  beforeAll(async () => {
    ({ id: caseId, caseNo } = await createCase(clerk, 'TB-YLBX-ZY', APPLICANT));
    await precheckCase(clerk, caseId);
    sessionId = await openActiveSession(clerk, reviewer, caseId);
    const link = await clerk.post(`/api/review/sessions/${sessionId}/applicant-link`);
    const pass = await new ApiClient(srv.url).post('/api/review/applicant/redeem', { token: link.body.token });
    phone = await connectRtc(srv.url, { token: pass.body.key });
    sockets.push(phone);
    const joined = await rtcRequest(phone, 'rtc:join', { sessionId, clientId: 'phone', produce: false });
    expect(joined.ok, JSON.stringify(joined)).toBe(true);
  }, 60_000);

  it('gives the phone the declaration, refuses a scribble too short, and stores the signature once', async () => {
    const declaration = await rtcRequest(phone, 'review:declaration', {});
    if (!declaration.ok) throw new Error(JSON.stringify(declaration.error));
    expect(declaration.data.text).toContain(caseNo);
    const { replaceReason: _none, ...short } = await signatureBody(declaration.data.sha256, { strokes: scrawl(1, 4) });
    expect(await rtcRequest(phone, 'review:sign', short)).toMatchObject({ ok: false, error: { code: 'SIGNATURE_TOO_SHORT' } });
    // The applicant may not slip a replacement reason in. (Drawn unlike the window's: the same drawing is the same blob.)
    const body = await signatureBody(declaration.data.sha256, { strokes: scrawl(3, 32) });
    expect(await rtcRequest(phone, 'review:sign', { ...body, replaceReason: '重签' } as never)).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });

    const updated = nextEvent(phone, 'review:updated');
    const signed = await rtcRequest(phone, 'review:sign', body);
    if (!signed.ok) throw new Error(JSON.stringify(signed.error));
    expect(signed.data).toMatchObject({ channel: 'phone', signerName: APPLICANT.name, textSha256: declaration.data.sha256 });
    expect(signed.data.witnessedByName).toBeUndefined();
    // Everyone in the call gets the session again, with the signature.
    expect((await updated).signature).toMatchObject({ imageSha256: signed.data.imageSha256, channel: 'phone' });
    const session = await reviewer.get(`/api/review/sessions/${sessionId}`);
    expect(session.body.signature).toMatchObject({ imageSha256: signed.data.imageSha256 });
    expect((await reviewer.get(`/api/cases/${caseId}/signature.png`)).status).toBe(200);
    expect(signedEvents(caseId).map((e) => [e.actor_role, e.details.channel, e.details.sessionId])).toEqual([
      ['applicant', 'phone', sessionId],
    ]);

    expect(await rtcRequest(phone, 'review:sign', body)).toMatchObject({ ok: false, error: { code: 'SIGNATURE_EXISTS' } });
    expect(rows(caseId)).toHaveLength(1);
    signature = {
      textSha256: signed.data.textSha256,
      imageSha256: signed.data.imageSha256,
      signedAt: signed.data.signedAt,
      channel: 'phone',
    };
  });

  it('prints the signature and its hash on the receipt', async () => {
    await reviewer.post(`/api/review/sessions/${sessionId}/consent`, { recordingAllowed: false, snapshotsAllowed: false });
    await passIdentityChecks(reviewer, sessionId);
    const decided = await reviewer.post(`/api/review/sessions/${sessionId}/decision`, { outcome: 'accept' });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const res = await clerk.get(`/api/cases/${caseId}/receipt.pdf`);
    expect(res.status).toBe(200);
    const file = path.join(tmp, 'receipt.pdf');
    fs.writeFileSync(file, Buffer.from(res.body as ArrayBuffer));
    expect(await run('pdfinfo', [file])).toMatch(/Pages:\s+1\n/);
    const text = (await run('pdftotext', ['-layout', file, '-'])).replace(/\s+/g, '');
    expect(text).toContain('申请人签名');
    expect(text).toContain(`签名图像SHA-256：${signature.imageSha256.slice(0, 16)}`);
    expect(text).toContain(`承诺文本SHA-256：${signature.textSha256.slice(0, 16)}`);
    expect(text).toContain('申请人手机签名');
    // Two images: the QR code and the signature, as large as it was drawn (600×300).
    const images = await run('pdfimages', ['-list', file]);
    expect(images).toMatch(/^\s*\d+\s+\d+\s+image\s+600\s+300\s/m);
  });

  it('carries the image, the text and the hashes in the bag (data/signature/, review.json)', async () => {
    const handoff = await clerk.post(`/api/cases/${caseId}/handoff/courier`, { courierCompany: '顺丰速运', waybillNo: 'SF2026030201' });
    expect(handoff.status, JSON.stringify(handoff.body)).toBe(200);
    const zip = await clerk.get(`/api/cases/${caseId}/handoff/bag.zip`);
    expect(zip.status).toBe(200);
    const file = path.join(tmp, 'bag.zip');
    fs.writeFileSync(file, Buffer.from(zip.body as ArrayBuffer));
    const entries = await readZip(file);
    const png = entries.get(`${caseNo}/data/signature/signature.png`)!;
    const text = entries.get(`${caseNo}/data/signature/declaration.txt`)!;
    expect(sha256(png)).toBe(signature.imageSha256);
    expect(sha256(text)).toBe(signature.textSha256);
    expect(JSON.parse(entries.get(`${caseNo}/data/signature/signature.json`)!.toString('utf8'))).toMatchObject({
      ...signature,
      image: 'signature.png',
      text: 'declaration.txt',
    });
    const review = JSON.parse(entries.get(`${caseNo}/data/review/review.json`)!.toString('utf8'));
    expect(review.signature).toEqual(signature);
    // The bag's own manifest vouches for the same bytes.
    expect(entries.get(`${caseNo}/manifest-sha256.txt`)!.toString('utf8')).toContain(
      `${signature.imageSha256}  data/signature/signature.png`,
    );
  });

  it('deletes the image with the recordings at the end of the retention period, keeping the hashes', async () => {
    srv.ctx.db.transaction(() => {
      srv.ctx.cases.applyTransition(caseId, 'start_handling', peer);
      srv.ctx.cases.applyTransition(caseId, 'complete', peer);
    })();
    expect((await clerk.post(`/api/cases/${caseId}/rating`, { level: 5 })).status).toBe(200);
    expect(await srv.ctx.retention.sweep()).not.toContain(caseId);
    clock.t += 2 * DAY;
    expect(await srv.ctx.retention.sweep()).toContain(caseId);
    expect(await srv.ctx.blobs.has(signature.imageSha256)).toBe(false);
    const purge = srv.ctx.ledger.forCase(caseId).find((e) => e.action === 'retention.purged')!;
    expect(purge.details.files).toContainEqual(expect.objectContaining({ kind: 'signature', sha256: signature.imageSha256 }));
    // Two days on, the clerk signs in again.
    const later = await ApiClient.login(srv.url, 'clerk');
    const img = await later.get(`/api/cases/${caseId}/signature.png`);
    expect([img.status, img.body.error?.code]).toEqual([410, 'RETENTION_PURGED']);
    expect((await later.get(`/api/cases/${caseId}/signature`)).body.signature).toMatchObject({ ...signature, purged: true });
  });
});
