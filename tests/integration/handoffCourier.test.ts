import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jsQR from 'jsqr';
import { loadImage, createCanvas } from '@napi-rs/canvas';
import { verifyBag } from '@tongban/server/handoff/bag/bagVerifier';
import { parseHandoffQr } from '@tongban/shared/handoff/schemas';
import { startTestServer, type ApiClient, type TestServer } from '../support/testServer';
import { acceptedCase } from '../support/handoffCase';
import { expectReadable } from '../support/readable';

/** Tools run asynchronously: the server under test lives in this process and must keep answering. */
const run = async (cmd: string, args: string[], opts: { cwd?: string } = {}) =>
  (await promisify(execFile)(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts })).stdout;

/** 邮寄转递: courier + waybill recorded, cover sheet printed, its QR decoded and matched to the bag. */
let srv: TestServer;
let tmp: string;
let caseId: string;
let caseNo: string;
let clerk: ApiClient;

beforeAll(async () => {
  srv = await startTestServer({ OCR_WORKERS: 1 });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'courier-'));
  ({ caseId, caseNo, clerk } = await acceptedCase(srv));
});
afterAll(async () => {
  await srv?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('courier handoff', () => {
  it('refuses a case that is not accepted, and a bad waybill', async () => {
    const other = await clerk.post('/api/cases', {
      itemCode: 'TB-YLBX-ZY',
      applicant: { name: '李四', idNumber: '11010519491231002X', phone: '13900000000' },
    });
    const draft = await clerk.post(`/api/cases/${other.body.case.id}/handoff/courier`, {
      courierCompany: '中国邮政EMS',
      waybillNo: 'EMS12345678',
    });
    expect([draft.status, draft.body.error.code]).toEqual([409, 'HANDOFF_CASE_NOT_READY']);
    const bad = await clerk.post(`/api/cases/${caseId}/handoff/courier`, { courierCompany: '顺丰速运', waybillNo: '运单?' });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('records courier and waybill, keeps the signed bag, and moves the case to handed_off', async () => {
    const r = await clerk.post(`/api/cases/${caseId}/handoff/courier`, { courierCompany: '顺丰速运', waybillNo: 'SF1234567890' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.handoff).toMatchObject({ mode: 'courier', courierCompany: '顺丰速运', waybillNo: 'SF1234567890' });
    expect(srv.ctx.cases.get(caseId).state).toBe('handed_off');
    const last = srv.ctx.ledger.forCase(caseId).at(-1)!;
    expect(last).toMatchObject({ action: 'case.hand_off', details: { mode: 'courier', waybillNo: 'SF1234567890' } });
  });

  it('prints a valid A4 cover sheet whose QR code names the case and the bag’s tag manifest', async () => {
    const pdfRes = await clerk.get(`/api/cases/${caseId}/handoff/cover.pdf`);
    expect(pdfRes.status).toBe(200);
    expect(pdfRes.headers.get('content-type')).toBe('application/pdf');
    const pdfFile = path.join(tmp, 'cover.pdf');
    fs.writeFileSync(pdfFile, Buffer.from(pdfRes.body as ArrayBuffer));
    await run('qpdf', ['--check', pdfFile]);
    const fonts = await run('pdffonts', [pdfFile]);
    expect(fonts).toMatch(/NotoSansSC\S*\s+CID TrueType\s+Identity-H\s+yes/); // embedded
    expect(fs.statSync(pdfFile).size).toBeLessThan(300_000); // a subset, not the 10 MB face
    const text = await run('pdftotext', ['-layout', pdfFile, '-']);
    expect(text).toContain(caseNo);
    expect(text).toContain('参保缴费凭证');
    expect(text).toContain('SF1234567890');
    expect(text).toContain('4402**********');
    expect(text).toContain('居民身份证');
    expect(text).not.toContain('4402021980');
    expect(text).toMatch(/生成时间 \d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）/);
    expectReadable(text, 'the cover sheet');
    const info = await run('pdfinfo', [pdfFile]);
    expect(info).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);

    await run('pdftoppm', ['-r', '150', '-png', '-singlefile', pdfFile, path.join(tmp, 'cover')]);
    // The glyphs really print (a broken font subset still extracts as text but renders blank).
    const ocr = await run('tesseract', [path.join(tmp, 'cover.png'), '-', '-l', 'eng']);
    expect(ocr).toContain('SF1234567890');
    expect(ocr.replace(/\s/g, '')).toContain(caseNo);
    const img = await loadImage(fs.readFileSync(path.join(tmp, 'cover.png')));
    const canvas = createCanvas(img.width, img.height);
    const g = canvas.getContext('2d');
    g.drawImage(img, 0, 0);
    const pixels = g.getImageData(0, 0, img.width, img.height);
    const qr = jsQR(new Uint8ClampedArray(pixels.data), img.width, img.height);
    expect(qr).not.toBeNull();
    const decoded = parseHandoffQr(qr!.data)!;
    expect(decoded.caseNo).toBe(caseNo);

    // The QR's hash is the bag's: download the bag and verify it.
    const bag = await clerk.get(`/api/cases/${caseId}/handoff/bag.zip`);
    const bagFile = path.join(tmp, 'bag.zip');
    fs.writeFileSync(bagFile, Buffer.from(bag.body as ArrayBuffer));
    const keys = srv.ctx.handoff.keys;
    const report = await verifyBag(bagFile, { trusted: [{ ...keys.signingKey(), site: keys.siteId }] });
    expect(report.problems).toEqual([]);
    expect(report.tagmanifestSha256).toBe(decoded.tagmanifestSha256);

    // The receiving clerk scans it to look the record up.
    const look = await clerk.get(`/api/handoff/lookup?qr=${encodeURIComponent(qr!.data)}`);
    expect(look.body).toMatchObject({ caseNo, found: true, matches: true, state: 'handed_off' });
    const wrong = await clerk.get(`/api/handoff/lookup?qr=${encodeURIComponent(qr!.data.replace(/.$/, (c) => (c === '0' ? '1' : '0')))}`);
    expect(wrong.body).toMatchObject({ found: true, matches: false });
  });

  it('CLI: handoff build / verify / cover on the site’s data directory', async () => {
    const cli = async (args: string[]) => {
      try {
        return {
          code: 0,
          out: await run('npx', ['tongban', ...args, '--data', srv.dataDir], { cwd: path.join(__dirname, '..', '..', 'server') }),
        };
      } catch (e) {
        const err = e as { code: number; stdout: string; stderr: string };
        return { code: err.code, out: err.stdout + err.stderr };
      }
    };
    const zip = path.join(tmp, 'cli.zip');
    expect((await cli(['handoff', 'build', caseNo, '--out', zip])).code).toBe(0);
    const ok = await cli(['handoff', 'verify', zip]);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('VALID');
    const trust = path.join(tmp, 'nobody.txt');
    fs.writeFileSync(trust, '# no keys\n');
    const untrusted = await cli(['handoff', 'verify', zip, '--trust', trust]);
    expect(untrusted.code).toBe(1);
    expect(untrusted.out).toContain('BAG_SIGNER_UNTRUSTED');
    const pdf = path.join(tmp, 'cli.pdf');
    expect((await cli(['handoff', 'cover', caseNo, '--out', pdf])).code).toBe(0);
    expect(fs.readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
  });
});
