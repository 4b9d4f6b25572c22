import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { CaseDetailResponse } from '@tongban/shared';
import { certifiedCopyPath } from '@tongban/shared/cases/originalCheck';
import { startAppBrowser, type AppBrowser, type AppPage } from '../support/appBrowser';
import { seriousViolations } from '../support/axe';
import { startCallBrowser, type CallBrowser } from '../support/callBrowser';
import { joinClerkAndReviewer } from '../support/callPage';
import { createCase, ITEM_HN, uploadMissingScans } from '../support/caseFixtures';
import { expectReadable } from '../support/readable';
import { createPrecheckedCase, openActiveSession } from '../support/reviewFixtures';
import { ApiClient } from '../support/testServer';

/**
 * 已核验原件 on the case page: the clerk records the check on a scan (choosing how), everyone who
 * sees the scan gets the badge with who and when, the clerk prints the certified copy and can
 * withdraw a mark recorded by mistake; axe-clean in normal and large-text mode. In the call, the
 * clerk records it on the material on view and the reviewer's desk shows the badge at once.
 */
describe('已核验原件 on the case page', () => {
  let app: AppBrowser;
  let clerk: AppPage;
  let caseId = '';
  let fileName = '';
  let materialId = '';

  beforeAll(async () => {
    app = await startAppBrowser({ ocr: 'printed-text' });
    const clerkApi = await ApiClient.login(app.url, 'clerk');
    caseId = (await createCase(clerkApi, ITEM_HN)).id;
    await uploadMissingScans(clerkApi, caseId);
    const first = ((await clerkApi.get(`/api/cases/${caseId}`)).body as CaseDetailResponse).materials[0]!;
    ({ fileName, id: materialId } = first);
    clerk = await app.newPage();
    await app.login(clerk, 'clerk');
  });
  afterAll(async () => {
    await app?.close();
  });

  const materials = async (page: Page) => {
    await page.goto(`${app.url}/cases/${caseId}`);
    const toggle = page.getByRole('button', { name: /^申请材料/ });
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    return page.locator('.slot-files li').filter({ hasText: fileName });
  };

  it('the clerk records how the scan was checked; the badge names who and when, and the certified copy prints', async () => {
    const { page } = clerk;
    const row = await materials(page);
    await row.getByRole('button', { name: `已核验原件：${fileName}` }).click();
    const dialog = page.getByRole('dialog', { name: `登记已核验原件：${fileName}` });
    expect(await dialog.getByRole('radio', { name: '窗口纸质原件' }).isChecked()).toBe(true);
    await dialog.getByRole('radio', { name: '视频文件摄像头' }).check();
    await dialog.getByLabel('备注（选填）').fill('申请人现场出示原件');
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: '确认登记' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const badge = row.getByTestId('original-check-badge');
    await badge.waitFor();
    const text = await badge.innerText();
    expect(text).toContain('已核验原件');
    expect(text).toContain('李窗口');
    expect(text).toContain('视频文件摄像头');
    expect(text).toMatch(/\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}/);
    expectReadable(await page.locator('main').innerText(), 'the case page with a checked scan');

    const print = row.getByRole('link', { name: '打印核验件' });
    expect(await print.getAttribute('href')).toBe(certifiedCopyPath(caseId, materialId));
    const pdf = await page.request.get(`${app.url}${certifiedCopyPath(caseId, materialId)}`);
    expect([pdf.status(), pdf.headers()['content-type']]).toEqual([200, 'application/pdf']);
    expect(clerk.errors).toEqual([]);
  });

  it('the reviewer sees the badge, without the control', async () => {
    const reviewer = await app.newPage();
    await app.login(reviewer, 'reviewer');
    const row = await materials(reviewer.page);
    await row.getByTestId('original-check-badge').filter({ hasText: '李窗口' }).waitFor();
    expect(await row.getByRole('button', { name: /已核验原件|撤销核验/ }).count()).toBe(0);
    expect(reviewer.errors).toEqual([]);
  });

  it('in large-text mode it stays axe-clean; a mark recorded by mistake is withdrawn with a reason', async () => {
    const { page } = clerk;
    await page.getByRole('button', { name: '大字模式' }).click();
    const row = await materials(page);
    await row.getByTestId('original-check-badge').waitFor();
    await page.waitForLoadState('networkidle');
    expect(await seriousViolations(page)).toEqual([]);

    await row.getByRole('button', { name: '撤销核验' }).click();
    const dialog = page.getByRole('dialog', { name: `撤销核验标记：${fileName}` });
    const confirm = dialog.getByRole('button', { name: '确认撤销' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('撤销原因（必填）').fill('误点，原件尚未核对');
    await confirm.click();
    await dialog.waitFor({ state: 'hidden' });
    await row.getByRole('button', { name: `已核验原件：${fileName}` }).waitFor();
    expect(await row.getByTestId('original-check-badge').count()).toBe(0);
    await page.getByRole('button', { name: '大字模式' }).click();
    expect(clerk.errors).toEqual([]);
  });
});

describe('已核验原件 in the video call', () => {
  let cb: CallBrowser;
  let clerkPage: Page;
  let reviewerPage: Page;
  let fileName = '';

  beforeAll(async () => {
    cb = await startCallBrowser({ rtcMinPort: 46000, env: { OCR_WORKERS: 1 } });
    const clerk = await ApiClient.login(cb.url, 'clerk');
    const { id } = await createPrecheckedCase(clerk);
    fileName = ((await clerk.get(`/api/cases/${id}`)).body as CaseDetailResponse).materials[0]!.fileName;
    const sessionId = await openActiveSession(clerk, await ApiClient.login(cb.url, 'reviewer'), id);
    clerkPage = await cb.newPage();
    reviewerPage = await cb.newPage();
    await joinClerkAndReviewer(cb, sessionId, { clerk: clerkPage, reviewer: reviewerPage });
  }, 300_000);
  afterAll(async () => {
    await cb?.close();
  });

  it('the clerk checks the material on view against the original under the document camera; the reviewer sees the badge live', async () => {
    const tools = clerkPage.locator('.viewer-original-check');
    await tools.getByRole('button', { name: `已核验原件：${fileName}` }).click();
    const dialog = clerkPage.getByRole('dialog', { name: `登记已核验原件：${fileName}` });
    // In the call the original is shown under the document camera: that is the way preselected.
    expect(await dialog.getByRole('radio', { name: '视频文件摄像头' }).isChecked()).toBe(true);
    await dialog.getByRole('button', { name: '确认登记' }).click();
    await tools.getByTestId('original-check-badge').filter({ hasText: '李窗口' }).waitFor();

    const badge = reviewerPage.locator('.viewer-original-check').getByTestId('original-check-badge');
    await badge.filter({ hasText: '视频文件摄像头' }).waitFor({ timeout: 10_000 });
    expect(await badge.innerText()).toContain('李窗口');
    expect(await reviewerPage.locator('.viewer-original-check').getByRole('button').count()).toBe(0);
  });
});
