import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import type { CallDiagnostics } from '../../client/src/features/call/useCall';
import type { CallBrowser } from './callBrowser';

/** Opens /call/:id, passes the device check (optionally adding fake_device_2 as the 高拍仪) and joins. */
export async function joinCall(page: Page, baseUrl: string, sessionId: string, opts: { documentCamera?: boolean } = {}): Promise<void> {
  await page.goto(`${baseUrl}/call/${sessionId}`);
  const join = page.getByRole('button', { name: '进入会审' });
  await join.waitFor();
  await page.waitForFunction(() => document.querySelector<HTMLVideoElement>('video')?.srcObject != null);
  if (opts.documentCamera) {
    const select = page.getByLabel('高拍仪（文档摄像头，可选）');
    const value = await select.locator('option', { hasText: 'fake_device_2' }).getAttribute('value');
    await select.selectOption(value!);
  }
  await join.click();
  await page.waitForFunction(() => window.tongbanCall !== undefined);
}

export function diagnostics(page: Page): Promise<CallDiagnostics> {
  return page.evaluate(() => window.tongbanCall!.diagnostics());
}

/** Waits until video frames are decoded and audio packets arrive from `remoteTracks` remote tracks. */
export async function mediaFlowing(page: Page, remoteTracks: number, timeoutMs = 20_000): Promise<CallDiagnostics> {
  const deadline = Date.now() + timeoutMs;
  let d = await diagnostics(page);
  while (Date.now() < deadline) {
    if (d.remoteTracks >= remoteTracks && d.videoFramesDecoded > 0 && d.audioPacketsReceived > 0) return d;
    await new Promise((r) => setTimeout(r, 200));
    d = await diagnostics(page);
  }
  return d;
}

/** Logs the clerk and the reviewer in on their own pages, joins both to the session and waits until each receives the other's camera and microphone. */
export async function joinClerkAndReviewer(
  cb: Pick<CallBrowser, 'url' | 'login'>,
  sessionId: string,
  pages: { clerk: Page; reviewer: Page },
): Promise<void> {
  await cb.login(pages.clerk, 'clerk');
  await cb.login(pages.reviewer, 'reviewer');
  await joinCall(pages.clerk, cb.url, sessionId);
  await joinCall(pages.reviewer, cb.url, sessionId);
  await Promise.all([mediaFlowing(pages.clerk, 2), mediaFlowing(pages.reviewer, 2)]);
}

/** Resolves with ms until video frames are being decoded again on `page` (counter rising, call connected). */
export async function videoResumes(page: Page, since: number, timeoutMs = 30_000): Promise<number | null> {
  let last = -1;
  while (Date.now() - since < timeoutMs) {
    const d = await diagnostics(page).catch(() => null);
    if (d && d.state === 'connected' && d.remoteTracks >= 2 && last >= 0 && d.videoFramesDecoded > last) return Date.now() - since;
    last = d?.videoFramesDecoded ?? -1;
    await new Promise((r) => setTimeout(r, 250));
  }
  return null;
}

/**
 * The call screen's geometry: the large picture's box, the viewport, and whether the page itself
 * scrolls (it must not, from 900px wide: only the work column does).
 */
export async function callLayout(page: Page): Promise<{
  video: { x: number; y: number; width: number; height: number };
  viewport: { width: number; height: number };
  pageScrollHeight: number;
  pageScrollWidth: number;
}> {
  return page.evaluate(() => {
    const r = document.querySelector('.call-tile-featured video')!.getBoundingClientRect();
    return {
      video: { x: r.x, y: r.y, width: r.width, height: r.height },
      viewport: { width: innerWidth, height: innerHeight },
      pageScrollHeight: document.scrollingElement!.scrollHeight,
      pageScrollWidth: document.scrollingElement!.scrollWidth,
    };
  });
}

/** The large picture lies wholly inside the viewport, and the page itself does not scroll. */
export async function expectVideoInView(page: Page): Promise<void> {
  const { video, viewport, pageScrollHeight } = await callLayout(page);
  expect(video.x).toBeGreaterThanOrEqual(0);
  expect(video.y).toBeGreaterThanOrEqual(0);
  expect(video.x + video.width).toBeLessThanOrEqual(viewport.width);
  expect(video.y + video.height).toBeLessThanOrEqual(viewport.height);
  expect(pageScrollHeight).toBeLessThanOrEqual(viewport.height);
}

/** The settings (capture size) of the video track a `<video>` matched by `selector` plays: what the sender's camera delivers. */
export function trackSettings(page: Page, selector: string): Promise<{ width: number; height: number }> {
  return page.evaluate((sel) => {
    const v = document.querySelector<HTMLVideoElement>(sel)!;
    const { width, height } = (v.srcObject as MediaStream).getVideoTracks()[0]!.getSettings();
    return { width: width!, height: height! };
  }, selector);
}

/** The reviewer asks for a liveness prompt and passes every identity step, the large picture staying in view throughout. */
export async function passChecklistInView(reviewerPage: Page): Promise<void> {
  await reviewerPage.getByRole('button', { name: '生成随机口令' }).click();
  await reviewerPage.getByTestId('liveness-prompt').waitFor();
  const steps = reviewerPage.locator('ol.checklist > li');
  for (let i = 0; i < (await steps.count()); i++) {
    const step = steps.nth(i);
    await step.getByRole('button', { name: '通过', exact: true }).click();
    await step.locator('.badge-ok', { hasText: '通过' }).waitFor();
    await expectVideoInView(reviewerPage);
  }
}
