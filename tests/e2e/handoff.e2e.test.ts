import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppBrowser, type AppBrowser, type AppPage } from '../support/appBrowser';
import { freePort } from '../support/freePort';
import { acceptedCase } from '../support/handoffCase';
import { expectReadable } from '../support/readable';

/**
 * The handoff panel in the browser, between two real deployments — Guangdong intake site (gd)
 * and Hunan handling site (hn), each with its own server, database and trusted signing key:
 * the clerk hands one case off by courier and another online; the reviewer at hn finds the
 * imported case, records a mailed paper result, and the clerk at gd sees it completed and
 * records the applicant's rating.
 */
describe('handoff panel in the browser', () => {
  let gd: AppBrowser;
  let hn: AppBrowser;
  let clerk: AppPage;
  let reviewer: AppPage;

  beforeAll(async () => {
    const [pg, ph] = [await freePort(), await freePort()];
    gd = await startAppBrowser({
      server: { SITE_ID: 'gd', PORT: pg, OCR_WORKERS: 1, PEER_SITES: [{ id: 'hn', url: `http://127.0.0.1:${ph}` }] },
    });
    hn = await startAppBrowser({ server: { SITE_ID: 'hn', PORT: ph, PEER_SITES: [{ id: 'gd', url: `http://127.0.0.1:${pg}` }] } });
    // Key exchange as administrators do it: each site trusts the other's exported key line.
    hn.server.ctx.handoff.keys.trust(gd.server.ctx.handoff.keys.exportLine());
    gd.server.ctx.handoff.keys.trust(hn.server.ctx.handoff.keys.exportLine());
    clerk = await gd.newPage();
    reviewer = await hn.newPage();
    await gd.login(clerk, 'clerk');
    await hn.login(reviewer, 'reviewer');
  });

  afterAll(async () => {
    await gd?.close();
    await hn?.close();
  });

  /** Opens a case's detail page and waits for the handoff panel. */
  async function openCase({ page }: AppPage, site: AppBrowser, caseId: string) {
    await page.goto(`${site.url}/cases/${encodeURIComponent(caseId)}`);
    await page.getByText('转递与办结').first().waitFor();
  }

  const badge = ({ page }: AppPage) => page.locator('.page-header .badge');
  const mainText = ({ page }: AppPage) => page.locator('main').innerText();

  it('courier: the clerk hands off with courier and waybill, the badge shows 已转递 and the cover sheet is a PDF', async () => {
    const { caseId } = await acceptedCase(gd.server);
    const { page } = clerk;
    await openCase(clerk, gd, caseId);
    expect(await badge(clerk).innerText()).toBe('已受理');

    const send = page.getByRole('button', { name: '邮寄原件并转递' });
    expect(await send.isDisabled()).toBe(true);
    await page.getByLabel('快递公司').selectOption('顺丰速运');
    // The browser itself refuses a malformed waybill (the field's pattern must compile).
    const waybill = page.getByLabel('运单号');
    await waybill.fill('SF 12!');
    expect(await waybill.evaluate((e) => (e as HTMLInputElement).validity.patternMismatch)).toBe(true);
    await waybill.fill('SF1234567890');
    expect(await waybill.evaluate((e) => (e as HTMLInputElement).validity.valid)).toBe(true);
    await send.click();

    await expect.poll(() => badge(clerk).innerText()).toBe('已转递');
    await page.getByText('邮寄：顺丰速运 SF1234567890').waitFor();
    expect(await page.getByRole('button', { name: '邮寄原件并转递' }).count()).toBe(0);
    expectReadable(await mainText(clerk), 'the case page after a courier handoff');

    const href = await page.getByRole('link', { name: '打印交接单' }).getAttribute('href');
    const cover = await page.evaluate(async (u) => {
      const r = await fetch(u);
      const b = new Uint8Array(await r.arrayBuffer());
      return { status: r.status, type: r.headers.get('content-type'), head: String.fromCharCode(...b.slice(0, 5)), size: b.length };
    }, href!);
    expect(cover).toMatchObject({ status: 200, head: '%PDF-' });
    expect(cover.type).toMatch(/application\/pdf/);
    expect(cover.size).toBeGreaterThan(1000);
    expect(gd.server.ctx.cases.get(caseId).state).toBe('handed_off');
    expect(clerk.errors).toEqual([]);
  });

  let caseId = '';
  let caseNo = '';

  it('online: the clerk transfers, the panel shows the receipt and the reviewer at hn finds the case in the queue', async () => {
    ({ caseId, caseNo } = await acceptedCase(gd.server));
    const { page } = clerk;
    await openCase(clerk, gd, caseId);
    await page.getByRole('button', { name: '网上转递到办理地' }).click();

    await page.getByText(/^湖南省站点已签收，/).waitFor();
    expect(await page.getByText('对方回执').count()).toBe(1);
    expect(await page.getByText('网上转递', { exact: true }).count()).toBe(1);
    await expect.poll(() => badge(clerk).innerText()).toBe('办理中');
    expectReadable(await mainText(clerk), 'the case page with the transfer receipt');
    expect(hn.server.ctx.cases.findByCaseNo(caseNo)).toMatchObject({ id: caseId, sourceSite: 'gd', state: 'in_handling' });

    const r = reviewer.page;
    await r.goto(`${hn.url}/queue`);
    await r.getByRole('link', { name: caseNo }).click();
    await r.waitForURL((u) => u.pathname === `/cases/${encodeURIComponent(caseId)}`);
    await r.getByRole('heading', { name: '办结', exact: true }).waitFor();
    expect(await badge(reviewer).innerText()).toBe('办理中');
    // The co-review ran at gd: its record travelled in the bag and shows at hn, not at the window.
    const record = r.getByRole('region', { name: '转递材料包中的视频会审记录' });
    await record.getByText('审查结论：受理').waitFor();
    expect(await record.getByText('通过', { exact: true }).count()).toBe(5);
    expect(await page.getByRole('region', { name: '转递材料包中的视频会审记录' }).count()).toBe(0);
    expectReadable(await mainText(reviewer), 'the received case at the handling site');
    expect(clerk.errors).toEqual([]);
    expect(reviewer.errors).toEqual([]);
  });

  it('result: the reviewer mails the paper result, the clerk sees 已办结 and records 满意 on the rating pad', async () => {
    const r = reviewer.page;
    await r.getByLabel('结果送达').selectOption('mail');
    await r.getByLabel('结果说明').fill('准予转移');
    await r.getByLabel('快递公司').selectOption('中国邮政EMS');
    await r.getByLabel('运单号').fill('EMS98765432');
    await r.getByRole('button', { name: '办结并送回收件地' }).click();
    await expect.poll(() => badge(reviewer).innerText()).toBe('已办结');
    await r.getByText('已办结：准予办理').waitFor();
    expectReadable(await mainText(reviewer), 'the completed case at the handling site');

    const { page } = clerk;
    // The intake page learns of the result when it is loaded again.
    await page.reload();
    await page.getByText('已办结：准予办理').waitFor();
    expect(await badge(clerk).innerText()).toBe('已办结');
    await page.getByText('纸质结果已由 中国邮政EMS 寄出，运单号 EMS98765432。').waitFor();

    const submit = page.getByRole('button', { name: '提交评价' });
    expect(await submit.isDisabled()).toBe(true);
    await page.getByRole('radio', { name: '满意', exact: true }).click();
    expect(await page.getByRole('radio', { name: '满意', exact: true }).getAttribute('aria-checked')).toBe('true');
    await submit.click();

    await page.getByText('申请人评价: 满意').waitFor();
    await expect.poll(() => badge(clerk).innerText()).toBe('已评价');
    expectReadable(await mainText(clerk), 'the rated case at the intake window');
    expect(await page.getByRole('button', { name: '提交评价' }).count()).toBe(0);
    expect(gd.server.ctx.cases.get(caseId).state).toBe('rated');
    expect(clerk.errors).toEqual([]);
    expect(reviewer.errors).toEqual([]);
  });
});
