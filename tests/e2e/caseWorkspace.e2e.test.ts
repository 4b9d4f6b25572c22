import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { startAppBrowser, type AppBrowser, type AppPage } from '../support/appBrowser';
import { seriousViolations } from '../support/axe';
import { createCase, ITEM_HN, makePrecheckReady } from '../support/caseFixtures';
import { expectReadable } from '../support/readable';
import { requestReview } from '../support/reviewFixtures';
import { ApiClient } from '../support/testServer';

/**
 * The case page as a workspace, at 1280×720: the step bar, THE next action of this user at the top
 * (visible without scrolling, in normal and large-text mode), sections opened on demand, one
 * 完成预审 button, and the audit trail in words with the raw record one click away.
 */
describe('the case workspace', () => {
  let app: AppBrowser;
  let clerkApi: ApiClient;
  let clerk: AppPage;
  let caseId = '';

  beforeAll(async () => {
    app = await startAppBrowser({ ocr: 'printed-text' });
    clerkApi = await ApiClient.login(app.url, 'clerk');
    caseId = (await createCase(clerkApi, ITEM_HN)).id;
    await makePrecheckReady(clerkApi, caseId);
    clerk = await app.newPage();
    await clerk.page.setViewportSize({ width: 1280, height: 720 });
    await app.login(clerk, 'clerk');
  });

  afterAll(async () => {
    await app?.close();
  });

  const nextAction = (page: Page) => page.getByTestId('next-action');
  const steps = (page: Page) => page.getByRole('list', { name: '办理进度' }).getByRole('listitem');
  const section = (page: Page, name: string) => page.locator('section.case-section').filter({ has: page.getByRole('heading', { name }) });
  const toggle = (page: Page, name: string) => page.getByRole('button', { name: new RegExp(`^${name}`) });

  /** Wholly inside the first viewport, with the page scrolled to the top. */
  async function inFirstViewport(l: Locator): Promise<boolean> {
    return l.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return window.scrollY === 0 && r.top >= 0 && r.bottom <= window.innerHeight && r.width > 0;
    });
  }

  it('a ready draft: 完成预审 is the one primary action at the top, and there is only one such button', async () => {
    const { page } = clerk;
    await page.goto(`${app.url}/cases/${caseId}`);
    const primary = nextAction(page).getByRole('button', { name: '完成预审' });
    await primary.waitFor();
    expect(await nextAction(page).getAttribute('data-action')).toBe('complete_precheck');
    // The pre-check is the section this step is about: open by itself; the others closed.
    expect(await toggle(page, '智能预审').getAttribute('aria-expanded')).toBe('true');
    for (const name of ['申请材料', '视频会审', '转递与办结', '责任追溯记录']) {
      expect(await toggle(page, name).getAttribute('aria-expanded'), name).toBe('false');
    }
    await section(page, '智能预审')
      .getByText(/所有必需材料已收齐/)
      .waitFor();
    await toggle(page, '申请材料').click();
    await page
      .getByRole('img', { name: /人像面/ })
      .first()
      .waitFor();
    expect(await page.getByRole('button', { name: '完成预审' }).count()).toBe(1);
    expect(await page.locator('li[aria-current="step"]').innerText()).toContain('预审');

    await primary.click();
    await page.locator('.page-header .badge').filter({ hasText: '已预审' }).waitFor();
    expect(clerk.errors).toEqual([]);
  });

  it('after 已预审: 申请视频会审 is the primary action, visible without scrolling; the step bar marks 预审 done', async () => {
    const { page } = clerk;
    await page.reload();
    const primary = nextAction(page).getByRole('button', { name: '申请视频会审' });
    await primary.waitFor();
    expect(await primary.getAttribute('class')).toContain('btn-primary');
    expect(await inFirstViewport(primary)).toBe(true);
    expect(await page.getByRole('button', { name: '申请视频会审' }).count()).toBe(1);

    const bar = steps(page);
    const marks = await bar.evaluateAll((lis) =>
      lis.map(
        (li) =>
          `${(li as HTMLElement).dataset.step}:${li.classList.contains('done') ? 'done' : ''}${li.getAttribute('aria-current') ?? ''}`,
      ),
    );
    expect(marks).toEqual(['intake:done', 'precheck:done', 'review:step', 'handoff:', 'handling:', 'completed:', 'rating:']);
    expect(await bar.nth(1).innerText()).toMatch(/预审\s*（已完成）/);
    expect(await bar.allInnerTexts()).toEqual(
      ['收件', '预审', '视频会审', '转递', '办理', '办结', '评价'].map((s) => expect.stringContaining(s)),
    );
    expect(await page.getByRole('list', { name: '办理进度' }).evaluate((el) => el.tagName)).toBe('OL');

    // 申请人撤回 is out of the primary spot: a secondary button that asks first.
    const withdraw = page.getByRole('button', { name: '申请人撤回' });
    expect(await withdraw.getAttribute('class')).toContain('btn-secondary');
    await withdraw.click();
    const dialog = page.getByRole('dialog', { name: '确认：申请人撤回' });
    await dialog.getByLabel(/原因/).waitFor();
    await dialog.getByRole('button', { name: '取消' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(clerk.errors).toEqual([]);
  });

  it('the audit trail reads in words — who, what, China time — and shows its raw record only when asked', async () => {
    const { page } = clerk;
    await toggle(page, '责任追溯记录').click();
    const trail = page.getByRole('table', { name: '责任追溯记录' });
    await trail.waitFor();
    const text = await trail.innerText();
    expect(text).toContain('收件登记，创建办件');
    expect(text).toMatch(/收取材料“.+”：/);
    expect(text).toContain('完成预审');
    expect(text).toContain('李窗口（窗口受理人员）');
    expect(text).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
    // No raw record until expanded: no action codes, no key: value pairs, no JSON.
    for (const raw of ['case.created', 'material.uploaded', 'case.precheck', 'sha256', 'slotCode', '{', '(clerk)']) {
      expect(text, raw).not.toContain(raw);
    }
    expectReadable(await page.locator('main').innerText(), 'the case workspace with its audit trail');

    const first = trail.locator('details.audit-raw').first();
    await first.locator('summary').click();
    await expect.poll(() => first.innerText()).toContain('case.created');
    expect(clerk.errors).toEqual([]);
  });

  it('says the trail in English in English mode', async () => {
    const { page } = clerk;
    await page.getByRole('button', { name: 'English' }).click();
    const trail = page.getByRole('table', { name: 'Audit trail' });
    await trail.getByText('Registered the application and created the case').waitFor();
    expect(await trail.innerText()).toContain('Finished the pre-check');
    await nextAction(page).getByRole('button', { name: 'Request video review' }).waitFor();
    await page.getByRole('button', { name: '中文' }).click();
    await nextAction(page).getByRole('button', { name: '申请视频会审' }).waitFor();
  });

  it('passes axe in normal and in large-text mode, the next action still in the first viewport', async () => {
    const { page } = clerk;
    await toggle(page, '申请材料').click();
    await toggle(page, '智能预审').click();
    await page.waitForLoadState('networkidle');
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('button', { name: '大字模式' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.largeText)).toBe('on');
    await page.reload();
    const primary = nextAction(page).getByRole('button', { name: '申请视频会审' });
    await primary.waitFor();
    expect(await inFirstViewport(primary)).toBe(true);
    await toggle(page, '责任追溯记录').click();
    await toggle(page, '申请材料').click();
    await page.waitForLoadState('networkidle');
    expect(await seriousViolations(page)).toEqual([]);
    expectReadable(await page.locator('main').innerText(), 'the case workspace in large-text mode');
    await page.getByRole('button', { name: '大字模式' }).click();
    expect(clerk.errors).toEqual([]);
  });

  it('in review: the reviewer’s next action is 接单; the clerk waits, and sees 进入视频会审 once it is taken, without a reload', async () => {
    const { page } = clerk;
    await page.reload();
    await nextAction(page).getByRole('button', { name: '申请视频会审' }).click();
    await nextAction(page).getByText('等待实施机关的审核人员接单').waitFor();
    expect(await page.locator('li[aria-current="step"]').innerText()).toContain('视频会审');
    // The co-review section (applicant QR code, cancel) is the one this wait is about.
    expect(await toggle(page, '视频会审').getAttribute('aria-expanded')).toBe('true');

    const reviewer = await app.newPage();
    await reviewer.page.setViewportSize({ width: 1280, height: 720 });
    await app.login(reviewer, 'reviewer');
    await reviewer.page.goto(`${app.url}/cases/${caseId}`);
    const take = nextAction(reviewer.page).getByRole('button', { name: '接单' });
    await take.waitFor();
    expect(await inFirstViewport(take)).toBe(true);
    expectReadable(await reviewer.page.locator('main').innerText(), 'the case workspace at the handling office');

    const sessions = (await clerkApi.get(`/api/cases/${caseId}/review`)).body as { session: { id: string } };
    const reviewerApi = await ApiClient.login(app.url, 'reviewer');
    expect((await reviewerApi.post(`/api/review/sessions/${sessions.session.id}/accept`)).status).toBe(200);
    await nextAction(page).getByRole('link', { name: '进入视频会审' }).waitFor();
    expect(clerk.errors).toEqual([]);
    expect(reviewer.errors).toEqual([]);
  });

  it('a new request after a cancelled one is the window’s next action again', async () => {
    const { page } = clerk;
    const other = (await createCase(clerkApi, ITEM_HN)).id;
    await makePrecheckReady(clerkApi, other);
    expect((await clerkApi.post(`/api/cases/${other}/precheck/complete`, {})).status).toBe(200);
    const sessionId = await requestReview(clerkApi, other);
    await page.goto(`${app.url}/cases/${other}`);
    await nextAction(page).getByText('等待实施机关的审核人员接单').waitFor();
    expect((await clerkApi.post(`/api/review/sessions/${sessionId}/cancel`)).status).toBe(200);
    await nextAction(page).getByRole('button', { name: '申请视频会审' }).waitFor();
    expect(clerk.errors).toEqual([]);
  });
});
