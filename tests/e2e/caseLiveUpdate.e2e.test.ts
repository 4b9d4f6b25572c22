import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderIdCardFront } from '@tongban/server/demo/scanRenderer';
import { startAppBrowser, type AppBrowser, type AppPage } from '../support/appBrowser';
import { createCase, ITEM_HN, upload } from '../support/caseFixtures';
import { freePort } from '../support/freePort';
import { acceptedCase } from '../support/handoffCase';
import { CARD_PERSON } from '../support/precheckFixtures';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';

/**
 * The clerk's case page stays open at the Guangdong intake site (gd) while everything after the
 * handoff happens elsewhere: the online transfer's receipt, the Hunan handling site (hn) sending
 * its result back, the applicant rating on their phone. The page follows each change live —
 * state badge, handoff panel, a polite notice — without being reloaded. Likewise the handling
 * office's reviewer, with a draft open, sees the clerk's new scan and its pre-check result arrive.
 */
describe('live case updates on the open case page', () => {
  let gd: AppBrowser;
  let hn: TestServer;
  let clerk: AppPage;

  beforeAll(async () => {
    const [pg, ph] = [await freePort(), await freePort()];
    gd = await startAppBrowser({
      server: { SITE_ID: 'gd', PORT: pg, OCR_WORKERS: 1, PEER_SITES: [{ id: 'hn', url: `http://127.0.0.1:${ph}` }] },
    });
    hn = await startTestServer({ SITE_ID: 'hn', PORT: ph, PEER_SITES: [{ id: 'gd', url: `http://127.0.0.1:${pg}` }] });
    hn.ctx.handoff.keys.trust(gd.server.ctx.handoff.keys.exportLine());
    gd.server.ctx.handoff.keys.trust(hn.ctx.handoff.keys.exportLine());
    clerk = await gd.newPage();
    await gd.login(clerk, 'clerk');
  });

  afterAll(async () => {
    await gd?.close();
    await hn?.stop();
  });

  it('shows the receipt, 已办结 from the handling site and the phone rating without a reload', async () => {
    const { caseId, clerk: clerkApi } = await acceptedCase(gd.server);
    const { page } = clerk;
    await page.goto(`${gd.url}/cases/${encodeURIComponent(caseId)}`);
    await page.getByText('转递与办结').first().waitFor();
    const badge = page.locator('.page-header .badge');
    const notice = page.getByRole('status').filter({ hasText: /^办件已更新：/ });
    expect(await badge.innerText()).toBe('已受理');
    // The page's socket is in the intake office's room before anything happens elsewhere.
    await expect.poll(async () => (await gd.server.app.io.in('office:gd-sg-window').fetchSockets()).length).toBeGreaterThan(0);
    // A full reload would drop this.
    await page.evaluate(() => Object.assign(window, { stillTheSamePage: true }));

    // The same clerk transfers from another device (the API); hn's signed receipt moves the case to 办理中.
    expect((await clerkApi.post(`/api/cases/${caseId}/handoff/transfer`)).status).toBe(200);
    await expect.poll(() => badge.innerText()).toBe('办理中');
    await page.getByText(/^湖南省站点已签收，/).waitFor();
    await notice.filter({ hasText: '办件已更新：办理中' }).waitFor();

    // The handling site decides and sends the result back across sites.
    const reviewer = await ApiClient.login(hn.url, 'reviewer');
    const result = await reviewer.post(`/api/cases/${caseId}/handoff/result`, {
      outcome: 'approved',
      summary: '准予转移',
      delivery: 'mail',
      courierCompany: '中国邮政EMS',
      waybillNo: 'EMS98765432',
    });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    await expect.poll(() => badge.innerText()).toBe('已办结');
    await notice.filter({ hasText: '办件已更新：已办结' }).waitFor();
    await page.getByText('已办结：准予办理').waitFor();
    await page.getByText('纸质结果已由 中国邮政EMS 寄出，运单号 EMS98765432。').waitFor();

    // The applicant rates on their phone.
    const link = await clerkApi.post(`/api/cases/${caseId}/rating-link`);
    expect(link.status).toBe(200);
    expect((await new ApiClient(gd.url).post(`/api/ratings/${link.body.token}`, { level: 5 })).status).toBe(200);
    await expect.poll(() => badge.innerText()).toBe('已评价');
    await notice.filter({ hasText: '办件已更新：已评价' }).waitFor();
    await page.getByText('申请人评价: 非常满意').waitFor();

    expect(await page.evaluate(() => (window as unknown as { stillTheSamePage?: boolean }).stillTheSamePage)).toBe(true);
    expect(clerk.errors).toEqual([]);
  });

  it('shows the reviewer a scan the clerk uploads, and its pre-check result, without a reload', async () => {
    const clerkApi = await ApiClient.login(gd.url, 'clerk');
    const c = await createCase(clerkApi, ITEM_HN, { name: CARD_PERSON.name, idNumber: CARD_PERSON.idNumber, phone: '13800138000' });
    const reviewer = await gd.newPage();
    await gd.login(reviewer, 'reviewer');
    const { page } = reviewer;
    await page.goto(`${gd.url}/cases/${encodeURIComponent(c.id)}`);
    await page.getByRole('button', { name: /^申请材料/ }).click();
    await page.getByText('尚未收取任何材料').waitFor();
    const panel = page.locator('section.precheck-panel');
    await panel.waitFor();
    const notice = page.getByRole('status').filter({ hasText: /^(申请材料|预审结果)已更新$/ });
    await expect.poll(async () => (await gd.server.app.io.in('office:hn-cs-office').fetchSockets()).length).toBeGreaterThan(0);
    await page.evaluate(() => Object.assign(window, { stillTheSamePage: true }));

    const up = await upload(clerkApi, c.id, 'ID_CARD_FRONT', await renderIdCardFront(CARD_PERSON), 'id-front.png');
    expect(up.status).toBe(201);
    await page.locator('.thumbs').getByText('id-front.png').waitFor();
    await notice.filter({ hasText: '申请材料已更新' }).waitFor();
    // Pre-check progress goes to the intake window only: the reviewer's panel follows the stored result.
    const thumb = panel.locator('.precheck-thumb').filter({ hasText: '人像面' });
    await thumb.getByText(/^(通过|需注意)$/).waitFor({ timeout: 60_000 });
    await notice.filter({ hasText: '预审结果已更新' }).waitFor();

    expect(await page.evaluate(() => (window as unknown as { stillTheSamePage?: boolean }).stillTheSamePage)).toBe(true);
    expect(reviewer.errors).toEqual([]);
  });
});
