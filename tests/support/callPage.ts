import type { Page } from 'playwright-core';
import type { CallDiagnostics } from '../../client/src/features/call/useCall';

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
