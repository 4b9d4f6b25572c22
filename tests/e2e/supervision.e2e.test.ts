import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppBrowser, type AppBrowser } from '../support/appBrowser';
import { seriousViolations } from '../support/axe';
import { expectReadable } from '../support/readable';
import { ApiClient } from '../support/testServer';
import { createPrecheckedCase, decideByReview } from '../support/reviewFixtures';

/**
 * Issue 14, items 3 and 4, in the browser: the handling office's supervisor gives a second opinion
 * on a sampled 不予受理 from the work ledger, axe-clean in both text sizes.
 */
describe('抽查复核 on the work ledger', () => {
  let app: AppBrowser;
  let caseNo = '';

  beforeAll(async () => {
    app = await startAppBrowser({ server: { OCR_WORKERS: 1, REVIEW_SAMPLE_PERCENT: 0 } });
    const clerk = await ApiClient.login(app.url, 'clerk');
    const reviewer = await ApiClient.login(app.url, 'reviewer');
    const c = await createPrecheckedCase(clerk);
    caseNo = c.caseNo;
    await decideByReview(clerk, reviewer, c.id, { outcome: 'reject', reason: '申请事项不属于本单位' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('the supervisor of the handling office disagrees with a note; the figures follow', async () => {
    const p = await app.newPage();
    const { page } = p;
    await app.login(p, 'supervisor2');
    await page.goto(`${app.url}/ledger`);
    const card = page.getByRole('region', { name: '视频会审抽查复核' });
    const form = card.getByRole('form', { name: `办件 ${caseNo} 的抽查复核` });
    await form.waitFor();
    expect(await card.getByRole('listitem').first().textContent()).toMatch(/王审核.*不予受理.*不予受理必查/);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: '大字模式' }).click();
    expect(await seriousViolations(page)).toEqual([]);

    await form.getByLabel(/复核意见/).fill('看录像：材料齐全，应予受理');
    await form.getByRole('button', { name: '不同意原结论' }).click();
    await card.getByText('没有待复核的抽查').waitFor();
    await card.getByText('已复核 1 件').click();
    expect(await card.textContent()).toContain('不同意：看录像：材料齐全，应予受理（周主管');
    expectReadable(await page.locator('main').innerText(), 'the work ledger with review sampling');
    expect(p.errors).toEqual([]);
  });
});
