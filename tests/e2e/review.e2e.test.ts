import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ApiClient } from '../support/testServer';
import { startCallBrowser, type CallBrowser } from '../support/callBrowser';
import { createPrecheckedCase, openActiveSession } from '../support/reviewFixtures';
import { diagnostics, joinCall, mediaFlowing } from '../support/callPage';

let cb: CallBrowser;
beforeAll(async () => {
  cb = await startCallBrowser({ rtcMinPort: 45200, env: { OCR_WORKERS: 1 } });
});
afterAll(async () => {
  await cb?.close();
});

describe('live co-review in two browsers through the real SFU', () => {
  let clerkPage: Page;
  let reviewerPage: Page;
  let sessionId: string;
  let caseId: string;

  it('clerk (with a document camera) and reviewer decode each other’s video and receive audio', async () => {
    const clerk = await ApiClient.login(cb.url, 'clerk');
    const reviewer = await ApiClient.login(cb.url, 'reviewer');
    caseId = (await createPrecheckedCase(clerk)).id;
    sessionId = await openActiveSession(clerk, reviewer, caseId);

    clerkPage = await cb.newPage();
    reviewerPage = await cb.newPage();
    await cb.login(clerkPage, 'clerk');
    await cb.login(reviewerPage, 'reviewer');
    await joinCall(clerkPage, cb.url, sessionId, { documentCamera: true });
    await joinCall(reviewerPage, cb.url, sessionId);

    const [c, r] = await Promise.all([mediaFlowing(clerkPage, 2), mediaFlowing(reviewerPage, 3)]);
    expect(c.videoFramesDecoded).toBeGreaterThan(0);
    expect(c.audioPacketsReceived).toBeGreaterThan(0);
    expect(r.videoFramesDecoded).toBeGreaterThan(0);
    expect(r.audioPacketsReceived).toBeGreaterThan(0);
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

  it('the reviewer records consent and takes a full-resolution snapshot of the document camera that lands in the case', async () => {
    await reviewerPage.getByRole('button', { name: '申请人同意截图取证' }).click();
    await reviewerPage.getByTestId('consent-recorded').waitFor();
    const source = reviewerPage.getByLabel('截取画面');
    const docOption = await source.locator('option', { hasText: '高拍仪' }).getAttribute('value');
    await source.selectOption(docOption!);
    const size = await reviewerPage.evaluate(() => {
      const v = document.querySelector<HTMLVideoElement>('[data-source="document"] video')!;
      return { w: v.videoWidth, h: v.videoHeight };
    });
    await reviewerPage.getByRole('button', { name: '截图', exact: true }).click();
    await reviewerPage.locator('[data-testid="snapshots"] li').first().waitFor();

    const session = (await (await ApiClient.login(cb.url, 'clerk')).get(`/api/review/sessions/${sessionId}`)).body;
    expect(session.snapshots).toHaveLength(1);
    expect(session.snapshots[0]).toMatchObject({ width: size.w, height: size.h });
    expect(size.w).toBeGreaterThan(0);
    const audit = cb.server.ctx.ledger.forCase(caseId).map((e) => e.action);
    expect(audit).toContain('review.snapshot');
  });

  it('the reviewer’s decision reaches the clerk’s call screen at once', async () => {
    await reviewerPage.getByLabel('结论', { exact: true }).selectOption('reject');
    await reviewerPage.getByLabel('理由（必填）').fill('申请人非本人，不予受理');
    await reviewerPage.getByRole('button', { name: '提交审查结论' }).click();
    await expect.poll(() => clerkPage.getByTestId('call-decision').textContent(), { timeout: 10_000 }).toContain('不予受理');
    expect((await (await ApiClient.login(cb.url, 'clerk')).get(`/api/cases/${caseId}`)).body.case.state).toBe('rejected');
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
