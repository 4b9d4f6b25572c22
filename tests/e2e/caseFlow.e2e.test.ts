import { createCanvas } from '@napi-rs/canvas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumberCheckChar, type ServiceItem } from '@tongban/shared';
import { DEMO_USERS } from '@tongban/server/seed/demoOffices';
import { startAppBrowser, type AppBrowser, type AppPage } from '../support/appBrowser';
import { expectReadable } from '../support/readable';
import { ApiClient } from '../support/testServer';

/** A scan-like PNG of an ID card's portrait side, drawn offline. */
function idCardPng(): Buffer {
  const c = createCanvas(1000, 630);
  const g = c.getContext('2d');
  g.fillStyle = '#dfeaf5';
  g.fillRect(0, 0, 1000, 630);
  g.fillStyle = '#1a2a3a';
  g.font = '40px sans-serif';
  g.fillText('姓名 王小明', 60, 120);
  g.fillText('公民身份号码 440203198503150018', 60, 540);
  return c.toBuffer('image/png');
}

const first17 = '44020319850315001';
const VALID_ID = first17 + idNumberCheckChar(first17);
const WRONG_ID = first17 + (idNumberCheckChar(first17) === '1' ? '2' : '1');

/**
 * The intake → queue path through the real UI: a clerk creates a case with the wizard and uploads
 * a scan, and the reviewer at the item's handling office finds it in their queue.
 */
describe('case flow in the browser', () => {
  let app: AppBrowser;
  let item: ServiceItem;
  let reviewer: string;
  let otherReviewer: string;
  let clerk: AppPage;
  let caseNo = '';

  beforeAll(async () => {
    app = await startAppBrowser();
    // An item handled where a demo reviewer works, applied for by a person (no business licence).
    const reviewers = DEMO_USERS.filter((u) => u.role === 'reviewer');
    item = app.server.ctx.catalog
      .listItems()
      .find((i) => reviewers.some((r) => r.officeId === i.handlingOfficeId) && !i.materials.some((m) => m.kind === 'business-licence'))!;
    reviewer = reviewers.find((r) => r.officeId === item.handlingOfficeId)!.username;
    otherReviewer = reviewers.find((r) => r.officeId !== item.handlingOfficeId)!.username;
    clerk = await app.newPage();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('clerk creates a case with the wizard, checking the ID number live', async () => {
    const { page } = clerk;
    await app.login(clerk, 'clerk');
    expect(new URL(page.url()).pathname).toBe('/desk');
    // Only the HttpOnly cookie says who is logged in: a browser that lost its site data but kept
    // the cookie still lands on the desk, not on the login page.
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.getByRole('link', { name: /新建办件/ }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/desk');

    await page.getByRole('link', { name: /新建办件/ }).click();
    await page.getByLabel('搜索事项').fill(item.name);
    await page.getByRole('button', { name: new RegExp(item.name) }).click();
    await page.getByRole('button', { name: /下一步/ }).click();

    await page.getByLabel('姓名').fill('王小明');
    await page.getByLabel('公民身份号码').fill(WRONG_ID);
    await expect.poll(() => page.getByText(/校验位不正确/).count()).toBe(1);
    await page.getByLabel('公民身份号码').fill(VALID_ID.toLowerCase());
    await page.getByText(/校验通过/).waitFor();
    expect(await page.getByText(/校验位不正确/).count()).toBe(0);
    await page.getByLabel('联系电话').fill('13800138000');
    await page.getByRole('button', { name: /创建办件/ }).click();

    await page.getByRole('heading', { name: '收取申请材料' }).waitFor();
    caseNo = (await page.locator('.page-subtitle').innerText()).replace(/^办件编号\s*/, '');
    expect(caseNo).toMatch(/^[A-Z]{2}-[A-Z]{2}-\d{8}-\d{4}$/);
  });

  it('uploads a PNG into the first slot, notices a duplicate and refuses a non-scan', async () => {
    const { page } = clerk;
    const slot = page.locator('li.slot').first();
    const scan = { name: 'id-front.png', mimeType: 'image/png', buffer: idCardPng() };
    await slot.locator('input[type=file]').setInputFiles(scan);
    await slot.getByText('id-front.png').waitFor();
    await slot.getByText('已收 1 份').waitFor();

    await slot.getByLabel(/^上传“/).setInputFiles(scan);
    await slot.getByText(/内容完全相同，未重复保存/).waitFor();
    expect(await slot.locator('.slot-files li').count()).toBe(1);

    const second = page.locator('li.slot').nth(1);
    await second
      .locator('input[type=file]')
      .setInputFiles({ name: 'setup.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ\x90\x00') });
    await second.getByText(/不是 JPEG、PNG 或 PDF 文件.*重新扫描/).waitFor();
    expect(await second.locator('.slot-files li').count()).toBe(0);

    await page.getByRole('button', { name: /完成收件/ }).click();
    await page.waitForURL(/\/cases\//);
    // The case page's sections open on demand.
    await page.getByRole('button', { name: /^申请材料/ }).click();
    await page.getByRole('img', { name: /id-front\.png/ }).waitFor();
    // The audit trail lists, in words, the creation and the one stored upload.
    await page.getByRole('button', { name: /^责任追溯记录/ }).click();
    const trail = page.getByRole('table', { name: '责任追溯记录' });
    await trail.getByText(/^收取材料“.+”：id-front\.png$/).waitFor();
    expect(await trail.getByText('收件登记，创建办件').count()).toBe(1);
    expectReadable(await page.locator('main').innerText(), 'the case page after intake');
  });

  it('shows the case in 我的办件 with its state and deadline', async () => {
    const { page } = clerk;
    await page.getByRole('link', { name: '我的办件' }).click();
    const row = page.getByRole('row', { name: new RegExp(caseNo) });
    await row.waitFor();
    expect(await row.innerText()).toContain('草稿');
    expect(await row.innerText()).toMatch(/剩余 \d+ 个工作日/);
    expectReadable(await page.locator('main').innerText(), '我的办件');
    expect(clerk.errors).toEqual([]);
  });

  it("the handling office's reviewer sees it in the queue; another office's reviewer does not", async () => {
    const rev = await app.newPage();
    await app.login(rev, reviewer);
    expect(new URL(rev.page.url()).pathname).toBe('/queue');
    const row = rev.page.getByRole('row', { name: new RegExp(caseNo) });
    await row.waitFor();
    expectReadable(await rev.page.locator('main').innerText(), 'the review queue');
    await row.getByRole('link', { name: caseNo }).click();
    await rev.page.getByRole('heading', { name: caseNo }).waitFor();
    await rev.page.getByRole('button', { name: /^申请材料/ }).click();
    await rev.page.getByRole('img', { name: /id-front\.png/ }).waitFor();
    expectReadable(await rev.page.locator('main').innerText(), 'the case page at the handling office');
    expect(rev.errors).toEqual([]);

    const other = await ApiClient.login(app.url, otherReviewer);
    const queue = await other.get('/api/cases?scope=queue');
    expect(queue.status).toBe(200);
    expect((queue.body.cases as Array<{ caseNo: string }>).map((c) => c.caseNo)).not.toContain(caseNo);
  });
});
