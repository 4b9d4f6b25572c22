import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ApiClient } from '../support/testServer';
import { startCallBrowser, type CallBrowser } from '../support/callBrowser';
import { openActiveSession } from '../support/reviewFixtures';
import { joinCall, joinClerkAndReviewer } from '../support/callPage';
import {
  chooseMaterial,
  createCaseWithHighlight,
  pointAt,
  viewerSnapshot,
  type HighlightCase,
  type ViewerSnapshot,
} from '../support/sharedViewer';

/**
 * 共享材料: during the call the clerk and the reviewer look at the same material and zoom, each
 * sees the other's pointer, and the pre-check's outlines are drawn on both desks. The viewer
 * follows whoever moved last, both ways (SharedMaterialsViewer: "each other's pointer").
 */
let cb: CallBrowser;
let clerkPage: Page;
let reviewerPage: Page;
let kase: HighlightCase;
let sessionId: string;

const POSITION_TOLERANCE = 0.02; // of the page's width / height

beforeAll(async () => {
  cb = await startCallBrowser({ rtcMinPort: 45800, env: { OCR_WORKERS: 1 } });
  const clerk = await ApiClient.login(cb.url, 'clerk');
  kase = await createCaseWithHighlight(clerk);
  sessionId = await openActiveSession(clerk, await ApiClient.login(cb.url, 'reviewer'), kase.id);
  clerkPage = await cb.newPage();
  reviewerPage = await cb.newPage();
  await joinClerkAndReviewer(cb, sessionId, { clerk: clerkPage, reviewer: reviewerPage });
});
afterAll(async () => {
  await cb?.close();
});

/** Waits until `page`'s viewer shows what `expected` says (and its page image has loaded). */
async function shows(page: Page, expected: Partial<ViewerSnapshot>): Promise<ViewerSnapshot> {
  await expect.poll(async () => viewerSnapshot(page), { timeout: 10_000 }).toMatchObject({ ...expected, imageLoaded: true });
  return viewerSnapshot(page);
}

/** Waits until `page` draws the other desk's pointer within tolerance of `at`. */
async function pointerAt(page: Page, at: { x: number; y: number }): Promise<void> {
  const near = (s: ViewerSnapshot) =>
    s.pointer !== null && Math.abs(s.pointer.x - at.x) <= POSITION_TOLERANCE && Math.abs(s.pointer.y - at.y) <= POSITION_TOLERANCE;
  await expect
    .poll(
      async () => {
        const s = await viewerSnapshot(page);
        return near(s) ? 'at the spot' : s.pointer;
      },
      { timeout: 10_000 },
    )
    .toBe('at the spot');
}

