import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumberCheckChar } from '@tongban/shared';
import { startAppBrowser, type AppBrowser, type AppPage } from '../support/appBrowser';
import { seriousViolations } from '../support/axe';
import { ApiClient } from '../support/testServer';

/**
 * axe-core over the login, desk (list and wizard), queue, case and ledger pages, in normal and in
 * large-text (适老化) mode: no serious or critical violations.
 */
describe('accessibility (axe-core)', () => {
  let app: AppBrowser;
  let caseId = '';

  beforeAll(async () => {
    app = await startAppBrowser();
    // A case with a material, so the case page shows the viewer and the audit trail.
    const clerkApi = await ApiClient.login(app.url, 'clerk');
    const item = app.server.ctx.catalog
      .listItems()
      .find((i) => i.handlingOfficeId === 'hn-cs-office' && !i.materials.some((m) => m.kind === 'business-licence'))!;
    const first17 = '11010519491231002';
    const created = await clerkApi.post('/api/cases', {
      itemCode: item.code,
      applicant: { name: '赵老伯', idType: 'resident-id', idNumber: first17 + idNumberCheckChar(first17), phone: '13900139000' },
    });
    expect(created.status).toBe(201);
    caseId = created.body.case.id;
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    const form = new FormData();
    form.append('file', new Blob([png], { type: 'image/png' }), 'scan.png');
    const up = await clerkApi.request('POST', `/api/cases/${caseId}/materials/${item.materials[0]!.code}`, form);
    expect(up.status).toBe(201);
  });

  afterAll(async () => {
    await app?.close();
  });

  async function scanAll(p: AppPage, large: boolean) {
    const { page } = p;
    const results: Record<string, string[]> = {};
    const scan = async (name: string) => {
      await page.waitForLoadState('networkidle');
      results[name] = await seriousViolations(page);
    };

    await page.goto(`${app.url}/login`);
    await page.getByLabel('用户名').waitFor();
    const toggle = page.getByRole('button', { name: '大字模式' });
    if ((await toggle.getAttribute('aria-pressed')) !== String(large)) await toggle.click();
    expect(await page.evaluate(() => document.documentElement.dataset.largeText === 'on')).toBe(large);
    await scan('login');

    await app.login(p, 'supervisor');
    await page.goto(`${app.url}/desk`);
    await page.getByRole('heading', { name: '我的办件' }).waitFor();
    await scan('desk');

    await page.getByRole('link', { name: /新建办件/ }).click();
    await page.locator('.item-option').first().click();
    await scan('wizard: item');
    await page.getByRole('button', { name: /下一步/ }).click();
    await page.getByRole('button', { name: /创建办件/ }).click(); // empty form: every field shows its error
    await page.locator('.field-error').first().waitFor();
    await scan('wizard: applicant with errors');

    await page.goto(`${app.url}/queue`);
    await page.getByRole('heading', { name: '待审队列' }).waitFor();
    await scan('queue');

    await page.goto(`${app.url}/cases/${caseId}`);
    // Its sections open on demand: the scan's and the audit trail's too, so axe sees them.
    await page.getByRole('button', { name: /^申请材料/ }).click();
    await page.getByRole('button', { name: /^责任追溯记录/ }).click();
    await page.getByRole('img', { name: /scan\.png/ }).waitFor();
    await page.getByRole('table', { name: '责任追溯记录' }).waitFor();
    await scan('case');

    await page.goto(`${app.url}/ledger`);
    await page.getByRole('heading', { name: '工作台账' }).waitFor();
    await scan('ledger');

    expect(Object.keys(results)).toHaveLength(7);
    expect(results).toEqual(Object.fromEntries(Object.keys(results).map((k) => [k, []])));
    expect(p.errors).toEqual([]);
  }

  it('has no serious or critical violations in normal mode', async () => {
    await scanAll(await app.newPage(), false);
  });

  it('has no serious or critical violations in large-text mode', async () => {
    await scanAll(await app.newPage(), true);
  });
});
