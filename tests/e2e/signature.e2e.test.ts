import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ApiClient } from '../support/testServer';
import { startCallBrowser, type CallBrowser } from '../support/callBrowser';
import { createCase } from '../support/caseFixtures';
import { createPrecheckedCase, openActiveSession, passIdentityChecks } from '../support/reviewFixtures';
import { joinClerkAndReviewer } from '../support/callPage';
import { readZip } from '../support/handoffZip';
import { seriousViolations } from '../support/axe';

/**
 * Issue 13, item 5: 申请人签名, in real Chromium. On a phone-sized page the applicant, in the call,
 * reads the declaration and signs with the mouse on the pad (an empty pad is refused on the page);
 * the signature is stored, the reviewer sees it in the call, its hash is in review.json and it is
 * printed with its hash on the receipt. At the window the clerk hands over this device
 * (在本机签名) and the case page shows the signature.
 */
const run = async (cmd: string, args: string[]) =>
  (await promisify(execFile)(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })).stdout;
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

let cb: CallBrowser;
let clerk: ApiClient;
let reviewer: ApiClient;
let clerkPage: Page;
let reviewerPage: Page;
let phone: Page;
let caseId: string;
let caseNo: string;
let sessionId: string;
let tmp: string;

beforeAll(async () => {
  cb = await startCallBrowser({ rtcMinPort: 46600, env: { OCR_WORKERS: 1 } });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'signature-e2e-'));
  clerk = await ApiClient.login(cb.url, 'clerk');
  reviewer = await ApiClient.login(cb.url, 'reviewer');
  ({ id: caseId, caseNo } = await createPrecheckedCase(clerk));
  sessionId = await openActiveSession(clerk, reviewer, caseId);
  clerkPage = await cb.newPage();
  reviewerPage = await cb.newPage();
  await joinClerkAndReviewer(cb, sessionId, { clerk: clerkPage, reviewer: reviewerPage });
}, 240_000);
afterAll(async () => {
  await cb?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Signs with the mouse across the pad: `strokes` wavy strokes, each of many small moves. */
async function drawSignature(page: Page, strokes = 3): Promise<void> {
  const canvas = page.getByTestId('signature-canvas');
  const box = (await canvas.boundingBox())!;
  for (let s = 0; s < strokes; s++) {
    const x0 = box.x + box.width * (0.1 + s * 0.27);
    const y0 = box.y + box.height * 0.5;
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    for (let i = 1; i <= 24; i++) {
      await page.mouse.move(x0 + (box.width * 0.22 * i) / 24, y0 + Math.sin(i / 2.5) * box.height * 0.25);
    }
    await page.mouse.up();
  }
}

describe('the applicant signs on the phone in the call', () => {
  it('is asked to sign once the checks are done, reads the declaration and is refused an empty pad', async () => {
    const r = await reviewer.post(`/api/review/sessions/${sessionId}/consent`, { recordingAllowed: false, snapshotsAllowed: false });
    expect(r.status).toBe(200);
    await passIdentityChecks(reviewer, sessionId);
    const link = (await clerk.post(`/api/review/sessions/${sessionId}/applicant-link`)).body.url as string;

    phone = await cb.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(link);
    await phone.getByRole('button', { name: '看得到，下一步' }).click();
    await phone.waitForFunction(() => window.tongbanCall !== undefined);
    const now = phone.getByTestId('phone-now');
    await expect.poll(() => now.textContent(), { timeout: 30_000 }).toContain('请阅读《申请人承诺》');
    await phone.getByRole('button', { name: '阅读并签名' }).click();

    const sheet = phone.getByTestId('signature-sheet');
    await sheet.waitFor();
    // Full screen on the phone, the text and the pad both there, in large type.
    const box = (await sheet.boundingBox())!;
    expect([box.x, box.y, Math.round(box.width), Math.round(box.height)]).toEqual([0, 0, 390, 844]);
    expect(await phone.evaluate(() => document.documentElement.dataset.largeText)).toBe('on');
    await expect.poll(() => phone.getByTestId('declaration-text').textContent()).toContain(`办件编号 ${caseNo}`);
    expect(await phone.getByTestId('declaration-text').textContent()).toContain('本人张三申请办理');
    expect(await seriousViolations(phone)).toEqual([]);

    await phone.getByRole('button', { name: '确认签名' }).click();
    await expect.poll(() => sheet.getByRole('alert').textContent()).toContain('还没有签名');
    // A dot is not a signature either.
    const pad = (await phone.getByTestId('signature-canvas').boundingBox())!;
    await phone.mouse.click(pad.x + pad.width / 2, pad.y + pad.height / 2);
    await phone.getByRole('button', { name: '确认签名' }).click();
    await expect.poll(() => sheet.getByRole('alert').textContent()).toContain('签名太短');
    expect((await clerk.get(`/api/cases/${caseId}/signature`)).body.signature).toBeNull();
  });

  it('signs with the mouse; the signature is stored and the phone moves on', async () => {
    await phone.getByRole('button', { name: '重写' }).click();
    expect(await phone.getByTestId('signature-canvas').getAttribute('data-points')).toBe('0');
    await drawSignature(phone);
    expect(Number(await phone.getByTestId('signature-canvas').getAttribute('data-points'))).toBeGreaterThan(40);
    await phone.getByRole('button', { name: '确认签名' }).click();
    await phone.getByTestId('signature-sheet').waitFor({ state: 'detached', timeout: 15_000 });
    await expect.poll(() => phone.getByTestId('phone-now').textContent(), { timeout: 10_000 }).toContain('审核员正在作出结论');

    const { signature } = (await clerk.get(`/api/cases/${caseId}/signature`)).body;
    expect(signature).toMatchObject({ channel: 'phone', signerName: '张三', strokes: 3 });
    expect(signature.points).toBeGreaterThan(40);
    expect(signature.textSha256).toBe(sha256(signature.text));
    const png = Buffer.from((await clerk.get(`/api/cases/${caseId}/signature.png`)).body as ArrayBuffer);
    expect(sha256(png)).toBe(signature.imageSha256);
  });

  it('the reviewer sees the signature in the call, next to the checks', async () => {
    const { signature } = (await reviewer.get(`/api/cases/${caseId}/signature`)).body;
    const facts = reviewerPage.getByTestId('signature-facts');
    await facts.waitFor({ timeout: 10_000 });
    expect(await facts.getByTestId('signature-image-sha').textContent()).toBe(`${signature.imageSha256.slice(0, 16)}…`);
    expect(await facts.textContent()).toContain('申请人手机签名');
    const img = facts.getByTestId('signature-image');
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(signature.width);
    // The clerk in the same call sees it too.
    await clerkPage.getByTestId('signature-facts').waitFor({ timeout: 10_000 });
  });

  it('prints the signature and its hash on the receipt, and carries its hashes in review.json', async () => {
    const { signature } = (await clerk.get(`/api/cases/${caseId}/signature`)).body;
    const decided = await reviewer.post(`/api/review/sessions/${sessionId}/decision`, { outcome: 'accept' });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const receipt = await clerk.get(`/api/cases/${caseId}/receipt.pdf`);
    expect(receipt.status).toBe(200);
    const file = path.join(tmp, 'receipt.pdf');
    fs.writeFileSync(file, Buffer.from(receipt.body as ArrayBuffer));
    const text = (await run('pdftotext', ['-layout', file, '-'])).replace(/\s+/g, '');
    expect(text).toContain(`签名图像SHA-256：${signature.imageSha256.slice(0, 16)}`);
    expect(await run('pdfimages', ['-list', file])).toMatch(
      new RegExp(`^\\s*\\d+\\s+\\d+\\s+image\\s+${signature.width}\\s+${signature.height}\\s`, 'm'),
    );

    const handoff = await clerk.post(`/api/cases/${caseId}/handoff/courier`, { courierCompany: '顺丰速运', waybillNo: 'SF2026120201' });
    expect(handoff.status, JSON.stringify(handoff.body)).toBe(200);
    const zip = path.join(tmp, 'bag.zip');
    fs.writeFileSync(zip, Buffer.from((await clerk.get(`/api/cases/${caseId}/handoff/bag.zip`)).body as ArrayBuffer));
    const entries = await readZip(zip);
    const review = JSON.parse(entries.get(`${caseNo}/data/review/review.json`)!.toString('utf8'));
    expect(review.signature).toEqual({
      textSha256: signature.textSha256,
      imageSha256: signature.imageSha256,
      signedAt: signature.signedAt,
      channel: 'phone',
    });
    expect(sha256(entries.get(`${caseNo}/data/signature/signature.png`)!)).toBe(signature.imageSha256);
  });
});

describe('在本机签名: the clerk hands the window’s tablet to the applicant', () => {
  it('shows the pad full screen from the case page; the signature is stored and shown there', async () => {
    const draft = await createCase(clerk);
    const tablet = await cb.newPage();
    await tablet.setViewportSize({ width: 820, height: 1180 });
    await cb.login(tablet, 'clerk');
    await tablet.goto(`${cb.url}/cases/${draft.id}`);
    await tablet.getByTestId('signature-none').waitFor();
    await tablet.getByRole('button', { name: '在本机签名' }).click();
    const sheet = tablet.getByTestId('signature-sheet');
    await sheet.waitFor();
    const box = (await sheet.boundingBox())!;
    expect([Math.round(box.width), Math.round(box.height)]).toEqual([820, 1180]);
    await drawSignature(tablet, 2);
    await tablet.getByRole('button', { name: '确认签名' }).click();
    await sheet.waitFor({ state: 'detached', timeout: 15_000 });
    const facts = tablet.getByTestId('signature-facts');
    await facts.waitFor({ timeout: 10_000 });
    expect(await facts.textContent()).toContain('窗口设备签名');
    const { signature } = (await clerk.get(`/api/cases/${draft.id}/signature`)).body;
    expect(signature).toMatchObject({ channel: 'window', strokes: 2, witnessedByName: expect.any(String) });
    expect(await facts.getByTestId('signature-image-sha').textContent()).toBe(`${signature.imageSha256.slice(0, 16)}…`);
    await expect.poll(() => facts.getByTestId('signature-image').evaluate((el: HTMLImageElement) => el.naturalWidth)).toBe(signature.width);
    // Signing again needs the clerk's reason before it can be confirmed.
    await tablet.getByRole('button', { name: '在本机重新签名' }).click();
    expect(await tablet.getByRole('button', { name: '确认签名' }).isDisabled()).toBe(true);
    await tablet.getByRole('button', { name: '取消' }).click();
    expect(await seriousViolations(tablet)).toEqual([]);
  });
});