describe('the shared materials viewer in a live co-review', () => {
  it('the clerk picks a material and zooms: the reviewer’s viewer shows the same material, page and zoom', async () => {
    const form = kase.materials['SBK_FORM']!;
    await chooseMaterial(clerkPage, form);
    await clerkPage.getByRole('button', { name: '放大' }).click();
    await clerkPage.getByRole('button', { name: '放大' }).click();
    const clerk = await shows(clerkPage, { materialId: form, page: 1, zoom: 1.5625, zoomLabel: '156%' });
    const reviewer = await shows(reviewerPage, { materialId: form, page: 1, zoom: 1.5625, zoomLabel: '156%' });
    // Drawn at that zoom too, not just labelled.
    expect(clerk.drawnZoom).toBeCloseTo(1.5625, 1);
    expect(reviewer.drawnZoom).toBeCloseTo(1.5625, 1);
    expect(await reviewerPage.getByTestId('viewer-page').textContent()).toBe('第 1 / 1 页');
    // The form has no outlined finding: nothing is drawn on it.
    expect(reviewer.highlights).toEqual([]);
  });

  it('the clerk’s pointer shows on the reviewer’s page at the same spot, and follows it to where it stops', async () => {
    await pointAt(clerkPage, { x: 0.3, y: 0.1 });
    await pointerAt(reviewerPage, { x: 0.3, y: 0.1 });
    // A quick sweep: the mark must end where the pointer stopped, not at the first step of the sweep.
    await pointAt(clerkPage, { x: 0.55, y: 0.2 }, { steps: 8 });
    await pointerAt(reviewerPage, { x: 0.55, y: 0.2 });
    // The clerk does not see a mark of their own pointer.
    expect((await viewerSnapshot(clerkPage)).pointer).toBeNull();
    // Off the page: the mark goes.
    await clerkPage.getByRole('button', { name: '缩小' }).hover();
    await expect.poll(async () => (await viewerSnapshot(reviewerPage)).pointer, { timeout: 10_000 }).toBeNull();
  });

  it('the pre-check’s outline (the ID card name that differs, overridden by the clerk) is drawn at the same place on both desks', async () => {
    const card = kase.materials['ID_CARD_FRONT']!;
    await chooseMaterial(clerkPage, card);
    const clerk = await shows(clerkPage, { materialId: card, page: 1 });
    const reviewer = await shows(reviewerPage, { materialId: card, page: 1 });
    expect(reviewer.highlights.length).toBeGreaterThan(0);
    expect(reviewer.highlights).toHaveLength(clerk.highlights.length);
    const outline = reviewer.highlights.find((h) => h.severity === 'block')!;
    expect(outline.title).toContain('与申请人“张三”不一致');
    const mine = clerk.highlights.find((h) => h.severity === 'block')!;
    for (const k of ['x0', 'y0', 'x1', 'y1'] as const) expect(Math.abs(outline[k] - mine[k])).toBeLessThanOrEqual(POSITION_TOLERANCE);
    // A real box on the card, not a degenerate one.
    expect(outline.x1 - outline.x0).toBeGreaterThan(0.01);
    expect(outline.y1 - outline.y0).toBeGreaterThan(0.01);
  });

  it('it is shared both ways: the reviewer’s material, zoom and pointer move the clerk’s view', async () => {
    const photo = kase.materials['PHOTO']!;
    await chooseMaterial(reviewerPage, photo);
    await reviewerPage.getByRole('button', { name: '缩小' }).click(); // from the shared 156%
    await shows(reviewerPage, { materialId: photo, zoom: 1.25 });
    await shows(clerkPage, { materialId: photo, page: 1, zoom: 1.25, zoomLabel: '125%' });
    await pointAt(reviewerPage, { x: 0.4, y: 0.25 });
    await pointerAt(clerkPage, { x: 0.4, y: 0.25 });
    expect((await viewerSnapshot(reviewerPage)).pointer).toBeNull();
  });

  it('a desk that rejoins the call opens on the view the other desk has now', async () => {
    await reviewerPage.mouse.move(0, 0); // off the page, so no pointer update races the check
    await joinCall(reviewerPage, cb.url, sessionId);
    await shows(reviewerPage, { materialId: kase.materials['PHOTO']!, page: 1, zoom: 1.25 });
  });

  it('turning the page of a multi-page PDF: the clerk turns to page 2, the reviewer sees it; the reviewer turns back, the clerk follows', async () => {
    const pdf = kase.twoPageForm;
    await chooseMaterial(clerkPage, pdf);
    const first = await shows(clerkPage, { materialId: pdf, page: 1 });
    await shows(reviewerPage, { materialId: pdf, page: 1, imageUrl: first.imageUrl });
    expect(await reviewerPage.getByTestId('viewer-page').textContent()).toBe('第 1 / 2 页');

    await clerkPage.getByRole('button', { name: '下一页' }).click();
    const second = await shows(clerkPage, { materialId: pdf, page: 2 });
    expect(second.imageUrl).not.toBe(first.imageUrl);
    // Page 2's own image, loaded (naturalWidth > 0), not page 1's left in place.
    await shows(reviewerPage, { materialId: pdf, page: 2, imageUrl: second.imageUrl });
    expect(await reviewerPage.getByTestId('viewer-page').textContent()).toBe('第 2 / 2 页');
    await expect.poll(() => reviewerPage.getByRole('button', { name: '下一页' }).isDisabled()).toBe(true);

    await reviewerPage.getByRole('button', { name: '上一页' }).click();
    await shows(reviewerPage, { materialId: pdf, page: 1, imageUrl: first.imageUrl });
    await shows(clerkPage, { materialId: pdf, page: 1, imageUrl: first.imageUrl });
    expect(await clerkPage.getByTestId('viewer-page').textContent()).toBe('第 1 / 2 页');
  });
});
