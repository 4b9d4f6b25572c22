import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import jsQR from 'jsqr';
import { SESSION_COOKIE } from '@tongban/server/api/http';
import { ApiClient } from '../support/testServer';
import { startCallBrowser, type CallBrowser } from '../support/callBrowser';
import { connectRtc, createPrecheckedCase, openActiveSession, rtcRequest } from '../support/reviewFixtures';
import { joinClerkAndReviewer, mediaFlowing } from '../support/callPage';
import { seriousViolations } from '../support/axe';

/**
 * The applicant joins from a phone: the clerk shows a one-time link as a QR code, a browser with no
 * login opens it, passes the camera check and meets the clerk and the reviewer through the real
 * SFU — and gets nothing but that call. The link works once.
 */
let cb: CallBrowser;
let clerkPage: Page;
let reviewerPage: Page;
let phone: Page;
let caseId: string;
let sessionId: string;
let link: string;

beforeAll(async () => {
  cb = await startCallBrowser({ rtcMinPort: 45600, env: { OCR_WORKERS: 1 } });
  const clerk = await ApiClient.login(cb.url, 'clerk');
  const reviewer = await ApiClient.login(cb.url, 'reviewer');
  caseId = (await createPrecheckedCase(clerk)).id;
  sessionId = await openActiveSession(clerk, reviewer, caseId);
  clerkPage = await cb.newPage();
  reviewerPage = await cb.newPage();
  await joinClerkAndReviewer(cb, sessionId, { clerk: clerkPage, reviewer: reviewerPage });
});
afterAll(async () => {
  await cb?.close();
});

/** Frames the <video> of one participant's camera tile has shown (0 until one is decoded). */
function tileFrames(page: Page, role: string): Promise<number> {
  return page.evaluate((r) => {
    const videos = [...document.querySelectorAll<HTMLVideoElement>(`[data-source="camera"][data-peer-role="${r}"] video`)];
    return videos.length === 1 && videos[0]!.videoWidth > 0 ? videos[0]!.getVideoPlaybackQuality().totalVideoFrames : 0;
  }, role);
}

/** Waits until the tile of `role` on `page` decodes video and keeps decoding (its frame count rises). */
async function tileDecodes(page: Page, role: string): Promise<void> {
  await expect.poll(() => tileFrames(page, role), { timeout: 30_000 }).toBeGreaterThan(0);
  const first = await tileFrames(page, role);
  await expect.poll(() => tileFrames(page, role), { timeout: 10_000 }).toBeGreaterThan(first);
}

/** Past the camera step into the call. */
async function joinOnPhone(p: Page): Promise<void> {
  await p.getByRole('button', { name: '看得到，下一步' }).click();
  await p.waitForFunction(() => window.tongbanCall !== undefined);
}

/** The box of "what to do now" lies inside the phone's screen. */
async function nowInView(p: Page): Promise<boolean> {
  const box = await p.getByTestId('phone-now').boundingBox();
  const h = p.viewportSize()!.height;
  return box !== null && box.y >= 0 && box.y + box.height <= h;
}

/** A phone: a browser of its own (no login cookie) at a phone's screen size. */
async function newPhone(): Promise<Page> {
  const p = await cb.newPage();
  await p.setViewportSize({ width: 390, height: 844 });
  return p;
}

