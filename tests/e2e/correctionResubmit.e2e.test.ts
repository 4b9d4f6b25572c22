import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { CaseDetailResponse } from '@tongban/shared';
import { renderDemoScan } from '@tongban/server/cases/demo/demoScans';
import { ApiClient } from '../support/testServer';
import { startCallBrowser, type CallBrowser } from '../support/callBrowser';
import { createPrecheckedCase, decideByReview, openActiveSession } from '../support/reviewFixtures';
import { APPLICANT, cardHolder } from '../support/caseFixtures';
import { joinCall } from '../support/callPage';

/**
 * Issue 13, item 3 in two browsers: after 补正 the clerk's case page lists what the notice asked
 * for, the clerk rescans the listed material, marks the corrections received and pre-checks again;
 * in the second co-review the reviewer sees the replaced scan beside the new one.
 */
let cb: CallBrowser;
let clerk: ApiClient;
let reviewer: ApiClient;
beforeAll(async () => {
  cb = await startCallBrowser({ rtcMinPort: 47800, env: { OCR_WORKERS: 1 } });
  clerk = await ApiClient.login(cb.url, 'clerk');
  reviewer = await ApiClient.login(cb.url, 'reviewer');
});
afterAll(async () => {
  await cb?.close();
});

describe('补正 round trip in the browser', () => {
  let caseId: string;
  let listed: CaseDetailResponse['item']['materials'][number];
  let clerkPage: Page;

  it('the clerk sees the listed material as 待补正, rescans it, and it shows as received', async () => {
    caseId = (await createPrecheckedCase(clerk)).id;
    const before = (await clerk.get(`/api/cases/${caseId}`)).body as CaseDetailResponse;
    listed = before.item.materials[0]!;
    await decideByReview(clerk, reviewer, caseId, {
      outcome: 'request_correction',
      items: [{ slotCode: listed.code, reason: '复印件不清晰，请重新提供' }],
    });

    clerkPage = await cb.newPage();
    await cb.login(clerkPage, 'clerk');
    await clerkPage.goto(`${cb.url}/cases/${caseId}`);
    const item = clerkPage.getByTestId('correction-notice-item');
    await item.getByText('待补正').waitFor();
    expect(await item.textContent()).toContain(listed.name);

    const scan = await renderDemoScan(listed, {
      item: before.item,
      applicant: cardHolder(APPLICANT),
      today: new Date().toISOString().slice(0, 10),
    });
    const rescanned = await sharp(scan.bytes).jpeg({ quality: 83 }).toBuffer();
    // 待补正 opens the materials section, where the rescans go.
    const slot = clerkPage.locator(`li.slot[data-slot="${listed.code}"]`);
    await slot
      .getByLabel(/^替换“/)
      .first()
      .setInputFiles({ name: 'rescanned.jpg', mimeType: 'image/jpeg', buffer: rescanned });
    await slot.getByText('rescanned.jpg').waitFor();
    await item.getByText('已收到补正材料').waitFor();
  });

  it('marks the corrections received, pre-checks again, and the reviewer sees old and new side by side', async () => {
    await clerkPage.getByTestId('next-action').getByRole('button', { name: '补正材料已收，重新预审' }).click();
    await clerkPage.locator('.page-header .badge').filter({ hasText: '草稿' }).waitFor();
    const complete = clerkPage.getByTestId('next-action').getByRole('button', { name: '完成预审' });
    await clerkPage
      .locator('section.precheck-panel')
      .getByText(/所有必需材料已收齐/)
      .waitFor({ timeout: 120_000 });
    await complete.click();
    await clerkPage.locator('.page-header .badge').filter({ hasText: '已预审' }).waitFor();

    const sessionId = await openActiveSession(clerk, reviewer, caseId);
    const reviewerPage = await cb.newPage();
    await cb.login(reviewerPage, 'reviewer');
    await joinCall(reviewerPage, cb.url, sessionId);
    const round = reviewerPage.getByTestId('correction-round-item');
    await round.waitFor();
    expect(await round.getByRole('heading').textContent()).toContain(listed.name);
    // One image before, one after, both loaded from the server.
    const images = round.locator('img');
    await expect.poll(() => images.evaluateAll((els) => els.map((e) => (e as HTMLImageElement).naturalWidth > 0))).toEqual([true, true]);
    const audit = (await clerk.get(`/api/cases/${caseId}/audit`)).body.events.map((e: { action: string }) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['case.request_correction', 'material.replaced', 'case.resubmit']));
  });
});
