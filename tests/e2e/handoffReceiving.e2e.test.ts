import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppBrowser, type AppBrowser, type AppPage } from '../support/appBrowser';
import { seriousViolations } from '../support/axe';
import { fakeCameraArgs, qrCameraClipFromPdf } from '../support/fakeCamera';
import { acceptedCase } from '../support/handoffCase';
import { expectReadable } from '../support/readable';

/**
 * 收件签收 in the browser at 1280×720, on one site that hosts both offices: the clerk hands a case
 * off by courier and prints the cover sheet; at the handling office the reviewer finds it from the
 * navigation, is told about a wrong number next to the field, "scans" the cover sheet with a
 * barcode scanner (the QR text typed into the focused field, then Enter) and with the webcam (a
 * fake camera filming the printed sheet's QR), signs for the envelope with its waybill checked,
 * starts handling and records the result on the case page.
 */
describe('receiving a courier handoff at the handling office', () => {
  const viewport = { width: 1280, height: 720 };
  let app: AppBrowser;
  let clerk: AppPage;
  let reviewer: AppPage;
  let tmp: string;
  let caseId = '';
  let caseNo = '';
  let qrText = '';

  beforeAll(async () => {
    // The wrong case number and the wrong waybill are refused on purpose (404, 422).
    app = await startAppBrowser({ server: { OCR_WORKERS: 1 }, allowConsole: [/status of (404|422)/] });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'receiving-e2e-'));
    ({ caseId, caseNo } = await acceptedCase(app.server));
    clerk = await app.newPage({ viewport });
    await app.login(clerk, 'clerk');
  });

  afterAll(async () => {
    await app?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const main = ({ page }: AppPage) => page.locator('main').innerText();
  const codeField = ({ page }: AppPage) => page.getByLabel('交接单二维码或办件编号');
  const caseCard = ({ page }: AppPage) => page.getByRole('region', { name: `办件 ${caseNo}` });

  it('the window hands off by courier and prints the cover sheet, whose QR becomes the camera’s picture', async () => {
    const { page } = clerk;
    await page.goto(`${app.url}/cases/${encodeURIComponent(caseId)}`);
    await page.getByText('转递与办结').first().waitFor();
    await page.getByLabel('快递公司').selectOption('顺丰速运');
    await page.getByLabel('运单号').fill('SF1234567890');
    await page.getByRole('button', { name: '邮寄原件并转递' }).click();
    await expect.poll(() => page.locator('.page-header .badge').innerText()).toBe('已转递');
    await page.getByText('已寄出', { exact: true }).waitFor();

    const href = await page.getByRole('link', { name: '打印交接单' }).getAttribute('href');
    const pdf = await page.evaluate(async (u) => Array.from(new Uint8Array(await (await fetch(u)).arrayBuffer())), href!);
    const clip = path.join(tmp, 'cover-qr.y4m');
    qrText = await qrCameraClipFromPdf(Buffer.from(pdf), clip);
    expect(qrText).toContain(caseNo);
    reviewer = await app.newPage({ viewport, args: fakeCameraArgs(clip) });
    await app.login(reviewer, 'reviewer');
    expect(clerk.errors).toEqual([]);
  });

  it('the handling office opens 收件签收 from the navigation, in Chinese and in English', async () => {
    const { page } = reviewer;
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '收件签收' }).click();
    await page.getByRole('heading', { name: '收件签收', level: 1 }).waitFor();
    // A barcode scanner types into the focused field: the page starts there.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('code');

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Receiving', level: 1 }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Receiving' }).count()).toBe(1);
    await page.getByLabel('Cover sheet QR code or case number').waitFor();
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('heading', { name: '收件签收', level: 1 }).waitFor();
  });

  it('shows why a case number is not found next to the field', async () => {
    const { page } = reviewer;
    await codeField(reviewer).fill('GD-SG-20990101-0001');
    await page.keyboard.press('Enter');
    const error = page.locator('.field-error');
    await error.getByText('本站没有办件 GD-SG-20990101-0001，请核对交接单上的办件编号').waitFor();
    // The message belongs to the field (screen readers read it with the field).
    const described = await codeField(reviewer).getAttribute('aria-describedby');
    expect(described?.split(' ')).toContain(await error.getAttribute('id'));
    expect(await codeField(reviewer).getAttribute('aria-invalid')).toBe('true');
  });

  it('a barcode scanner types the QR text and Enter: the case, its bag and its envelope show', async () => {
    const { page } = reviewer;
    // The field kept focus with the last code selected, so the scan replaces it.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('code');
    await page.keyboard.type(qrText);
    await page.keyboard.press('Enter');
    const card = caseCard(reviewer);
    await card.getByText('交接单二维码与本站收到的转递包一致。').waitFor();
    expect(await page.locator('.field-error').count()).toBe(0);
    for (const text of [
      '企业职工基本养老保险关系转移接续',
      '韶关市政务服务中心跨省通办专窗',
      '顺丰速运 SF1234567890',
      '邮寄交接单及纸质原件',
      '已寄出',
    ]) {
      await card.getByText(text, { exact: false }).first().waitFor();
    }
    const certificate = card.getByRole('row', { name: /参保缴费凭证/ });
    expect(await certificate.getByRole('cell').nth(1).innerText()).toBe('随件邮寄');
    expectReadable(await main(reviewer), 'the receiving desk with the case found');
  });

  it('the webcam reads the printed cover sheet’s QR code in the page', async () => {
    const { page } = reviewer;
    await page.goto(`${app.url}/receiving`);
    await page.getByRole('button', { name: '用摄像头扫描' }).click();
    await caseCard(reviewer).getByText('交接单二维码与本站收到的转递包一致。').waitFor();
    expect(await codeField(reviewer).inputValue()).toBe(qrText);
    expect(new URL(page.url()).searchParams.get('code')).toBe(qrText);
    // The camera is released once the code is read.
    expect(await page.locator('.qr-camera video').count()).toBe(0);
  });

  it('签收 checks the waybill on the envelope; the page passes axe in both modes', async () => {
    const { page } = reviewer;
    const card = caseCard(reviewer);
    const waybill = card.getByLabel('核对运单号（扫描或输入信封上的运单号）');
    await waybill.fill('SF0000000000');
    await waybill.press('Enter');
    await card
      .locator('.field-error')
      .getByText(/运单号 SF0000000000 与收件窗口登记的 SF1234567890 不一致/)
      .waitFor();
    expect(await page.getByRole('button', { name: '开始办理' }).count()).toBe(0);

    expect(await seriousViolations(page), 'receiving desk, normal mode').toEqual([]);
    await page.getByRole('button', { name: '大字模式' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.largeText)).toBe('on');
    await card.getByRole('button', { name: '签收', exact: true }).waitFor();
    expect(await seriousViolations(page), 'receiving desk, large-text mode').toEqual([]);
    // Large text still fits the desk's screen: nothing runs off to the side.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    await waybill.fill('SF1234567890');
    await card.getByRole('button', { name: '签收', exact: true }).click();
    await card.getByText('已签收', { exact: true }).waitFor();
    await card.getByText(/王审核/).waitFor();
    expectReadable(await main(reviewer), 'the receiving desk after 签收');
  });

  it('开始办理 moves the case to 办理中, and the result form on the case page completes it', async () => {
    const { page } = reviewer;
    const card = caseCard(reviewer);
    await card.getByRole('button', { name: '开始办理' }).click();
    await card.getByText('办件已在办理中').waitFor();
    expect(app.server.ctx.cases.get(caseId).state).toBe('in_handling');
    expect(await seriousViolations(page), 'receiving desk in handling, large-text mode').toEqual([]);
    await page.getByRole('button', { name: '大字模式' }).click();

    await card.getByRole('link', { name: '填写办理结果' }).click();
    await page.waitForURL((u) => u.pathname === `/cases/${encodeURIComponent(caseId)}`);
    await page.getByRole('heading', { name: '办结', exact: true }).waitFor();
    expect(await page.locator('.page-header .badge').innerText()).toBe('办理中');
    await page.getByLabel('结果送达').selectOption('mail');
    await page.getByLabel('结果说明').fill('准予转移');
    await page.getByLabel('快递公司').selectOption('中国邮政EMS');
    await page.getByLabel('运单号').fill('EMS98765432');
    await page.getByRole('button', { name: '办结并送回收件地' }).click();
    await expect.poll(() => page.locator('.page-header .badge').innerText()).toBe('已办结');
    await page.getByText('已办结：准予办理').waitFor();

    // The case's changes from the handoff on (reads of its scans are audited too, and left out here).
    const events = app.server.ctx.ledger
      .forCase(caseId)
      .map((e) => e.action)
      .filter((a) => a.startsWith('case.') || a.startsWith('handoff.envelope'));
    expect(events.slice(events.indexOf('case.hand_off'))).toEqual([
      'case.hand_off',
      'handoff.envelope_received',
      'case.start_handling',
      'case.complete',
    ]);

    // The window sees the envelope signed for.
    await clerk.page.reload();
    await clerk.page.getByText('已签收', { exact: true }).waitFor();
    expectReadable(await main(clerk), 'the case page at the window after 签收');
    expect(clerk.errors).toEqual([]);
    expect(reviewer.errors).toEqual([]);
  });
});
