import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCallBrowser, type CallBrowser } from '../support/callBrowser';

let cb: CallBrowser;
beforeAll(async () => {
  cb = await startCallBrowser({ rtcMinPort: 45000 });
});
afterAll(async () => {
  await cb?.close();
});

describe('/check network and device self-test', () => {
  it('sends the fake camera and microphone through the SFU and back, and reports for automation', async () => {
    const page = await cb.newPage();
    await cb.login(page, 'clerk');
    await page.goto(`${cb.url}/check`);
    const handle = await page.waitForFunction(() => (window as { tongbanCheckResult?: unknown }).tongbanCheckResult, undefined, {
      timeout: 30_000,
    });
    const result = (await handle.jsonValue()) as {
      ok: boolean;
      joinToFirstFrameMs: number;
      framesDecoded: number;
      iceTransport: string;
      audioPacketsReceived: number;
    };
    expect(result.ok).toBe(true);
    expect(result.framesDecoded).toBeGreaterThan(0);
    expect(result.audioPacketsReceived).toBeGreaterThan(0);
    expect(result.joinToFirstFrameMs).toBeGreaterThan(0);
    expect(result.iceTransport).toBe('udp');
    await expect(page.getByTestId('check-result').textContent()).resolves.toContain('UDP');
    // Leaving cleaned up: no transports left on the SFU.
    await expect.poll(async () => (await cb.server.ctx.call.sfu.stats()).totals.transports).toBe(0);
  });
});
