import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../client/src/features/check/checkLines';
import { seriousViolations } from '../support/axe';
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
    const result = (await handle.jsonValue()) as CheckResult;
    expect(result.ok).toBe(true);
    expect(result.framesDecoded).toBeGreaterThan(0);
    expect(result.audioPacketsReceived).toBeGreaterThan(0);
    expect(result.joinToFirstFrameMs).toBeGreaterThan(0);
    expect(result.iceTransport).toBe('udp');
    // The fallback: with only the server's TCP candidates offered, media still goes out and back, over TCP.
    expect(result.tcp).toMatchObject({ ok: true, iceTransport: 'tcp' });
    expect(result.camera).toMatchObject({ width: expect.any(Number), height: expect.any(Number) });

    // A line each for camera, microphone, video server, TCP fallback and delay, in plain words.
    const lines = page.getByTestId('check-result').locator('li');
    expect(await lines.evaluateAll((ls) => ls.map((l) => [l.getAttribute('data-line'), l.getAttribute('data-state')]))).toEqual([
      ['camera', 'ok'],
      ['microphone', 'ok'],
      ['server', 'ok'],
      ['tcp', 'ok'],
      ['delay', 'ok'],
    ]);
    const text = await page.locator('main').innerText();
    expect(text).toContain('备用线路（TCP）');
    for (const jargon of ['入会到首帧', '已解码帧数']) expect(text).not.toContain(jargon);
    // It ends on the picture that came back, not on a black box.
    const still = page.getByTestId('check-still');
    expect(await still.isVisible()).toBe(true);
    expect(await page.locator('video.check-video').isVisible()).toBe(false);
    const lit = await still.evaluate((c) => {
      const canvas = c as HTMLCanvasElement;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let sum = 0;
      for (let i = 0; i < data.length; i += 4) sum += data[i]! + data[i + 1]! + data[i + 2]!;
      return sum / (data.length / 4);
    });
    expect(lit).toBeGreaterThan(30);
    // Readable by everyone, in both text sizes.
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: '大字模式' }).click();
    expect(await seriousViolations(page)).toEqual([]);
    // Leaving cleaned up: no transports left on the SFU.
    await expect.poll(async () => (await cb.server.ctx.call.sfu.stats()).totals.transports).toBe(0);
  });
});
