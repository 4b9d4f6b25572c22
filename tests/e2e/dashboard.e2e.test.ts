import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardView } from '@tongban/shared/dashboard/figures';
import { startAppBrowser, type AppBrowser, type AppPage } from '../support/appBrowser';
import { seriousViolations } from '../support/axe';
import { expectReadable } from '../support/readable';
import { ApiClient } from '../support/testServer';
import { createPrecheckedCase, decideByReview } from '../support/reviewFixtures';

/**
 * Issue 14, item 6, in the browser: the supervisors' dashboard draws its charts (chart.js from the
 * bundle), each has a table view with the API's numbers and a CSV export, axe-clean in both modes.
 */
describe('监督看板', () => {
  let app: AppBrowser;
  let p: AppPage;

  beforeAll(async () => {
    app = await startAppBrowser({ server: { OCR_WORKERS: 1, REVIEW_SAMPLE_PERCENT: 0 } });
    const clerk = await ApiClient.login(app.url, 'clerk');
    const reviewer = await ApiClient.login(app.url, 'reviewer');
    await createPrecheckedCase(clerk);
    const c = await createPrecheckedCase(clerk);
    await decideByReview(clerk, reviewer, c.id, { outcome: 'reject', reason: '不属于受理范围' });
    p = await app.newPage();
    await app.login(p, 'supervisor');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('draws every chart and is axe-clean in both text sizes', async () => {
    const { page } = p;
    await page.getByRole('link', { name: '监督看板' }).click();
    await page.getByRole('heading', { name: '监督看板' }).waitFor();
    await page.getByRole('img', { name: /堆叠柱状图/ }).waitFor();
    expect(await page.locator('canvas').count()).toBe(7);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: '大字模式' }).click();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: '大字模式' }).click();
    expectReadable(await page.locator('main').innerText(), 'the dashboard');
  });

  it('the table view shows the API’s numbers and the CSV carries them', async () => {
    const { page } = p;
    const api = (await (await ApiClient.login(app.url, 'supervisor')).get('/api/dashboard?days=30')).body as DashboardView;
    const figure = page.getByRole('region', { name: '每日各状态办件数' });
    await figure.getByRole('button', { name: '表格视图' }).click();
    const today = api.statesByDay.at(-1)!;
    const row = figure.getByRole('row', { name: new RegExp(today.day.slice(5)) });
    expect((await row.textContent())!.replace(/\s+/g, '')).toBe(`${today.day.slice(5)}${today.prechecked}${today.rejected}`);

    const download = page.waitForEvent('download');
    await figure.getByRole('button', { name: '导出 CSV' }).click();
    const file = await (await download).path();
    const csv = (await import('node:fs')).readFileSync(file!, 'utf8');
    expect(csv.startsWith('\ufeff类别,已预审,不予受理')).toBe(true);
    expect(csv).toContain(`${today.day.slice(5)},${today.prechecked},${today.rejected}`);
    expect(p.errors).toEqual([]);
  });
});
