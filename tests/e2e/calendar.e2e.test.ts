import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppBrowser, type AppBrowser, type AppPage } from '../support/appBrowser';
import { seriousViolations } from '../support/axe';

/**
 * Issue 14, item 1, in the browser: the admin's holiday calendar shows the year's days and where
 * they come from, warns about the year without data, and takes that year's days from the UI alone.
 */
describe('节假日日历 (admin)', () => {
  let app: AppBrowser;
  let p: AppPage;

  beforeAll(async () => {
    app = await startAppBrowser({ allowConsole: [/status of 400/] });
    p = await app.newPage();
    await app.login(p, 'admin');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('shows 2026 from the State Council data, axe-clean in both text sizes', async () => {
    const { page } = p;
    await page.getByRole('link', { name: '节假日日历' }).click();
    await page.getByRole('heading', { name: '2026 年节假日日历' }).waitFor();
    const row = page.getByTestId('calendar-days').getByRole('row', { name: /2026-10-10/ });
    await expect(row.textContent()).resolves.toMatch(/2026-10-10 周六.*调休上班.*国庆节.*国务院办公厅通知/);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: '大字模式' }).click();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: '大字模式' }).click();
  });

  it('warns about 2027 and takes its days, refusing a weekday as a make-up working day', async () => {
    const { page } = p;
    await page.getByRole('button', { name: '下一年' }).click();
    await page.getByRole('heading', { name: '2027 年节假日日历' }).waitFor();
    await page.getByRole('alert').filter({ hasText: '缺少 2027 年的节假日数据' }).waitFor();

    await page.getByRole('button', { name: '添加一天' }).click();
    const row = page.getByRole('group', { name: '第 1 行' });
    await row.getByLabel('日期').fill('2027-01-04');
    await row.getByLabel('安排').selectOption('workday');
    await row.getByLabel('节日').fill('元旦');
    await page.getByRole('button', { name: '保存 2027 年日期' }).click();
    await page.getByRole('alert').filter({ hasText: '第 1 行：2027-01-04 本来就是工作日' }).waitFor();

    await row.getByLabel('日期').fill('2027-01-01');
    await row.getByLabel('安排').selectOption('holiday');
    await page.getByRole('button', { name: '保存 2027 年日期' }).click();
    const saved = page.getByTestId('calendar-days').getByRole('row', { name: /2027-01-01/ });
    await expect(saved.textContent()).resolves.toMatch(/2027-01-01 周五.*放假.*元旦.*本站录入：系统管理员/);
    await expect(page.getByRole('alert').filter({ hasText: '缺少 2027 年' }).count()).resolves.toBe(0);
    expect(p.errors).toEqual([]);
  });
});
