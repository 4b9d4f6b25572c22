import { describe, expect, it } from 'vitest';
import { CreateCaseRequestSchema, freeText, plainText, TransitionRequestSchema } from '@tongban/shared';
import { maskDigitRunsInText, maskIdNumbersInText } from '@tongban/shared/cases/masking';
import { formatCaseNumber } from '@tongban/shared/cases/caseNumber';
import { OverrideRequestSchema } from '@tongban/shared/precheck/api';
import { CheckStepRequestSchema } from '@tongban/shared/review/checklist';
import { FollowUpCloseSchema } from '@tongban/shared/handoff/schemas';

const ID = '11010519491231002X';

describe('maskIdNumbersInText', () => {
  it('masks 18-character ID numbers wherever staff typed them', () => {
    expect(maskIdNumbersInText(`核对 ${ID} 本人`)).toBe('核对 1101**********002X 本人');
    expect(maskIdNumbersInText(`身份证号${ID}与原件一致`)).toBe('身份证号1101**********002X与原件一致');
    expect(maskIdNumbersInText('11010519491231002x')).toBe('1101**********002X');
    expect(maskIdNumbersInText('a: 110105194912310021, b: 440524188001010014.')).toBe('a: 1101**********0021, b: 4405**********0014.');
    expect(maskIdNumbersInText(`（${ID}）\n${ID}`)).toBe('（1101**********002X）\n1101**********002X');
  });

  it('masks the number typed in 6-8-4 groups and the 15-digit pre-1999 number', () => {
    expect(maskIdNumbersInText('号码 110105 19491231 002X 已核')).toBe('号码 1101**********002X 已核');
    expect(maskIdNumbersInText('旧证 110105491231002 已换')).toBe('旧证 1101*******1002 已换');
  });

  it('leaves case numbers, phone numbers, timestamps and longer digit runs alone', () => {
    const untouched = [
      formatCaseNumber('GD-SG', new Date('2026-11-25T02:00:00Z'), 1),
      'GD-440300-20261125-0001',
      '13800138000',
      '0755-12345678',
      '2026-11-25T10:00:00.000Z',
      '20261125100000',
      '1764064800000',
      // 19 digits (a bank card), 16 and 17 digits: not ID shapes, and not cut into one.
      '6222021234567890123',
      '1101051949123100',
      '11010519491231002',
      `${ID}5`,
      `9${ID}`,
      // Inside a hash or an id: part of something longer.
      `ab${ID}cd`,
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      // A 15-digit number that is no date of birth (e.g. a waybill).
      '773012345678901',
    ];
    for (const s of untouched) expect(maskIdNumbersInText(s), s).toBe(s);
  });

  it('is idempotent', () => {
    const once = maskIdNumbersInText(`${ID} ${ID}`);
    expect(maskIdNumbersInText(once)).toBe(once);
  });
});

describe('freeText / plainText', () => {
  it('trims, bounds and masks', () => {
    expect(freeText(100).parse(`  核验 ${ID}  `)).toBe('核验 1101**********002X');
    expect(freeText(5).safeParse('123456').success).toBe(false);
    expect(freeText(10, { min: 2 }).safeParse('  a ').success).toBe(false);
    expect(plainText(100).parse(` ${ID} `)).toBe(ID);
  });

  it('refuses control characters; a note keeps its line breaks (CRLF stored as LF)', () => {
    for (const bad of ['张\n三', '张\r三', '张\t三', 'a\u0000b', 'a\u001bb', 'a\u007fb', 'a\u202eb', 'a\u2028b']) {
      const r = freeText(100).safeParse(bad);
      expect(r.success, JSON.stringify(bad)).toBe(false);
      expect(r.error?.issues[0]?.message).toContain('control characters');
    }
    expect(freeText(100, { lines: 'multi' }).parse('第一行\r\n第二行\n')).toBe('第一行\n第二行');
    for (const bad of ['a\rb', 'a\u0000b', 'a\tb']) expect(freeText(100, { lines: 'multi' }).safeParse(bad).success).toBe(false);
  });

  it('is what the request schemas use for names, reasons and notes', () => {
    const applicant = { name: '张三', idNumber: ID, phone: '13800138000' };
    expect(CreateCaseRequestSchema.safeParse({ itemCode: 'X', applicant }).success).toBe(true);
    for (const name of ['张三\r\nX-Injected: 1', '张\u0007三', ' ', 'x'.repeat(65)]) {
      expect(CreateCaseRequestSchema.safeParse({ itemCode: 'X', applicant: { ...applicant, name } }).success, JSON.stringify(name)).toBe(
        false,
      );
    }
    expect(OverrideRequestSchema.parse({ materialId: 'm', findingCode: 'C', reason: `原件 ${ID}` }).reason).toBe('原件 1101**********002X');
    expect(CheckStepRequestSchema.parse({ step: 'id_front', passed: true, note: ID }).note).toBe('1101**********002X');
    expect(FollowUpCloseSchema.parse({ note: `回访 ${ID}` }).note).toBe('回访 1101**********002X');
  });
});

describe('TransitionRequestSchema', () => {
  it('takes only the details each action defines', () => {
    expect(TransitionRequestSchema.parse({ action: 'withdraw', note: `撤回 ${ID}`, details: { channel: '电话' } })).toEqual({
      action: 'withdraw',
      note: '撤回 1101**********002X',
      details: { channel: '电话' },
    });
    expect(TransitionRequestSchema.safeParse({ action: 'reopen', details: {} }).success).toBe(true);
    for (const body of [
      { action: 'withdraw', details: { channel: '窗口', to: 'rated' } },
      { action: 'withdraw', details: { channel: 'x'.repeat(10) } },
      { action: 'reopen', details: { reason: 'x' } },
      { action: 'precheck', extra: 1 },
      { action: 'withdraw', note: 'x'.repeat(2001) },
      { action: 'teleport' },
    ]) {
      expect(TransitionRequestSchema.safeParse(body).success, JSON.stringify(body)).toBe(false);
    }
  });

  it('refuses deeply nested details without recursing into them', () => {
    let deep: unknown = {};
    for (let i = 0; i < 50_000; i++) deep = { a: deep };
    expect(TransitionRequestSchema.safeParse({ action: 'withdraw', details: deep }).success).toBe(false);
    expect(TransitionRequestSchema.safeParse({ action: 'withdraw', note: deep }).success).toBe(false);
  });
});

describe('maskDigitRunsInText (OCR text for non-participants)', () => {
  it('masks what OCR made of an ID number: a stray character, spaces inside, a run touching a letter', () => {
    expect(maskDigitRunsInText('号码 11010519491231002XX')).toBe('号码 1101***********02XX');
    expect(maskDigitRunsInText('110105 19491231 002X')).toBe('1101**********002X');
    expect(maskDigitRunsInText('A1101051949123100')).toBe('A1101********3100');
  });
  it('leaves short numbers alone', () => {
    expect(maskDigitRunsInText('出生 1949 年 12 月 31 日, 电话 0755-1234')).toBe('出生 1949 年 12 月 31 日, 电话 0755-1234');
  });
});
