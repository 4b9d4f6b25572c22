import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { PDFDocument, rgb, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetailResponse, MaterialView } from '@tongban/shared';
import { refusal } from '@tongban/shared/cases/access';
import { CERTIFIED_COPY_WORDING, certifiedCopyPath, originalCheckPath } from '@tongban/shared/cases/originalCheck';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import { createCase, ITEM_HN, upload } from '../support/caseFixtures';
import { acceptedCase } from '../support/handoffCase';
import { readZip } from '../support/handoffZip';
import { startTwoSites } from '../support/twoSites';

/** Tools run asynchronously: the server under test lives in this process and must keep answering. */
const run = async (cmd: string, args: string[]) =>
  (await promisify(execFile)(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })).stdout;

/**
 * Issue 13, item 6: 已核验原件. The window records per scan that it compared it with the original
 * (who, when, how), audited in the same transaction, and withdraws a mark recorded by mistake with
 * a reason; only the intake window, and only before the case leaves it. A marked scan prints as a
 * certified copy: A4, every page with 此件经与原件核对无误, the clerk, the office and the China date.
 * The bag carries the marks (case.json) and the certified copies (data/originals/), and the
 * handling site shows the mark on the case it received.
 */

let tmp: string;
const pdfFile = (body: unknown, name: string) => {
  const file = path.join(tmp, `${name}.pdf`);
  fs.writeFileSync(file, Buffer.from(body as ArrayBuffer));
  return file;
};
const pageText = async (file: string, page: number) =>
  (await run('pdftotext', ['-f', String(page), '-l', String(page), '-layout', file, '-'])).replace(/\s+/g, '');
