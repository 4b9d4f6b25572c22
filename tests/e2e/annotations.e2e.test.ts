import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { CorrectionNoticeView } from '@tongban/shared/cases/correctionNotice';
import { ApiClient } from '../support/testServer';
import { startCallBrowser, type CallBrowser } from '../support/callBrowser';
import { openActiveSession } from '../support/reviewFixtures';
import { joinClerkAndReviewer } from '../support/callPage';
import { seriousViolations } from '../support/axe';
import { chooseMaterial, createCaseWithHighlight, viewerSnapshot, type HighlightCase, type RelBox } from '../support/sharedViewer';

/** Tools run asynchronously: the server under test lives in this process and must keep answering. */
const run = async (cmd: string, args: string[]) =>
  (await promisify(execFile)(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })).stdout;

/**
 * Issue 13, item 1 (批注): in the co-review the reviewer draws a box on page 2 of the two-page
 * form; the clerk's viewer shows it within a second; the reviewer turns it into a 补正 item in one
 * click and decides 补正; the notice the clerk prints holds every item, the deadline and the crop
 * of the marked page; the case page lists the mark and draws it over the page.
 */
let cb: CallBrowser;
let clerkPage: Page;
let reviewerPage: Page;
let kase: HighlightCase;
let sessionId: string;
let tmp: string;

const TOLERANCE = 0.02; // of the page's width / height
const BOX: RelBox = { x0: 0.12, y0: 0.1, x1: 0.7, y1: 0.3 };
const NOTE = '申请人签名处缺少日期';

