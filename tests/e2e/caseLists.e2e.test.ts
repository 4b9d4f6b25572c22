import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppBrowser, type AppBrowser, type AppPage } from '../support/appBrowser';
import { seriousViolations } from '../support/axe';
import { createCase, transition } from '../support/caseFixtures';
import { expectReadable } from '../support/readable';
import { ApiClient } from '../support/testServer';

/**
 * The desk and the queue page their lists (20 a page) through the real UI: 上一页 / 下一页, where
 * the reader is, and the figures above the list counted over every page, not the one on screen.
 */
describe('paged case lists', () => {
  let app: AppBrowser;
  let clerk: AppPage;
  let reviewer: AppPage;
  const caseNos: string[] = [];

  beforeAll(async () => {
    app = await startAppBrowser();
    const api = await ApiClient.login(app.url, 'clerk');
    for (let i = 0; i < 23; i++) caseNos.push((await createCase(api)).caseNo);
    // The oldest case is past its deadline (it lands on the desk's second page); the newest is withdrawn.
    const { db, cases } = app.server.ctx;
    db.prepare('UPDATE cases SET deadline = ? WHERE case_no = ?').run('2020-01-02', caseNos[0]);
    expect((await transition(api, cases.findByCaseNo(caseNos[22]!)!.id, 'withdraw')).status).toBe(200);
    clerk = await app.newPage();
    reviewer = await app.newPage();
  });

  afterAll(async () => {
    await app?.close();
  });

  const rowCaseNos = (p: AppPage) => p.page.locator('table.data tbody tr td:first-child').allInnerTexts();
  const where = (p: AppPage) => p.page.locator('.pager-where').innerText();

  it('the desk: newest first, 20 a page, the overdue warning counting every page', async () => {
    const { page } = clerk;
    await app.login(clerk, 'clerk');
    await page.goto(`${app.url}/desk`);
    await page.getByRole('heading', { name: '我的办件' }).waitFor();
    await expect.poll(() => where(clerk)).toBe('第 1 / 2 页，共 23 件');
    expect(await rowCaseNos(clerk)).toEqual([...caseNos].reverse().slice(0, 20));
    await page.getByText('1 件办件已超过办结时限').waitFor();
    expect(await page.getByRole('button', { name: '‹ 上一页' }).isDisabled()).toBe(true);

    await page.getByRole('button', { name: '下一页 ›' }).click();
    await expect.poll(() => where(clerk)).toBe('第 2 / 2 页，共 23 件');
    expect(await rowCaseNos(clerk)).toEqual(caseNos.slice(0, 3).reverse());
    expect(await page.getByRole('button', { name: '下一页 ›' }).isDisabled()).toBe(true);
    expectReadable(await page.locator('main').innerText(), 'the desk’s second page');
    expect(await seriousViolations(page)).toEqual([]);

    // A filter starts again at its first page: one withdrawn case, no pager.
    await page.getByLabel('状态').selectOption('withdrawn');
    await expect.poll(() => rowCaseNos(clerk)).toEqual([caseNos[22]]);
    expect(await page.locator('.pager').count()).toBe(0);
    expect(clerk.errors).toEqual([]);
  });

  it('the queue: longest waiting first, its figures over the whole queue', async () => {
    const { page } = reviewer;
    await app.login(reviewer, 'reviewer');
    await page.goto(`${app.url}/queue`);
    await page.getByRole('heading', { name: '待审队列' }).waitFor();
    // 22 open cases (the withdrawn one has left the queue): the oldest change first.
    await expect.poll(() => where(reviewer)).toBe('第 1 / 2 页，共 22 件');
    expect(await rowCaseNos(reviewer)).toEqual(caseNos.slice(0, 20));
    const stat = (label: string) => page.locator('.stat', { hasText: label }).locator('.stat-value').innerText();
    expect(await stat('队列中的办件')).toBe('22');
    expect(await stat('已超期')).toBe('1');
    await page.getByRole('button', { name: '下一页 ›' }).click();
    await expect.poll(() => rowCaseNos(reviewer)).toEqual(caseNos.slice(20, 22));
    await page.getByRole('button', { name: '‹ 上一页' }).click();
    await expect.poll(() => where(reviewer)).toBe('第 1 / 2 页，共 22 件');
    expect(reviewer.errors).toEqual([]);
  });
});
