import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppBrowser, type AppBrowser } from '../support/appBrowser';
import { APPLICANT, createCase } from '../support/caseFixtures';
import { expectReadable } from '../support/readable';
import { ApiClient } from '../support/testServer';

/**
 * The applicant's status page from the receipt's QR code, and the receipt button on the case page.
 * The case is put in `accepted` with its code straight in the store: the way there (pre-check,
 * co-review, 受理) is tests/integration/caseReceipt.test.ts's; here the pages are under test.
 */
describe('the status page and the receipt button', () => {
  let app: AppBrowser;
  let caseId: string;
  const code = 'K7M2Q9XR4T';

  beforeAll(async () => {
    app = await startAppBrowser({ allowConsole: [/status 404|404 \(Not Found\)/] });
    const clerk = await ApiClient.login(app.url, 'clerk');
    caseId = (await createCase(clerk, 'TB-YLBX-ZY', APPLICANT)).id;
    app.server.ctx.db
      .prepare("UPDATE cases SET state = 'accepted', decided_at = ?, query_code = ? WHERE id = ?")
      .run(new Date().toISOString(), code, caseId);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('shows the state and the steps without login, and nothing personal', async () => {
    const p = await app.newPage();
    await p.page.goto(`${app.url}/status/${code}`);
    await p.page.getByRole('heading', { name: '办件进度查询' }).waitFor();
    await p.page.getByText('已受理', { exact: true }).waitFor();
    const current = p.page.locator('.status-steps [aria-current="step"]');
    expect(await current.innerText()).toContain('审批单位受理');
    const text = await p.page.locator('main').innerText();
    expect(text).toContain('企业职工基本养老保险关系转移接续');
    const html = await p.page.content();
    for (const secret of [APPLICANT.name, APPLICANT.idNumber, APPLICANT.phone, caseId]) {
      expect(text).not.toContain(secret);
      expect(html).not.toContain(secret);
    }
    expectReadable(text, 'the status page');
    expect(p.errors).toEqual([]);
  });

  it('says a wrong code is wrong', async () => {
    const p = await app.newPage();
    await p.page.goto(`${app.url}/status/WRONGCODE2`);
    await p.page.getByText('查询码不存在').waitFor();
    expect(p.errors).toEqual([]);
  });

  it('offers the receipt on the case page of an accepted case', async () => {
    const p = await app.newPage();
    await app.login(p, 'clerk');
    await p.page.goto(`${app.url}/cases/${caseId}`);
    const link = p.page.getByRole('link', { name: '打印收件回执' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(`/api/cases/${caseId}/receipt.pdf`);
    expect(p.errors).toEqual([]);
  });
});