const pageCount = async (file: string) => Number(/^Pages:\s+(\d+)$/m.exec(await run('pdfinfo', [file]))![1]);
/** How the sheets write a China calendar date. */
const dateZh = (day: string) => {
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日`;
};

/** A colour scan-like JPEG: a white page with coloured blocks. */
async function scanJpeg(): Promise<Buffer> {
  const block = (colour: string) =>
    sharp({ create: { width: 600, height: 200, channels: 3, background: colour } })
      .png()
      .toBuffer();
  return sharp({ create: { width: 1240, height: 1754, channels: 3, background: '#ffffff' } })
    .composite([
      { input: await block('#c02020'), left: 100, top: 150 },
      { input: await block('#2050c0'), left: 300, top: 900 },
    ])
    .jpeg({ quality: 80 })
    .toBuffer();
}

/** A two-page PDF scan whose pages carry vector text (gone once rasterised into the copy). */
async function twoPagePdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const label of ['FIRST SCANNED PAGE', 'SECOND SCANNED PAGE']) {
    const page = doc.addPage([595, 842]);
    page.drawRectangle({ x: 60, y: 500, width: 300, height: 120, color: rgb(0.1, 0.5, 0.2) });
    page.drawText(label, { x: 60, y: 700, size: 24, font });
  }
  return Buffer.from(await doc.save());
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'originals-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('已核验原件 at the intake window', () => {
  let srv: TestServer;
  let clerk: ApiClient;
  let caseId: string;
  let caseNo: string;
  let jpegScan: MaterialView;
  let pdfScan: MaterialView;
  // 16:30 UTC is already the next day in China: the copy must carry the China calendar date.
  let now = Date.parse('2026-03-02T16:30:00Z');
  const CHINA_DAY = '2026-03-03';

  const materialOf = async (c: ApiClient, id: string) =>
    ((await c.get(`/api/cases/${caseId}`)).body as CaseDetailResponse).materials.find((m) => m.id === id)!;
  const events = (action: string) => srv.ctx.ledger.forCase(caseId).filter((e) => e.action === action);

  beforeAll(async () => {
    srv = await startTestServer({}, { clock: { now: () => new Date((now += 1000)) } });
    clerk = await ApiClient.login(srv.url, 'clerk');
    ({ id: caseId, caseNo } = await createCase(clerk, ITEM_HN));
    jpegScan = (await upload(clerk, caseId, 'ID_CARD_FRONT', await scanJpeg(), 'front.jpg')).body.material;
    pdfScan = (await upload(clerk, caseId, 'SBK_FORM', await twoPagePdf(), 'form.pdf')).body.material;
  });
  afterAll(async () => {
    await srv?.stop();
  });

  it('records who, when and how, with its audit event; the case view shows it to the clerk and the reviewer', async () => {
    const r = await clerk.post(originalCheckPath(caseId, jpegScan.id), { method: 'window_paper', note: '原件为二代身份证' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.material.originalCheck).toEqual({
      method: 'window_paper',
      note: '原件为二代身份证',
      checkedByName: '李窗口',
      checkedAt: expect.stringMatching(/^2026-03-02T16:\d\d:\d\d\.\d{3}Z$/),
    });
    const [event] = events('material.original_checked');
    expect(event).toMatchObject({
      actor_name: 'clerk',
      details: { materialId: jpegScan.id, slotCode: 'ID_CARD_FRONT', fileName: 'front.jpg', method: 'window_paper' },
    });

    const reviewer = await ApiClient.login(srv.url, 'reviewer');
    for (const who of [clerk, reviewer]) expect((await materialOf(who, jpegScan.id)).originalCheck).toEqual(r.body.material.originalCheck);
    expect((await materialOf(clerk, pdfScan.id)).originalCheck).toBeUndefined();

    const again = await clerk.post(originalCheckPath(caseId, jpegScan.id), { method: 'call_document_camera' });
    expect([again.status, again.body.error.code]).toEqual([409, 'ORIGINAL_CHECK_EXISTS']);
  });

  it('only the intake window may record or withdraw it: the reviewer, another office, the applicant and an admin are refused', async () => {
    const body = { method: 'window_paper' };
    const path = originalCheckPath(caseId, pdfScan.id);
    const cases: Array<[string, string]> = [
      ['reviewer', 'FORBIDDEN_ROLE'],
      ['reviewer2', 'FORBIDDEN_ROLE'],
      ['admin', 'FORBIDDEN_ROLE'],
      ['clerk2', 'FORBIDDEN_OFFICE'],
    ];
    for (const [username, code] of cases) {
      const c = await ApiClient.login(srv.url, username);
      const r = await c.post(path, body);
      expect([r.status, r.body.error.code], username).toEqual([403, code]);
      const w = await c.post(`${originalCheckPath(caseId, jpegScan.id)}/withdrawal`, { reason: '试图撤销' });
      expect([w.status, w.body.error.code], username).toEqual([403, code]);
    }
    // The applicant has no account: over HTTP they are nobody, and the table gives their role nothing here.
    const anon = await new ApiClient(srv.url).post(path, body);
    expect([anon.status, anon.body.error.code]).toEqual([401, 'AUTH_REQUIRED']);
    expect(refusal({ role: 'applicant' }, 'materials.checkOriginal', srv.ctx.cases.get(caseId))).toBe('role');

    const bad = await clerk.post(path, { method: 'by_phone' });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const unknown = await clerk.post(originalCheckPath(caseId, 'no-such-scan'), body);
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'MATERIAL_NOT_FOUND']);
    expect(events('material.original_checked')).toHaveLength(1);
    // The window's supervisor acts for the clerk.
    const supervisor = await ApiClient.login(srv.url, 'supervisor');
    const r = await supervisor.post(path, { method: 'call_document_camera' });
    expect([r.status, r.body.material.originalCheck.checkedByName]).toEqual([201, '陈主管']);
  });

  it('a mark recorded by mistake is withdrawn with a reason (audited); no certified copy then, and it can be recorded anew', async () => {
    const w = `${originalCheckPath(caseId, pdfScan.id)}/withdrawal`;
    const noReason = await clerk.post(w, { reason: '  ' });
    expect([noReason.status, noReason.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const r = await clerk.post(w, { reason: '误点：原件未出示' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.material.originalCheck).toBeUndefined();
    expect((await materialOf(clerk, pdfScan.id)).originalCheck).toBeUndefined();
    expect(events('material.original_check_withdrawn').map((e) => e.details)).toEqual([
      expect.objectContaining({ materialId: pdfScan.id, method: 'call_document_camera', reason: '误点：原件未出示' }),
    ]);
    const twice = await clerk.post(w, { reason: '再次撤销' });
    expect([twice.status, twice.body.error.code]).toEqual([409, 'ORIGINAL_CHECK_MISSING']);
    const copy = await clerk.get(certifiedCopyPath(caseId, pdfScan.id));
    expect([copy.status, copy.body.error.code]).toEqual([409, 'ORIGINAL_CHECK_MISSING']);
    // The withdrawn mark stays on record beside the new one.
    const anew = await clerk.post(originalCheckPath(caseId, pdfScan.id), { method: 'window_paper' });
    expect([anew.status, anew.body.material.originalCheck.checkedByName]).toEqual([201, '李窗口']);
    expect(srv.ctx.db.prepare('SELECT COUNT(*) FROM original_checks WHERE material_id = ?').pluck().get(pdfScan.id)).toBe(2);
  });

  it('the certified copy of a PDF scan: A4, each page rasterised, the wording, the clerk, the office and the China date on every page', async () => {
    const before = srv.ctx.ledger.forCase(caseId).length;
    const res = await clerk.get(certifiedCopyPath(caseId, pdfScan.id));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const file = pdfFile(res.body, 'pdf-scan');
    await run('qpdf', ['--check', file]);
    expect(await run('pdfinfo', [file])).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
    expect(await pageCount(file)).toBe(2);
    // One page image per page: the scan's own text is pixels now, only the stamp is text.
    expect((await run('pdfimages', ['-list', file])).trim().split('\n').slice(2)).toHaveLength(2);
    const office = srv.ctx.catalog.getOffice(srv.ctx.cases.get(caseId).intakeOfficeId).name;
    for (const page of [1, 2]) {
      const text = await pageText(file, page);
      for (const s of [CERTIFIED_COPY_WORDING, '李窗口', dateZh(CHINA_DAY), office, caseNo, `第${page}页/共2页`, '窗口纸质原件'])
        expect(text, `page ${page}: ${s}`).toContain(s);
      expect(text).not.toContain('SCANNED');
    }
    expect(
      srv.ctx.ledger
        .forCase(caseId)
        .slice(before)
        .map((e) => [e.action, e.details.pages]),
    ).toEqual([['material.certified_copy_printed', 2]]);
  });

  it('the certified copy of an image scan is one page; the reviewer may print it, the admin (no files) and other offices may not', async () => {
    const reviewer = await ApiClient.login(srv.url, 'reviewer');
    const res = await reviewer.get(certifiedCopyPath(caseId, jpegScan.id));
    expect(res.status).toBe(200);
    const file = pdfFile(res.body, 'jpeg-scan');
    await run('qpdf', ['--check', file]);
    expect(await pageCount(file)).toBe(1);
    const text = await pageText(file, 1);
    for (const s of [CERTIFIED_COPY_WORDING, '李窗口', dateZh(CHINA_DAY), '第1页/共1页']) expect(text).toContain(s);
    for (const [username, code] of [
      ['admin', 'CASE_FILES_PARTICIPANTS_ONLY'],
      ['clerk2', 'FORBIDDEN_OFFICE'],
    ]) {
      const r = await (await ApiClient.login(srv.url, username!)).get(certifiedCopyPath(caseId, jpegScan.id));
      expect([r.status, r.body.error.code], username).toEqual([403, code]);
    }
  });

  it('the audit trail says it in words', async () => {
    const trail = (await clerk.get(`/api/cases/${caseId}/audit`)).body as { events: Array<{ action: string }> };
    expect(trail.events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['material.original_checked', 'material.original_check_withdrawn', 'material.certified_copy_printed']),
    );
  });
});

describe('the mark travels in the bag to the handling site', () => {
  let gd: TestServer;
  let hn: TestServer;
  let caseId: string;
  let caseNo: string;
  let clerk: ApiClient;
  let marked: MaterialView;

  beforeAll(async () => {
    ({ gd, hn } = await startTwoSites({ server: { ocr: 'printed-text' } }));
    ({ caseId, caseNo, clerk } = await acceptedCase(gd));
    // Accepted, not yet handed off: the window may still record its check.
    marked = ((await clerk.get(`/api/cases/${caseId}`)).body as CaseDetailResponse).materials[0]!;
    const r = await clerk.post(originalCheckPath(caseId, marked.id), { method: 'call_document_camera' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    marked = r.body.material;
    const pushed = await clerk.post(`/api/cases/${caseId}/handoff/transfer`);
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
  }, 180_000);
  afterAll(async () => {
    await gd?.stop();
    await hn?.stop();
  });

  it('once handed off, the window can no longer record or withdraw a mark', async () => {
    expect(gd.ctx.cases.get(caseId).state).toBe('in_handling');
    const other = ((await clerk.get(`/api/cases/${caseId}`)).body as CaseDetailResponse).materials[1]!;
    const r = await clerk.post(originalCheckPath(caseId, other.id), { method: 'window_paper' });
    expect([r.status, r.body.error.code]).toEqual([409, 'ORIGINAL_CHECK_CLOSED']);
    const w = await clerk.post(`${originalCheckPath(caseId, marked.id)}/withdrawal`, { reason: '太迟了' });
    expect([w.status, w.body.error.code]).toEqual([409, 'ORIGINAL_CHECK_CLOSED']);
  });

  it('the bag kept at hn carries the mark in case.json and the certified copy under data/originals/', async () => {
    const sha = hn.ctx.db
      .prepare("SELECT body_sha256 FROM transfers WHERE case_id = ? AND direction = 'in' AND status = 'imported'")
      .pluck()
      .get(caseId) as string;
    const zip = path.join(tmp, 'kept.zip');
    await pipeline(hn.ctx.blobs.open(sha), fs.createWriteStream(zip));
    const entries = await readZip(zip);
    const caseJson = JSON.parse(entries.get(`${caseNo}/data/case.json`)!.toString('utf8'));
    const listed = caseJson.materials.filter((m: { originalCheck?: unknown }) => m.originalCheck);
    expect(listed).toEqual([expect.objectContaining({ id: marked.id, originalCheck: marked.originalCheck })]);
    const scanName = path.posix.parse(listed[0].path as string).name;
    const copies = [...entries.keys()].filter((k) => k.startsWith(`${caseNo}/data/originals/`));
    expect(copies).toEqual([`${caseNo}/data/originals/${scanName}.pdf`]);
    const file = path.join(tmp, 'bag-copy.pdf');
    fs.writeFileSync(file, entries.get(copies[0]!)!);
    await run('qpdf', ['--check', file]);
    const text = await pageText(file, 1);
    for (const s of [CERTIFIED_COPY_WORDING, '李窗口', '视频文件摄像头']) expect(text).toContain(s);
  });

  it('the handling office sees the mark on the case it received, and prints the certified copy there', async () => {
    const reviewer = await ApiClient.login(hn.url, 'reviewer');
    const detail = (await reviewer.get(`/api/cases/${caseId}`)).body as CaseDetailResponse;
    const here = detail.materials.find((m) => m.id === marked.id)!;
    expect(here).toMatchObject({ source: 'transfer', originalCheck: marked.originalCheck });
    expect(detail.materials.filter((m) => m.originalCheck)).toHaveLength(1);
    expect(hn.ctx.ledger.forCase(caseId).find((e) => e.action === 'handoff.received')?.details).toMatchObject({ originalChecks: 1 });
    const res = await reviewer.get(certifiedCopyPath(caseId, marked.id));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const text = await pageText(pdfFile(res.body, 'hn-copy'), 1);
    for (const s of [CERTIFIED_COPY_WORDING, '李窗口', '韶关市政务服务中心跨省通办专窗']) expect(text).toContain(s);
  });
});
