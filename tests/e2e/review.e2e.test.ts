import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ApiClient } from '../support/testServer';
import { startCallBrowser, type CallBrowser } from '../support/callBrowser';
import { createPrecheckedCase, openActiveSession } from '../support/reviewFixtures';
import {
  callLayout,
  diagnostics,
  expectVideoInView,
  joinCall,
  mediaFlowing,
  passChecklistInView,
  trackSettings,
} from '../support/callPage';
import { sizedCameraArgs } from '../support/fakeCamera';
import { seriousViolations } from '../support/axe';

let cb: CallBrowser;
beforeAll(async () => {
  cb = await startCallBrowser({ rtcMinPort: 45200, env: { OCR_WORKERS: 1 } });
});
afterAll(async () => {
  await cb?.close();
});

/** The applicant's phone camera: a size no desk camera has, so a snapshot shows whose camera it was taken from. */
const PHONE_CAMERA = { width: 960, height: 720 };

describe('live co-review in two browsers through the real SFU', () => {
  let clerkPage: Page;
  let reviewerPage: Page;
  let phone: Page;
  let sessionId: string;
  let caseId: string;
  /** Methods of the decision requests the reviewer's page has sent. */
  const decisionsSent: string[] = [];

  it('clerk (with a document camera) and reviewer decode each other’s video and receive audio', async () => {
    const clerk = await ApiClient.login(cb.url, 'clerk');
    const reviewer = await ApiClient.login(cb.url, 'reviewer');
    caseId = (await createPrecheckedCase(clerk)).id;
    sessionId = await openActiveSession(clerk, reviewer, caseId);

    clerkPage = await cb.newPage();
    reviewerPage = await cb.newPage();
    await reviewerPage.setViewportSize({ width: 1280, height: 720 });
    reviewerPage.on('request', (r) => {
      if (r.url().endsWith(`/api/review/sessions/${sessionId}/decision`)) decisionsSent.push(r.method());
    });
    await cb.login(clerkPage, 'clerk');
    await cb.login(reviewerPage, 'reviewer');
    await joinCall(clerkPage, cb.url, sessionId, { documentCamera: true });
    await joinCall(reviewerPage, cb.url, sessionId);

    const [c, r] = await Promise.all([mediaFlowing(clerkPage, 2), mediaFlowing(reviewerPage, 3)]);
    expect(c.videoFramesDecoded).toBeGreaterThan(0);
    expect(c.audioPacketsReceived).toBeGreaterThan(0);
    expect(r.videoFramesDecoded).toBeGreaterThan(0);
    expect(r.audioPacketsReceived).toBeGreaterThan(0);
    // Each desk's join carried its DTLS certificate: no connect round trip before ICE could start.
    expect([c.dtlsConnectedBy, r.dtlsConnectedBy]).toEqual(['join', 'join']);
    // Reviewer gets the clerk's camera, microphone and document camera.
    expect(r.remoteTracks).toBe(3);
    expect(await reviewerPage.locator('[data-source="document"] video').count()).toBe(1);
  });

  it('the reviewer’s face comparison shows the ID photo exactly as the pre-check cut it, beside the live video', async () => {
    const photo = reviewerPage.getByTestId('id-photo');
    await photo.waitFor();
    const shown = await photo.evaluate((el) => ({ w: (el as HTMLImageElement).naturalWidth, h: (el as HTMLImageElement).naturalHeight }));
    const crop = await fetch(`${cb.url}/api/cases/${caseId}/id-photo.png`, {
      headers: { cookie: (await ApiClient.login(cb.url, 'reviewer')).cookieHeader },
    });
    const png = Buffer.from(await crop.arrayBuffer());
    expect(shown).toEqual({ w: png.readUInt32BE(16), h: png.readUInt32BE(20) });
    expect(shown.h).toBeGreaterThan(shown.w);
    expect(await reviewerPage.locator('[data-testid="id-compare"] video').count()).toBe(1);
  });

  it('the SFU’s consumer scores reach the reviewer and the network-quality indicator shows them as text', async () => {
    // rtc:consumerScore arrives for each of the reviewer's three consumers (clerk camera, microphone, document camera).
    await expect.poll(async () => Object.keys((await diagnostics(reviewerPage)).consumerScores).length, { timeout: 10_000 }).toBe(3);
    for (const { score, producerScore } of Object.values((await diagnostics(reviewerPage)).consumerScores)) {
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(10);
      expect(producerScore).toBeGreaterThanOrEqual(0);
      expect(producerScore).toBeLessThanOrEqual(10);
    }
    const shown = /^(网络良好|网络一般|网络较差)$/;
    await expect.poll(() => reviewerPage.getByTestId('network-quality').textContent(), { timeout: 5_000 }).toMatch(shown);
    const perPeer = reviewerPage.locator('[data-source="camera"] [data-testid="peer-network-quality"]');
    await expect.poll(async () => (await perPeer.textContent())?.replace(' · ', ''), { timeout: 5_000 }).toMatch(shown);
  });

  it('no decision is preselected: submitting without one is refused at the choice, and nothing is sent', async () => {
    const submit = reviewerPage.getByRole('button', { name: '提交审查结论' });
    await submit.click();
    const missing = reviewerPage.getByText('请选择审查结论：受理、补正或不予受理');
    await missing.waitFor();
    expect(await missing.isVisible()).toBe(true);
    // The focus goes to the choice, so the reviewer (and a screen reader) lands on what to fix.
    expect(await reviewerPage.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe('radio');
    for (const o of ['受理', '补正', '不予受理'])
      expect(await reviewerPage.getByRole('radio', { name: o, exact: true }).isChecked()).toBe(false);
    expect(await reviewerPage.getByRole('dialog').count()).toBe(0);
    expect(decisionsSent).toEqual([]);
  });

  it('the confirmation restates the choice and 返回修改 sends nothing; 受理 before the consent is refused beside the submit button', async () => {
    await reviewerPage.getByRole('radio', { name: '受理', exact: true }).check();
    await reviewerPage.getByRole('button', { name: '提交审查结论' }).click();
    const dialog = reviewerPage.getByRole('dialog', { name: '确认提交审查结论' });
    await dialog.waitFor();
    expect(await dialog.getByTestId('decision-summary').innerText()).toMatch(/审查结论\s*受理/);
    await dialog.getByRole('button', { name: '返回修改' }).click();
    await expect.poll(() => reviewerPage.getByRole('dialog').count()).toBe(0);
    expect(decisionsSent).toEqual([]);

    await reviewerPage.getByRole('button', { name: '提交审查结论' }).click();
    const answer = reviewerPage.waitForResponse((r) => r.url().endsWith(`/api/review/sessions/${sessionId}/decision`));
    await dialog.getByRole('button', { name: '确认提交' }).click();
    expect((await answer).status()).toBe(409);
    expect(decisionsSent).toEqual(['POST']);

    // The server's own message (REVIEW_CONSENT_REQUIRED), right under the button that was pressed, in view.
    const error = reviewerPage.getByTestId('decision-error');
    await error.waitFor();
    expect(await error.textContent()).toBe('请先征得申请人同意（录像与截图）并记录，再进行身份核验');
    const button = (await reviewerPage.getByRole('button', { name: '提交审查结论' }).boundingBox())!;
    const box = (await error.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(button.y + button.height);
    expect(box.y - (button.y + button.height)).toBeLessThan(40);
    expect(box.y + box.height).toBeLessThanOrEqual(720);
    expect((await (await ApiClient.login(cb.url, 'clerk')).get(`/api/review/sessions/${sessionId}`)).body.decision).toBeFalsy();
  });

  it('snapshots are taken at the picked source’s full capture size (a wait for it is shown and can be cancelled): the clerk’s camera, then the applicant’s phone by default once it joins, or the document camera', async () => {
    await reviewerPage.getByRole('button', { name: '申请人同意截图取证' }).click();
    await reviewerPage.getByTestId('consent-recorded').waitFor();
    const source = reviewerPage.getByLabel('截取画面');
    const picked = () => source.evaluate((s) => (s as HTMLSelectElement).selectedOptions[0]?.textContent);
    const snapshots = reviewerPage.locator('[data-testid="snapshots"] li');
    const snapshotButton = reviewerPage.getByRole('button', { name: '截图', exact: true });
    // A refused snapshot says why beside its button: a failing poll shows that reason, not only a count.
    const refusal = () =>
      snapshotButton.evaluate((b) =>
        (b.getAttribute('aria-describedby') ?? '')
          .split(' ')
          .map((id) => document.getElementById(id)?.textContent ?? '')
          .join(' ')
          .trim(),
      );
    const taken = async () => (await refusal()) || (await snapshots.count());
    expect(await picked()).toBe('窗口受理人员 · 摄像头');

    // A slow downlink, made certain: the SFU holds the reviewer at the smallest layer of the clerk's
    // 1280×720 camera. The snapshot waits in view, saying what it waits for; 取消截图 ends the wait
    // with nothing taken and nothing refused.
    const room = cb.server.ctx.call.roomOf({ kind: 'review', sessionId })!;
    const [reviewerPeer, clerkPeer] = await Promise.all(
      [reviewerPage, clerkPage].map((p) => p.evaluate(() => window.tongbanCall!.peerId())),
    );
    const clerkCameraConsumer = (await diagnostics(reviewerPage)).consumers.find((c) => c.peerId === clerkPeer && c.source === 'camera')!;
    await room.setPreferredLayers(reviewerPeer!, clerkCameraConsumer.consumerId, { spatialLayer: 0 });
    const clerkTile = reviewerPage.locator('[data-source="camera"][data-peer-role="clerk"] video');
    await expect.poll(() => clerkTile.evaluate((v) => (v as HTMLVideoElement).videoWidth), { timeout: 20_000 }).toBe(320);
    await snapshotButton.click();
    const waiting = reviewerPage.getByTestId('snapshot-waiting');
    await expect.poll(() => waiting.textContent(), { timeout: 10_000 }).toContain('当前 320×180，原始 1280×720');
    await waiting.getByRole('button', { name: '取消截图' }).click();
    await expect.poll(() => waiting.count()).toBe(0);
    expect(await taken()).toBe(0);

    // Let go, the SFU moves the reviewer up to the camera's full size and the snapshot is taken at it.
    await room.setPreferredLayers(reviewerPeer!, clerkCameraConsumer.consumerId, { spatialLayer: 2 });
    await snapshotButton.click();
    await expect.poll(taken, { timeout: 75_000 }).toBe(1);

    // The applicant joins from a phone whose camera is 960×720.
    const link = await (await ApiClient.login(cb.url, 'clerk')).post(`/api/review/sessions/${sessionId}/applicant-link`);
    phone = await cb.newPage({ args: sizedCameraArgs(PHONE_CAMERA) });
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(link.body.url);
    await phone.waitForFunction(() => document.querySelector<HTMLVideoElement>('video.phone-preview')?.srcObject != null);
    await phone.getByRole('button', { name: '看得到，下一步' }).click();
    await phone.waitForFunction(() => window.tongbanCall !== undefined);
    expect((await mediaFlowing(reviewerPage, 5, 30_000)).remoteTracks).toBe(5);
    expect(await trackSettings(phone, 'video[aria-label="我"]')).toEqual(PHONE_CAMERA);

    await expect.poll(picked, { timeout: 10_000 }).toBe('申请人 · 摄像头');
    expect(await source.locator('option').allTextContents()).toEqual(['申请人 · 摄像头', '窗口受理人员 · 摄像头', '窗口受理人员 · 高拍仪']);
    await snapshotButton.click();
    await expect.poll(taken, { timeout: 75_000 }).toBe(2);

    await source.selectOption({ label: '窗口受理人员 · 高拍仪' });
    await snapshotButton.click();
    await expect.poll(taken, { timeout: 75_000 }).toBe(3);

    const clerkCamera = await trackSettings(clerkPage, 'video[aria-label="我"]');
    const documentCamera = await trackSettings(clerkPage, '[data-source="local-document"] video');
    const session = (await (await ApiClient.login(cb.url, 'clerk')).get(`/api/review/sessions/${sessionId}`)).body;
    expect(session.snapshots.map((s: { width: number; height: number }) => ({ width: s.width, height: s.height }))).toEqual([
      clerkCamera,
      PHONE_CAMERA,
      documentCamera,
    ]);
    expect(new Set([clerkCamera, PHONE_CAMERA, documentCamera].map((c) => c.width)).size).toBe(3);
    const audit = cb.server.ctx.ledger.forCase(caseId).map((e) => e.action);
    expect(audit.filter((a) => a === 'review.snapshot')).toHaveLength(3);
  }, 300_000);

  it('at 1280×720 the video is large and beside the checklist, and the page itself does not scroll', async () => {
    // The document camera is the large picture; the clerk's camera and the reviewer's own are beside it, small.
    expect(await reviewerPage.locator('.call-tile-featured').getAttribute('data-source')).toBe('document');
    const { video } = await callLayout(reviewerPage);
    expect(video.width).toBeGreaterThan(600);
    await expectVideoInView(reviewerPage);
    const work = await reviewerPage.locator('.call-work').boundingBox();
    expect(work!.x).toBeGreaterThanOrEqual(video.x + video.width);
    // The checklist and the materials scroll inside their column.
    expect(await reviewerPage.locator('.call-work').evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
  });

  it('the reviewer ticks every check and reads the materials with the video in view all along, in normal and large text', async () => {
    // A check the server refuses (liveness passed before any prompt) says so inside that check.
    const liveness = reviewerPage.locator('ol.checklist > li[data-step="liveness"]');
    await liveness.getByRole('button', { name: '通过', exact: true }).click();
    const refused = liveness.getByRole('alert');
    await refused.waitFor();
    expect(await refused.textContent()).toBe('请先生成活体检测口令，再记录结果');
    expect(await reviewerPage.locator('ol.checklist .inline-error').count()).toBe(1);
    await expectVideoInView(reviewerPage);

    await passChecklistInView(reviewerPage);
    const material = reviewerPage.getByLabel('材料', { exact: true });
    await material.selectOption({ index: 1 });
    await reviewerPage.getByRole('button', { name: '放大' }).click();
    await reviewerPage.getByTestId('viewer-sheet').waitFor();
    await expectVideoInView(reviewerPage);

    await reviewerPage.getByRole('button', { name: '大字模式' }).click();
    expect(await reviewerPage.evaluate(() => document.documentElement.dataset.largeText)).toBe('on');
    await expectVideoInView(reviewerPage);
    await reviewerPage.locator('ol.checklist > li').last().scrollIntoViewIfNeeded();
    await expectVideoInView(reviewerPage);
    expect(await seriousViolations(reviewerPage)).toEqual([]);
    await reviewerPage.getByRole('button', { name: '大字模式' }).click();
    expect(await seriousViolations(reviewerPage)).toEqual([]);
  });

  it('on a 390×844 screen the call stacks: the video first at the screen’s width, the work under it, nothing wider than the screen', async () => {
    await reviewerPage.setViewportSize({ width: 390, height: 844 });
    try {
      await reviewerPage.evaluate(() => window.scrollTo(0, 0));
      const { video, viewport, pageScrollWidth } = await callLayout(reviewerPage);
      expect(pageScrollWidth).toBeLessThanOrEqual(viewport.width);
      expect(video.x).toBeGreaterThanOrEqual(0);
      expect(video.x + video.width).toBeLessThanOrEqual(viewport.width);
      expect(video.width).toBeGreaterThan(300);
      expect(video.y + video.height).toBeLessThanOrEqual(viewport.height);
      const work = (await reviewerPage.locator('.call-work').boundingBox())!;
      expect(work.y).toBeGreaterThanOrEqual(video.y + video.height);
      await reviewerPage.getByRole('button', { name: '提交审查结论' }).scrollIntoViewIfNeeded();
      expect(await reviewerPage.getByRole('button', { name: '提交审查结论' }).isVisible()).toBe(true);
      expect(await seriousViolations(reviewerPage)).toEqual([]);
    } finally {
      await reviewerPage.setViewportSize({ width: 1280, height: 720 });
    }
  });

  it('the reviewer’s decision, confirmed as restated, reaches the clerk’s call screen at once', async () => {
    await reviewerPage.getByRole('radio', { name: '不予受理', exact: true }).check();
    await reviewerPage.getByLabel('理由（必填）').fill('申请人非本人，不予受理');
    await reviewerPage.getByRole('button', { name: '提交审查结论' }).click();
    const dialog = reviewerPage.getByRole('dialog', { name: '确认提交审查结论' });
    const summary = await dialog.getByTestId('decision-summary').innerText();
    expect(summary).toMatch(/审查结论\s*不予受理/);
    expect(summary).toMatch(/不予受理理由\s*申请人非本人，不予受理/);
    await dialog.getByRole('button', { name: '确认提交' }).click();
    await expect.poll(() => clerkPage.getByTestId('call-decision').textContent(), { timeout: 10_000 }).toContain('不予受理');
    expect((await (await ApiClient.login(cb.url, 'clerk')).get(`/api/cases/${caseId}`)).body.case.state).toBe('rejected');
    expect(decisionsSent).toEqual(['POST', 'POST']);
  });

  it('a user of another office is refused', async () => {
    const page = await cb.newPage();
    await cb.login(page, 'reviewer2');
    await page.goto(`${cb.url}/call/${sessionId}`);
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('不属于您的单位');
  });

  it('an expired applicant link is refused with what to do next', async () => {
    const clerk = await ApiClient.login(cb.url, 'clerk');
    const reviewer = await ApiClient.login(cb.url, 'reviewer');
    const sid = await openActiveSession(clerk, reviewer, (await createPrecheckedCase(clerk)).id);
    const link = await clerk.post(`/api/review/sessions/${sid}/applicant-link`);
    cb.server.ctx.db.prepare("UPDATE review_applicant_tokens SET expires_at = '2000-01-01T00:00:00.000Z' WHERE kind = 'link'").run();
    const phone = await cb.newPage();
    await phone.goto(link.body.url);
    await expect.poll(() => phone.getByRole('alert').first().textContent()).toContain('已过期');
  });
});
