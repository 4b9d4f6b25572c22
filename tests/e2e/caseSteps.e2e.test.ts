import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppBrowser, type AppBrowser } from '../support/appBrowser';
import { seriousViolations } from '../support/axe';
import { acceptedCase } from '../support/handoffCase';
import { ApiClient } from '../support/testServer';

/**
 * 环节时限 in the browser: a case handed off by courier and signed for, whose handling office
 * never starts it. Once the clock is past its check's due day the case page flags the step late in
 * words with the office's name, the reviewer's 提醒 list has it, and both pass axe in large text.
 */
const DAY = 86_400_000;
const clock = { t: Date.now(), now: () => new Date(clock.t) };
const HANDLING = '长沙市政务服务中心业务属地审批窗口';

describe('step time limits on screen', () => {
  let app: AppBrowser;
  let caseId = '';

  beforeAll(async () => {
    app = await startAppBrowser({ ocr: 'printed-text', clock });
    const accepted = await acceptedCase(app.server);
    caseId = accepted.caseId;
    const waybill = { courierCompany: '中国邮政EMS', waybillNo: 'EA123456789CN' };
    expect((await accepted.clerk.post(`/api/cases/${caseId}/handoff/courier`, waybill)).status).toBe(200);
    const reviewer = await ApiClient.login(app.url, 'reviewer');
    expect((await reviewer.post(`/api/cases/${caseId}/handoff/envelope/received`, waybill)).status).toBe(200);
    // Well past one working day, whatever holiday falls in between.
    clock.t += 15 * DAY;
    const sent = app.server.ctx.steps.sweep();
    expect(sent).toContainEqual({ caseId, step: 'handling_check', kind: 'overdue' });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('shows the late check with its office, and the reminder in the header', async () => {
    const p = await app.newPage();
    const { page } = p;
    await app.login(p, 'reviewer');
    const toggle = page.getByRole('button', { name: '大字模式' });
    if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
    await page.goto(`${app.url}/cases/${caseId}`);
    const row = page.locator('[data-testid="case-steps"] tr[data-step="handling_check"]');
    await expect.poll(() => row.getAttribute('data-status')).toBe('late');
    expect(await row.innerText()).toContain(`已超时（${HANDLING}）`);
    expect(await page.getByRole('heading', { name: '环节时限' }).isVisible()).toBe(true);
    expect(await page.getByText(`责任单位：${HANDLING}`).first().isVisible()).toBe(true);

    const bell = page.getByTestId('notification-bell');
    await expect.poll(() => bell.innerText()).toMatch(/提醒\s*1/);
    await bell.click();
    const item = page.getByRole('region', { name: '提醒' }).getByRole('link', { name: /实施机关收件核验.*已超时/ });
    expect(await item.isVisible()).toBe(true);
    await page.waitForLoadState('networkidle');
    expect(await seriousViolations(page)).toEqual([]);

    await item.click();
    await expect.poll(() => bell.innerText()).not.toMatch(/\d/);
    expect(p.errors).toEqual([]);
  });

  it('an admin gives an item’s check step more days on 环节时限设置 (audited); the case counts on it at once', async () => {
    const p = await app.newPage();
    const { page } = p;
    await app.login(p, 'admin');
    const admin = await ApiClient.login(app.url, 'admin');
    const itemCode = (await admin.get(`/api/cases/${caseId}`)).body.case.itemCode as string;
    await page.goto(`${app.url}/step-limits`);
    await page.getByLabel('事项', { exact: true }).selectOption(itemCode);
    const row = page.locator('[data-testid="step-limits"] tr[data-step="handling_check"]');
    await row.waitFor();
    await row.getByLabel('实施机关收件核验的时限').fill('40');
    await page.getByRole('button', { name: '保存环节时限' }).click();
    await page.getByText('已保存。').waitFor();
    await row.getByText('本事项设置').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    const steps = (await admin.get(`/api/cases/${caseId}/steps`)).body.steps as Array<{ code: string; limitDays: number; status: string }>;
    expect(steps.find((s) => s.code === 'handling_check')).toMatchObject({ limitDays: 40, status: 'running' });
    expect(p.errors).toEqual([]);
  });
});
