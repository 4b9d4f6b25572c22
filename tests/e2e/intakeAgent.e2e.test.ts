import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumberCheckChar } from '@tongban/shared';
import { startAppBrowser, type AppBrowser, type AppPage } from '../support/appBrowser';
import { seriousViolations } from '../support/axe';
import { expectReadable } from '../support/readable';

const AGENT_FIRST17 = '44020319620305002';
const AGENT_ID = AGENT_FIRST17 + idNumberCheckChar(AGENT_FIRST17);
const AGENT_WRONG = AGENT_FIRST17 + (idNumberCheckChar(AGENT_FIRST17) === '1' ? '2' : '1');

/**
 * The intake form at a 1280×720 window screen: a 港澳通行证 holder whose daughter applies for
 * them (代办), the result by EMS. Errors sit next to their fields, the form is axe-clean in normal
 * and large-text mode, and the materials step then asks for the 授权委托书.
 */
describe('intake with an agent and a 港澳通行证 applicant', () => {
  let app: AppBrowser;
  let clerk: AppPage;

  beforeAll(async () => {
    app = await startAppBrowser();
    clerk = await app.newPage();
    await clerk.page.setViewportSize({ width: 1280, height: 720 });
  });
  afterAll(async () => {
    await app?.close();
  });

  /** The input labelled exactly `label` (a required field's label ends in its asterisk). */
  const field = (label: string) => clerk.page.getByLabel(new RegExp(`^${label.replace(/[()（）]/g, '\\$&')}\\*?$`));
  /** The error shown in the same field box as that input. */
  const fieldError = (label: string) => clerk.page.locator('.field', { has: field(label) }).locator('.field-error');

  it('checks each number by its document type, next to its field', async () => {
    const { page } = clerk;
    await app.login(clerk, 'clerk');
    await page.getByRole('link', { name: /新建办件/ }).click();
    await page.getByLabel('搜索事项').fill('社会保障卡申领');
    await page.getByRole('button', { name: /社会保障卡申领/ }).click();
    await page.getByRole('button', { name: /下一步/ }).click();

    await field('姓名').fill('陈大文');
    await field('证件类型').selectOption({ label: '港澳居民来往内地通行证' });
    const number = field('通行证号码');
    await number.fill('K1234567');
    await number.blur();
    await expect.poll(() => fieldError('通行证号码').innerText()).toMatch(/以字母 H（香港）或 M（澳门）开头/);
    await number.fill('h12345678');
    await expect.poll(() => fieldError('通行证号码').count()).toBe(0);
    await page.getByText('号码格式正确').waitFor();
    await field('联系电话').fill('13800138000');

    await page.getByLabel(/由代办人办理/).check();
    await field('代办人姓名').fill('陈美玲');
    await field('与申请人关系').selectOption({ label: '子女' });
    const agentNumber = field('代办人公民身份号码');
    await agentNumber.fill(AGENT_WRONG);
    await expect.poll(() => fieldError('代办人公民身份号码').innerText()).toMatch(/校验位不正确/);
    await agentNumber.fill(AGENT_ID);
    await expect.poll(() => fieldError('代办人公民身份号码').count()).toBe(0);
    await field('代办人联系电话').fill('13900139000');

    // EMS without the address: each address field says what is missing, under itself.
    await page.getByLabel('EMS 邮寄').check();
    await page.getByRole('group', { name: /收件地址（EMS 邮寄必填）/ }).waitFor();
    await page.getByRole('button', { name: /创建办件/ }).click();
    await expect.poll(() => fieldError('详细地址').innerText()).toContain('请填写详细地址');
    expect(await fieldError('收件人').innerText()).toContain('请填写收件人');
    expect(await page.locator('.field-error').count()).toBe(6);
    expect(await field('详细地址').getAttribute('aria-invalid')).toBe('true');
  });

  it('is axe-clean with the agent and the address errors showing, in normal and large-text mode', async () => {
    const { page } = clerk;
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: '大字模式' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.largeText === 'on')).toBe(true);
    // Large text really is larger, and the form still fits the screen's width.
    expect(await field('详细地址').evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(20);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: '大字模式' }).click();
  });

  it('creates the case and asks for the 授权委托书 and the agent’s ID; the case page shows agent and delivery', async () => {
    const { page } = clerk;
    await field('省（自治区、直辖市）').fill('湖南省');
    await field('市').fill('长沙市');
    await field('区（县）').fill('岳麓区');
    await field('详细地址').fill('麓山南路12号3栋201室');
    await page.getByRole('button', { name: '收件人同申请人' }).click();
    expect(await field('收件人').inputValue()).toBe('陈大文');
    await page.getByRole('button', { name: /创建办件/ }).click();

    await page.getByRole('heading', { name: '收取申请材料' }).waitFor();
    const slot = (code: string) => page.locator(`li.slot[data-slot="${code}"]`);
    expect(await slot('AGENT_AUTHORIZATION').innerText()).toMatch(/授权委托书（申请人签名）[\s\S]*必交/);
    expect(await slot('AGENT_ID').innerText()).toMatch(/代办人身份证件（正反面）[\s\S]*必交/);
    expect(await slot('ID_CARD_FRONT').innerText()).toContain('申请人港澳居民来往内地通行证（正面）');
    await page.getByText('必交材料已收 0/6').waitFor();

    await page.getByRole('button', { name: /完成收件/ }).click();
    await page.waitForURL(/\/cases\//);
    const info = page.locator('dl.case-facts');
    await info.getByText('港澳居民来往内地通行证').waitFor();
    const text = await info.innerText();
    expect(text).toContain('H12345678');
    expect(text).toMatch(/代办人\s+陈美玲（子女）/);
    expect(text).toContain(AGENT_ID);
    expect(text).toMatch(/结果领取\s+EMS 邮寄/);
    expect(text).toContain('湖南省长沙市岳麓区麓山南路12号3栋201室');
    expectReadable(await page.locator('main').innerText(), 'the case page of an agent’s case');
    expect(clerk.errors).toEqual([]);
  });
});