describe('the applicant joins from a phone with the clerk’s one-time QR code', () => {
  it('the clerk shows a QR code on the case page; it holds exactly the link printed under it', async () => {
    // The clerk keeps the call open and shows the code from the case page in a second tab.
    const desk = await clerkPage.context().newPage();
    await desk.goto(`${cb.url}/cases/${caseId}`);
    await desk.getByRole('button', { name: '申请人手机入会二维码' }).click();
    const shown = desk.getByTestId('applicant-link');
    await shown.waitFor();
    link = (await shown.locator('code').textContent())!.trim();
    expect(link).toMatch(new RegExp(`^${cb.url}/join/[A-Za-z0-9_-]{16,}$`));
    await expect.poll(() => shown.textContent()).toContain('15 分钟内有效，仅可使用一次');

    // Decode what is on the screen, as a phone camera would.
    const img = await loadImage(await shown.getByRole('img', { name: '申请人入会二维码' }).screenshot());
    const canvas = createCanvas(img.width, img.height);
    const g = canvas.getContext('2d');
    g.drawImage(img, 0, 0);
    const pixels = g.getImageData(0, 0, img.width, img.height);
    const qr = jsQR(new Uint8ClampedArray(pixels.data), img.width, img.height);
    expect(qr?.data).toBe(link);
    await desk.close();
  });

  it('the phone opens the link without logging in, passes the camera check, and both sides decode each other’s video', async () => {
    phone = await newPhone();
    await phone.goto(link);
    await phone.getByRole('heading', { name: '第一步：看看摄像头' }).waitFor();
    await phone.waitForFunction(() => document.querySelector<HTMLVideoElement>('video.phone-preview')?.srcObject != null);
    // Large text by default on the phone, and plain words: no device pickers or names, no document camera.
    expect(await phone.evaluate(() => document.documentElement.dataset.largeText)).toBe('on');
    expect(await phone.locator('select').count()).toBe(0);
    expect(await phone.locator('main').innerText()).not.toMatch(/高拍仪|设备检测|fake/i);
    await joinOnPhone(phone);

    // Phone: the clerk's and the reviewer's camera and microphone.
    const onPhone = await mediaFlowing(phone, 4, 30_000);
    expect(onPhone.remoteTracks).toBe(4);
    expect(onPhone.videoFramesDecoded).toBeGreaterThan(0);
    expect(onPhone.audioPacketsReceived).toBeGreaterThan(0);
    await tileDecodes(phone, 'reviewer');
    await tileDecodes(phone, 'clerk');

    // Reviewer: a third tile, the applicant's, decoding.
    expect((await mediaFlowing(reviewerPage, 4, 30_000)).remoteTracks).toBe(4);
    await tileDecodes(reviewerPage, 'applicant');
    expect(await reviewerPage.locator('[data-peer-role="applicant"] figcaption').textContent()).toContain('申请人 张三');
    await tileDecodes(clerkPage, 'applicant');
  });

  it('the applicant gets the call and nothing else: no case data, no materials, no shared viewer', async () => {
    // The phone's own browser: no cookie opens the case API.
    const statuses = await phone.evaluate(
      async ({ caseId, sessionId }) =>
        Promise.all(
          [`/api/cases/${caseId}`, `/api/cases/${caseId}/precheck`, `/api/cases/${caseId}/review`, `/api/review/sessions/${sessionId}`].map(
            async (p) => (await fetch(p)).status,
          ),
        ),
      { caseId, sessionId },
    );
    expect(statuses).toEqual([401, 401, 401, 401]);
    expect(await phone.context().cookies()).toEqual([]);
    await expect.poll(() => phone.getByText('共享材料').count()).toBe(0);

    // The session key the phone holds opens no API either, whichever way it is presented.
    const key = await phone.evaluate(
      () => (JSON.parse(sessionStorage.getItem('tongban.applicantPass')!) as { pass: { key: string } }).pass.key,
    );
    expect(key).toMatch(/^ak_/);
    for (const headers of [{ cookie: `${SESSION_COOKIE}=${key}` }, { authorization: `Bearer ${key}` }] as Array<Record<string, string>>) {
      expect((await new ApiClient(cb.url).request('GET', `/api/cases/${caseId}`, undefined, headers)).status).toBe(401);
    }
    // Over signalling it opens this session only, and the shared viewer is not the applicant's to steer.
    const clerk = await ApiClient.login(cb.url, 'clerk');
    const otherSession = await openActiveSession(clerk, await ApiClient.login(cb.url, 'reviewer'), (await createPrecheckedCase(clerk)).id);
    const socket = await connectRtc(cb.url, { token: key });
    try {
      const other = await rtcRequest(socket, 'rtc:join', { sessionId: otherSession, clientId: 'phone-probe', produce: false });
      expect(other.ok ? null : other.error.code).toBe('FORBIDDEN_OFFICE');
      const join = await rtcRequest(socket, 'rtc:join', { sessionId, clientId: 'phone-probe', produce: false });
      expect(join.ok).toBe(true);
      const steer = await rtcRequest(socket, 'viewer:update', { materialId: null, page: 1, zoom: 2, pointer: null });
      expect(steer.ok ? null : steer.error.code).toBe('FORBIDDEN_ROLE');
    } finally {
      socket.close();
    }
  });

  it('the same link opened again on another phone is refused in Chinese, and the call keeps one applicant', async () => {
    const second = await newPhone();
    await second.goto(link);
    await expect.poll(() => second.getByRole('alert').first().textContent(), { timeout: 15_000 }).toContain('视频链接已被使用过');
    expect(await second.getByRole('alert').first().textContent()).toContain('请向窗口工作人员索取新的二维码');
    expect(await second.getByRole('button', { name: '看得到，下一步' }).count()).toBe(0);
    expect(await reviewerPage.locator('[data-source="camera"][data-peer-role="applicant"]').count()).toBe(1);
  });

  it('a reload of the phone rejoins with the key it kept (the link itself stays used)', async () => {
    await phone.reload();
    await joinOnPhone(phone);
    expect((await mediaFlowing(phone, 4, 30_000)).remoteTracks).toBe(4);
    await tileDecodes(phone, 'reviewer');
    // The reviewer ends up with one applicant tile (the old peer left), decoding the new stream.
    await expect
      .poll(() => reviewerPage.locator('[data-source="camera"][data-peer-role="applicant"]').count(), { timeout: 15_000 })
      .toBe(1);
    await tileDecodes(reviewerPage, 'applicant');
  });
  it('the phone asks the applicant for consent itself; the answer is recorded as theirs and the reviewer sees it', async () => {
    const now = phone.getByTestId('phone-now');
    await expect.poll(() => now.textContent(), { timeout: 15_000 }).toContain('您同意吗');
    await phone.getByRole('button', { name: /^(只)?同意截图$/ }).click();
    const reviewer = await ApiClient.login(cb.url, 'reviewer');
    await expect
      .poll(async () => (await reviewer.get(`/api/review/sessions/${sessionId}`)).body.consent?.recordedBy, { timeout: 10_000 })
      .toBe('申请人 张三（本人手机确认）');
    await reviewerPage.getByTestId('consent-recorded').waitFor({ timeout: 10_000 });
    // The next thing to do: show the ID card, with the back camera one tap away.
    await expect.poll(() => now.textContent()).toContain('请把身份证有照片的一面对准摄像头');
  });

  it('the reviewer’s liveness prompt stays in view on the phone, scrolled or not', async () => {
    const reviewer = await ApiClient.login(cb.url, 'reviewer');
    const prompt = (await reviewer.post(`/api/review/sessions/${sessionId}/liveness`)).body as { textZh: string };
    const shown = phone.getByTestId('phone-prompt');
    await expect.poll(() => shown.textContent(), { timeout: 10_000 }).toBe(`请照着做：${prompt.textZh}`);
    expect(await nowInView(phone)).toBe(true);
    await phone.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    expect(await nowInView(phone)).toBe(true);
    expect(await seriousViolations(phone)).toEqual([]);
  });

  it('the applicant switches to the back camera to show the card; the reviewer keeps seeing them', async () => {
    await phone.getByRole('button', { name: '换成后面的摄像头（拍证件）' }).click();
    await phone.getByRole('button', { name: '换成前面的摄像头' }).waitFor({ timeout: 10_000 });
    expect(await phone.getByRole('alert').count()).toBe(0);
    await tileDecodes(reviewerPage, 'applicant');
  });

  it('after the decision the phone shows the result and what to do next, in place of the call', async () => {
    const reviewer = await ApiClient.login(cb.url, 'reviewer');
    const decided = await reviewer.post(`/api/review/sessions/${sessionId}/decision`, {
      outcome: 'request_correction',
      items: [{ slotCode: 'ID_CARD_BACK', reason: '身份证背面反光，有效期看不清' }],
    });
    expect(decided.status).toBe(200);
    const outcome = phone.getByTestId('phone-outcome');
    await outcome.waitFor({ timeout: 15_000 });
    const text = await outcome.innerText();
    expect(text).toContain('还需要补正材料');
    expect(text).toContain('身份证背面反光，有效期看不清');
    expect(text).toContain('下一步');
    expect(await phone.getByTestId('phone-now').count()).toBe(0);
    await expect.poll(() => phone.evaluate(() => window.tongbanCall === undefined)).toBe(true);
    // A reload keeps the result rather than a dead call.
    await phone.reload();
    await phone.getByTestId('phone-outcome').waitFor();
    for (const large of ['on', undefined]) {
      if ((await phone.evaluate(() => document.documentElement.dataset.largeText)) !== large)
        await phone.getByRole('button', { name: large ? '大字' : '标准字' }).click();
      expect(await seriousViolations(phone), `large text ${large ?? 'off'}`).toEqual([]);
    }
  });

  it('a link cut short says in plain words that it is invalid and what to do', async () => {
    const p = await newPhone();
    await p.goto(`${cb.url}/join/abc`);
    const alert = p.getByRole('alert').first();
    await expect.poll(() => alert.textContent(), { timeout: 10_000 }).toContain('视频链接无效');
    expect(await alert.textContent()).toContain('请向窗口工作人员索取新的二维码');
    expect(await p.locator('main').innerText()).not.toContain('请求内容不符合要求');
  });
});
