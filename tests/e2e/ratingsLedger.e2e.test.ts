import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppBrowser, type AppBrowser } from '../support/appBrowser';
import { seriousViolations } from '../support/axe';
import { APPLICANT, createCase } from '../support/caseFixtures';
import { expectReadable } from '../support/readable';
import { ApiClient } from '../support/testServer';

/**
 * 好差评 on the supervisor's work ledger: counts per level, recent comments, and closing an open
 * follow-up from the page. The ratings are written straight into the store: rating a case needs
 * it completed (OCR pre-check, review, handoff, result), which twoSitesHandoff.test.ts drives end
 * to end; here the page is under test.
 */
describe('ratings on the work ledger', () => {
  let app: AppBrowser;
  const caseNos: string[] = [];

  beforeAll(async () => {
    app = await startAppBrowser();
    const clerk = await ApiClient.login(app.url, 'clerk');
    const db = app.server.ctx.db;
    const ratings: Array<[level: number, comment: string | null, channel: 'window' | 'phone']> = [
      [5, '窗口人员很耐心，一次办好', 'window'],
      [2, '等待时间较长', 'phone'],
      [1, null, 'window'],
    ];
    for (const [i, [level, comment, channel]] of ratings.entries()) {
      const c = await createCase(clerk, 'TB-YLBX-ZY', APPLICANT);
      caseNos.push(c.caseNo);
      const at = new Date(Date.now() - i * 60_000).toISOString();
      db.prepare('INSERT INTO ratings (id, case_id, level, comment, channel, rated_at) VALUES (?, ?, ?, ?, ?, ?)').run(
        `rating-${i}`,
        c.id,
        level,
        comment,
        channel,
        at,
      );
      if (level < 3) {
        db.prepare(
          `INSERT INTO rating_follow_ups (id, rating_id, case_id, office_id, status, created_at, callback_due, rectify_due)
           VALUES (?, ?, ?, 'gd-sg-window', 'open', ?, '2026-01-05', '2099-12-31')`,
        ).run(`follow-up-${i}`, `rating-${i}`, c.id, at);
      }
    }
  });

  afterAll(async () => {
    await app?.close();
  });

  it('shows counts per level, comments and open follow-ups; the supervisor records the call-back, then the rectification', async () => {
    const p = await app.newPage();
    const { page } = p;
    await app.login(p, 'supervisor');
    await page.goto(`${app.url}/ledger`);
    const ratings = page.getByRole('region', { name: '好差评' });
    await ratings.getByRole('heading', { name: '待回访与整改（不满意评价）' }).waitFor();

    const perLevel = ratings.getByRole('table', { name: '各评价等级的件数' });
    expect(await perLevel.getByRole('row', { name: /非常满意/ }).textContent()).toContain('1');
    expect(await perLevel.getByRole('row', { name: /^不满意/ }).textContent()).toContain('1');
    expect(await perLevel.getByRole('row', { name: /^满意/ }).textContent()).toContain('0');
    const comments = ratings.getByRole('region', { name: '最近的意见' });
    await expect
      .poll(() => comments.getByRole('listitem').allTextContents())
      .toEqual([expect.stringContaining('窗口人员很耐心，一次办好'), expect.stringContaining('等待时间较长')]);
    const open = ratings.getByRole('region', { name: '待回访与整改（不满意评价）' });
    expect(await open.getByRole('listitem').count()).toBe(2);
    expect(await seriousViolations(page)).toEqual([]);
    expectReadable(await page.locator('main').innerText(), 'the work ledger with ratings');

    // The call-back is past its date (2026-01-05): flagged; recording it leaves the rectification.
    const item = open.getByRole('listitem').filter({ hasText: caseNos[1]! });
    expect(await item.textContent()).toContain('回访已超期');
    const callback = open.getByRole('form', { name: `办件 ${caseNos[1]} 的回访` });
    await callback.getByLabel('回访情况').fill('已电话回访，致歉并说明原因');
    await callback.getByRole('button', { name: '记录回访' }).click();
    const rectify = open.getByRole('form', { name: `办件 ${caseNos[1]} 的整改` });
    await rectify.getByLabel('整改情况').fill('已电话回访，致歉并说明原因');
    await rectify.getByRole('button', { name: '整改完成，关闭' }).click();
    await expect.poll(() => open.getByRole('listitem').count()).toBe(1);
    expect(await open.textContent()).toContain(caseNos[2]);

    const closed = app.server.ctx.db.prepare("SELECT status, note FROM rating_follow_ups WHERE id = 'follow-up-1'").get();
    expect(closed).toEqual({ status: 'closed', note: '已电话回访，致歉并说明原因' });
    const events = [...app.server.ctx.ledger.all()].filter((e) => e.action === 'rating.follow_up_closed');
    expect(events.map((e) => e.details)).toEqual([{ followUp: 'follow-up-1', note: '已电话回访，致歉并说明原因' }]);
    expect(p.errors).toEqual([]);
  });

  it('an admin sees the figures but cannot close another office’s follow-ups', async () => {
    const p = await app.newPage();
    await app.login(p, 'admin');
    await p.page.goto(`${app.url}/ledger`);
    const open = p.page.getByRole('region', { name: '待回访与整改（不满意评价）' });
    await open.getByText('由收件单位主管回访后关闭').first().waitFor();
    expect(await open.getByRole('button', { name: /记录回访|整改完成/ }).count()).toBe(0);
    expectReadable(await p.page.locator('main').innerText(), 'the work ledger of an admin');
    expect(p.errors).toEqual([]);
  });
});
