import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderIdCardFront } from '@tongban/server/demo/scanRenderer';
import { startAppBrowser, type AppBrowser, type AppPage } from '../support/appBrowser';
import { ApiClient } from '../support/testServer';
import { createCase, ITEM_HN, uploadMissingScans } from '../support/caseFixtures';
import { CARD_PERSON, wrongCheck } from '../support/precheckFixtures';

/**
 * 智能预审 in the browser with real OCR: the clerk uploads an ID card whose number fails its check
 * digit, sees the block and the boxes over the page, overrides it with a reason and completes the
 * pre-check.
 */
describe('pre-check in the browser', () => {
  let app: AppBrowser;
  let clerk: AppPage;
  let api: ApiClient;
  let caseId: string;

  beforeAll(async () => {
    app = await startAppBrowser({ server: { OCR_WORKERS: 1 } });
    api = await ApiClient.login(app.url, 'clerk');
    caseId = (await createCase(api, ITEM_HN, { name: CARD_PERSON.name, idNumber: CARD_PERSON.idNumber, phone: '13800138000' })).id;
    clerk = await app.newPage();
    await app.login(clerk, 'clerk');
  });

  afterAll(async () => {
    await app?.close();
  });

  it('shows a block with its boxes for a wrong check digit, takes an override with a reason, and completes', async () => {
    const { page } = clerk;
    await page.goto(`${app.url}/cases/${caseId}`);
    // 完成预审 is the next step of a draft: its section, the pre-check, is open; the scans' section opens on demand.
    const panel = page.locator('section.precheck-panel');
    await panel.waitFor();
    await page.getByRole('button', { name: /^申请材料/ }).click();

    const front = page.locator('li.slot[data-slot="ID_CARD_FRONT"]');
    const bad = await renderIdCardFront({ ...CARD_PERSON, idNumber: wrongCheck(CARD_PERSON.idNumber) });
    await front.locator('input[type=file]').setInputFiles({ name: 'id-front.png', mimeType: 'image/png', buffer: bad });
    await front.getByText('id-front.png').waitFor();
    // The other required scans arrive through the API meanwhile (they are fine).
    await uploadMissingScans(api, caseId);

    const thumb = panel.locator('.precheck-thumb').filter({ hasText: '人像面' });
    await thumb.locator('.badge-block').filter({ hasText: '不通过' }).waitFor({ timeout: 120_000 });
    await thumb.click();
    const findings = panel.getByRole('list', { name: '预审问题' });
    await findings.getByText(/身份证号码校验位错误/).waitFor();
    // Boxes over the page: blue for the fields read, red for the words the block is about.
    const svg = panel.locator('figure.precheck-page svg');
    await svg.locator('rect.box-finding.box-block').first().waitFor();
    expect(await svg.locator('rect.box-field').count()).toBeGreaterThan(3);
    expect(await panel.getByRole('img', { name: /id-front\.png 第 1 页/ }).count()).toBe(1);

    // Each unresolved block (the check digit, and the number not being the applicant's) needs a reason.
    const openBlocks = findings.locator('li').filter({ has: page.locator('.badge-block') });
    while ((await openBlocks.count()) > 0) {
      const before = await openBlocks.count();
      const item = openBlocks.first();
      await item.getByLabel('忽略原因（必填）').fill('原件号码经人工核对无误，扫描件印刷有瑕疵');
      await item.getByRole('button', { name: '说明原因并忽略' }).click();
      await expect.poll(() => openBlocks.count()).toBeLessThan(before);
    }
    await findings.getByText('忽略原因：原件号码经人工核对无误，扫描件印刷有瑕疵').first().waitFor();
    await panel.getByText(/所有必需材料已收齐/).waitFor({ timeout: 120_000 });

    // One 完成预审 on the page: the workspace's next-step button.
    expect(await page.getByRole('button', { name: '完成预审' }).count()).toBe(1);
    await page.getByTestId('next-action').getByRole('button', { name: '完成预审' }).click();
    await page.locator('.page-header .badge').filter({ hasText: '已预审' }).waitFor();
    const audit = (await api.get(`/api/cases/${caseId}/audit`)).body.events.map((e: { action: string }) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['precheck.finding_overridden', 'case.precheck']));
    expect(clerk.errors).toEqual([]);
  });

  it('replaces a blocking scan: the replacement is read, the block goes, the old scan stays on record only', async () => {
    const { page } = clerk;
    const person = { name: CARD_PERSON.name, idNumber: CARD_PERSON.idNumber, phone: '13800138000' };
    const id = (await createCase(api, ITEM_HN, person)).id;
    await page.goto(`${app.url}/cases/${id}`);
    const panel = page.locator('section.precheck-panel');
    await panel.waitFor();
    await page.getByRole('button', { name: /^申请材料/ }).click();
    const front = page.locator('li.slot[data-slot="ID_CARD_FRONT"]');
    const bad = await renderIdCardFront({ ...CARD_PERSON, idNumber: wrongCheck(CARD_PERSON.idNumber) });
    await front.locator('input[type=file]').setInputFiles({ name: 'wrong-card.png', mimeType: 'image/png', buffer: bad });
    await front.getByText('wrong-card.png').waitFor();
    const thumb = panel.locator('.precheck-thumb').filter({ hasText: '人像面' });
    await thumb.locator('.badge-block').waitFor({ timeout: 120_000 });

    const good = await renderIdCardFront(CARD_PERSON);
    await front.getByLabel(/替换“.*”的 wrong-card\.png/).setInputFiles({ name: 'card-rescanned.png', mimeType: 'image/png', buffer: good });
    await front.getByText('card-rescanned.png').waitFor();
    await expect.poll(() => front.locator('.slot-files li').count()).toBe(1);
    await front
      .locator('details.slot-history')
      .getByText(/wrong-card\.png/)
      .waitFor({ state: 'attached' });
    await expect.poll(() => thumb.locator('.badge-block').count(), { timeout: 120_000 }).toBe(0);
    const audit = (await api.get(`/api/cases/${id}/audit`)).body.events.map((e: { action: string }) => e.action);
    expect(audit).toContain('material.replaced');
    expect(clerk.errors).toEqual([]);
  });
});