beforeAll(async () => {
  cb = await startCallBrowser({ rtcMinPort: 49000, env: { OCR_WORKERS: 1 } });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'annot-e2e-'));
  const clerk = await ApiClient.login(cb.url, 'clerk');
  kase = await createCaseWithHighlight(clerk);
  sessionId = await openActiveSession(clerk, await ApiClient.login(cb.url, 'reviewer'), kase.id);
  clerkPage = await cb.newPage();
  reviewerPage = await cb.newPage();
  await joinClerkAndReviewer(cb, sessionId, { clerk: clerkPage, reviewer: reviewerPage });
});
afterAll(async () => {
  await cb?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** The marks a desk's shared viewer draws on the shown page, relative to the page. */
function marksShown(page: Page): Promise<Array<RelBox & { kind: string; id: string }>> {
  return page.evaluate(() => {
    const sheet = document.querySelector<HTMLElement>('[data-testid="shared-viewer"] [data-testid="viewer-sheet"]');
    if (!sheet) return [];
    const r = sheet.getBoundingClientRect();
    return [...sheet.querySelectorAll<SVGElement | HTMLElement>('[data-testid="annotation-mark"]')].map((el) => {
      const b = el.getBoundingClientRect();
      return {
        kind: el.dataset['kind'] ?? '',
        id: el.dataset['annotationId'] ?? '',
        x0: (b.left - r.left) / r.width,
        y0: (b.top - r.top) / r.height,
        x1: (b.right - r.left) / r.width,
        y1: (b.bottom - r.top) / r.height,
      };
    });
  });
}

/** Drags the mouse over the desk's shown page from one corner of `box` to the other (page-relative). */
async function drag(page: Page, box: RelBox): Promise<void> {
  const surface = page.getByTestId('annotation-surface');
  await page.getByTestId('shared-viewer').scrollIntoViewIfNeeded();
  const b = await surface.boundingBox();
  if (!b) throw new Error('no drawing surface on the page');
  await page.mouse.move(b.x + box.x0 * b.width, b.y + box.y0 * b.height);
  await page.mouse.down();
  await page.mouse.move(b.x + box.x1 * b.width, b.y + box.y1 * b.height, { steps: 6 });
  await page.mouse.up();
}

const near = (a: RelBox, b: RelBox) => (['x0', 'y0', 'x1', 'y1'] as const).every((k) => Math.abs(a[k] - b[k]) <= TOLERANCE);

describe('marks on the shared materials, made into a correction item', () => {
  let markId = '';

  it('the reviewer draws a box on page 2 of the form: the clerk’s viewer shows it at the same spot within a second', async () => {
    const pdf = kase.twoPageForm;
    await chooseMaterial(reviewerPage, pdf);
    await reviewerPage.getByRole('button', { name: '下一页' }).click();
    for (const desk of [reviewerPage, clerkPage])
      await expect.poll(() => viewerSnapshot(desk), { timeout: 10_000 }).toMatchObject({ materialId: pdf, page: 2, imageLoaded: true });

    await reviewerPage.getByRole('radio', { name: '框选' }).check();
    await reviewerPage.getByLabel('批注说明（可选）').fill(NOTE);
    await drag(reviewerPage, BOX);
    // The reviewer's own desk draws it once the server stored it.
    await expect.poll(async () => (await marksShown(reviewerPage)).filter((m) => m.kind === 'box').length, { timeout: 5_000 }).toBe(1);
    const [mine] = await marksShown(reviewerPage);
    expect(near(mine!, BOX), JSON.stringify(mine)).toBe(true);
    markId = mine!.id;

    await expect
      .poll(async () => (await marksShown(clerkPage)).some((m) => m.id === markId && m.kind === 'box' && near(m, BOX)), { timeout: 1_000 })
      .toBe(true);
    // Listed under the viewer on both desks, with the note, the page and the author.
    for (const desk of [reviewerPage, clerkPage]) {
      const item = desk.getByTestId('shared-viewer').locator('..').getByTestId('annotation-item');
      await expect.poll(() => item.first().innerText(), { timeout: 5_000 }).toContain(NOTE);
      expect(await item.first().innerText()).toContain('第 2 页 · 框选');
      expect(await item.first().innerText()).toContain('王审核');
    }
    // The mark is on page 2 only.
    await clerkPage.getByRole('button', { name: '上一页' }).click();
    await expect.poll(async () => (await marksShown(clerkPage)).length, { timeout: 5_000 }).toBe(0);
    await clerkPage.getByRole('button', { name: '下一页' }).click();
    await expect.poll(async () => (await marksShown(clerkPage)).length, { timeout: 5_000 }).toBe(1);
    expect(await seriousViolations(reviewerPage)).toEqual([]);
  });

  it('the reviewer turns it into a 补正 item in one click (slot from the material, reason from the note) and decides 补正', async () => {
    await reviewerPage.getByRole('button', { name: '转为补正事项' }).click();
    await expect.poll(() => reviewerPage.getByRole('radio', { name: '补正', exact: true }).isChecked()).toBe(true);
    const items = reviewerPage.getByTestId('decision-mark-items');
    await expect.poll(() => items.locator('input').inputValue()).toBe(NOTE);
    expect(await items.innerText()).toContain('社会保障卡申领登记表');
    await reviewerPage.getByRole('button', { name: '提交审查结论' }).click();
    const dialog = reviewerPage.getByRole('dialog', { name: '确认提交审查结论' });
    const summary = await dialog.getByTestId('decision-summary').innerText();
    expect(summary).toMatch(/审查结论\s*补正/);
    expect(summary).toContain(NOTE);
    await dialog.getByRole('button', { name: '确认提交' }).click();
    await expect.poll(() => clerkPage.getByTestId('call-decision').textContent(), { timeout: 20_000 }).toContain(NOTE);
  });

  it('the clerk prints the notice: every item and the deadline, and the crop of the marked page', async () => {
    const clerk = await ApiClient.login(cb.url, 'clerk');
    const [notice] = (await clerk.get(`/api/cases/${kase.id}/correction-notice`)).body.notices as CorrectionNoticeView[];
    expect(notice!.items).toEqual([expect.objectContaining({ slotCode: 'SBK_FORM', reason: NOTE, annotationId: markId })]);
    const print = await clerkPage.request.get(`${cb.url}/api/cases/${kase.id}/correction-notice.pdf`);
    expect(print.status()).toBe(200);
    const file = path.join(tmp, 'notice.pdf');
    fs.writeFileSync(file, await print.body());
    const text = await run('pdftotext', ['-layout', file, '-']);
    for (const item of notice!.items) expect(text).toContain(item.reason);
    const [y, m, d] = notice!.resubmitBy.split('-').map(Number);
    expect(text).toContain(`${y}年${m}月${d}日`);
    expect(text).toContain('审查时标注的位置');
    const images = (await run('pdfimages', ['-list', file]))
      .split('\n')
      .slice(2)
      .filter((l) => /\bjpeg\b/.test(l));
    expect(images).toHaveLength(1);
  });

  it('the case page lists the mark with its material and draws it over page 2', async () => {
    const desk = await clerkPage.context().newPage();
    await desk.goto(`${cb.url}/cases/${kase.id}`);
    // Open the materials (in 补正 the next step already opens them: the window takes the corrected scans).
    const section = desk.getByRole('button', { name: /^申请材料/ });
    await section.waitFor();
    if ((await section.getAttribute('aria-expanded')) !== 'true') await section.click();
    const thumbs = desk.getByRole('list', { name: '材料缩略图' });
    await thumbs.waitFor({ timeout: 10_000 });
    const thumb = thumbs.getByRole('button').filter({ hasText: '申领登记表（两页）.pdf' });
    if ((await thumb.count()) !== 1) throw new Error(`thumbnails: ${await thumbs.innerText()}`);
    await thumb.click();
    expect(await thumb.getByTestId('thumb-annotations').innerText()).toBe('批注 1 处');
    const item = desk.getByTestId('annotation-item');
    await expect.poll(() => item.innerText(), { timeout: 10_000 }).toContain(NOTE);
    await item.getByRole('button', { name: '查看' }).click();
    const overlay = desk.getByTestId('case-annotations-overlay');
    await expect.poll(() => overlay.locator('[data-kind="box"]').count(), { timeout: 10_000 }).toBe(1);
    const rel = await overlay.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const b = el.querySelector('[data-kind="box"]')!.getBoundingClientRect();
      return {
        x0: (b.left - r.left) / r.width,
        y0: (b.top - r.top) / r.height,
        x1: (b.right - r.left) / r.width,
        y1: (b.bottom - r.top) / r.height,
      };
    });
    expect(near(rel, BOX), JSON.stringify(rel)).toBe(true);
    expect(await seriousViolations(desk)).toEqual([]);
    await desk.close();
  });
});
