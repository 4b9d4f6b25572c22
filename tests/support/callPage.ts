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
