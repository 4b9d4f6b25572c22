import { describe, expect, it } from 'vitest';
import { evaluateMaterial, extractFields, applyCorrections, findingKey } from '@tongban/shared/precheck/rules';
import { findIdNumber, findUscc, parseDate, parseValidity } from '@tongban/shared/precheck/text';
import { dHash, hammingDistance } from '@tongban/shared/precheck/pageHash';
import { classifyPage } from '@tongban/shared/precheck/documents';
import { isValidUscc } from '@tongban/shared';
import type { MaterialSlotRules, OcrLine, PageOcr } from '@tongban/shared/precheck/types';

/** A page built from rows of words, each word 30 px tall, laid out left to right. */
function page(rows: string[][], opts: Partial<PageOcr> = {}): PageOcr {
  const lines: OcrLine[] = rows.map((words, r) => {
    let x = 50;
    const ws = words.map((text) => {
      const bbox = { x0: x, y0: 50 + r * 60, x1: x + 30 * text.length, y1: 80 + r * 60 };
      x = bbox.x1 + 20;
      return { text, confidence: 90, bbox };
    });
    return { text: words.join(' '), confidence: 90, bbox: { x0: 50, y0: ws[0]!.bbox.y0, x1: x, y1: ws[0]!.bbox.y1 }, words: ws };
  });
  return { index: 0, width: 1100, height: 700, dpi: 300, lines, hash: '0123456789abcdef', inkRatio: 0.05, rotationDeg: 0, ...opts };
}

const FRONT: MaterialSlotRules = { kind: 'id-card', rules: ['legibility', 'resolution', 'blank-page', 'material-kind', 'id-card-front'] };
const BACK: MaterialSlotRules = { kind: 'id-card', rules: ['legibility', 'blank-page', 'id-card-back'] };
const VALID_ID = '110105199003071239'; // check digit 9 (GB 11643)
const frontPage = (id: string, sex = '男', birth = ['1990', '年', '3', '月', '7', '日']) =>
  page([
    ['姓', '名', '张晓明'],
    ['性', '别', sex, '民', '族', '汉'],
    ['出', '生', ...birth],
    ['住', '址', '广东省广州市天河区'],
    ['公民身份号码', id],
  ]);
const codes = (fs: Array<{ code: string }>) => fs.map((f) => f.code).sort();
const evalFront = (p: PageOcr, expectations = {}) =>
  evaluateMaterial({ slot: FRONT, pages: [p], fields: extractFields(FRONT, [p]), expectations, intakeDate: '2026-01-10' });

describe('ID number and USCC in OCR text', () => {
  it('finds 18-digit numbers through look-alike letters', () => {
    expect(findIdNumber('公民身份号码 11O1O5199OO3O71239')).toBe(VALID_ID);
    expect(findIdNumber('11010519900307123x')).toBe('11010519900307123X');
    expect(findIdNumber('1101051990030712')).toBeUndefined();
  });
  it('prefers a USCC candidate with a valid check character', () => {
    expect(findUscc('统一社会信用代码 91350100M000100Y43', isValidUscc)).toBe('91350100M000100Y43');
    expect(isValidUscc('91350100M000100Y43')).toBe(true);
    expect(isValidUscc('91350100M000100Y44')).toBe(false);
  });
  it('parses dates and validity periods', () => {
    expect(parseDate('1990年3月7日')).toBe('1990-03-07');
    expect(parseDate('1990 年 12 月 31 日')).toBe('1990-12-31');
    expect(parseValidity('2015.03.01-2035.03.01')).toEqual({ from: '2015-03-01', to: '2035-03-01' });
    expect(parseValidity('2010.01.01-长期')).toEqual({ from: '2010-01-01', to: '长期' });
  });
});

describe('ID card front rules', () => {
  it('extracts every field of a clean card and finds nothing wrong', () => {
    const p = frontPage(VALID_ID);
    const fields = Object.fromEntries(extractFields(FRONT, [p]).map((f) => [f.key, f.value]));
    expect(fields).toMatchObject({ name: '张晓明', sex: '男', ethnicity: '汉', birth: '1990-03-07', idNumber: VALID_ID });
    expect(evalFront(p, { applicantName: '张晓明', applicantIdNumber: VALID_ID })).toEqual([]);
  });
  it('blocks a wrong check digit with a message telling the clerk what to do', () => {
    const f = evalFront(frontPage('110105199003071238'));
    const checksum = f.find((x) => x.code === 'ID_NUMBER_CHECKSUM')!;
    expect(checksum.severity).toBe('block');
    expect(checksum.message_zh).toBe('身份证号码校验位错误，请重新扫描或核对原件');
    expect(checksum.bbox).toBeDefined();
  });
  it('blocks birth date and sex that disagree with the number', () => {
    expect(codes(evalFront(frontPage(VALID_ID, '女', ['1991', '年', '3', '月', '7', '日'])))).toEqual([
      'ID_BIRTH_MISMATCH',
      'ID_SEX_MISMATCH',
    ]);
  });
  it('blocks a card that is not the applicant’s', () => {
    expect(codes(evalFront(frontPage(VALID_ID), { applicantName: '李四', applicantIdNumber: '440106198506124329' }))).toEqual([
      'ID_NAME_MISMATCH',
      'ID_NUMBER_MISMATCH',
    ]);
  });
  it('blocks when no number can be read, and a correction clears it', () => {
    const p = page([
      ['姓', '名', '张晓明'],
      ['公民身份号码', '1101'],
    ]);
    const fields = extractFields(FRONT, [p]);
    const input = { slot: FRONT, pages: [p], expectations: {}, intakeDate: '2026-01-10' };
    expect(codes(evaluateMaterial({ ...input, fields }))).toContain('ID_NUMBER_NOT_FOUND');
    const corrected = applyCorrections(fields, [{ fieldKey: 'idNumber', value: VALID_ID }]);
    expect(codes(evaluateMaterial({ ...input, fields: corrected }))).not.toContain('ID_NUMBER_NOT_FOUND');
  });
});

describe('free text read with low confidence', () => {
  /** The front page with the address words read at `confidence` (岳麓区麓山南路 came out as 岳条区基山南路 at 67). */
  const withAddressAt = (confidence: number) => {
    const p = frontPage(VALID_ID);
    const address = p.lines[3]!;
    const words = address.words.map((w, i) => (i === 2 ? { ...w, text: '湖南省长沙市岳条区基山南路88号', confidence } : w));
    return { ...p, lines: p.lines.map((l, i) => (i === 3 ? { ...address, words, text: words.map((w) => w.text).join(' ') } : l)) };
  };
  const expectations = { applicantName: '张晓明', applicantIdNumber: VALID_ID };

  it('asks the clerk to check an address read under the threshold, pointing at where it was read', () => {
    const [low, ...rest] = evalFront(withAddressAt(67), expectations);
    expect(rest).toEqual([]);
    expect(low).toMatchObject({ code: 'LOW_FIELD_CONFIDENCE', severity: 'warn', fieldKey: 'address', page: 0 });
    expect(low!.message_zh).toBe('“住址”识别可信度较低（67），请对照原件核对识别结果，有误请更正');
    expect(low!.bbox).toBeDefined();
  });
  it('says nothing at the threshold, for fields with a check of their own, or once the clerk corrected it', () => {
    expect(evalFront(withAddressAt(75), expectations)).toEqual([]);
    const p = withAddressAt(40);
    const fields = extractFields(FRONT, [p]).map((f) => (f.key === 'address' ? f : { ...f, confidence: 30 }));
    const corrected = applyCorrections(fields, [{ fieldKey: 'address', value: '湖南省长沙市岳麓区麓山南路88号' }]);
    const input = { slot: FRONT, pages: [p], expectations, intakeDate: '2026-01-10' };
    // Name (checked against the applicant), sex, birth and ID number (checked against each other) are never asked about.
    expect(codes(evaluateMaterial({ ...input, fields }))).toEqual(['LOW_FIELD_CONFIDENCE']);
    expect(evaluateMaterial({ ...input, fields: corrected })).toEqual([]);
  });
});

describe('ID card back: validity on the intake date', () => {
  const back = (period: string) => page([['中华人民共和国'], ['居民身份证'], ['签发机关', '广州市公安局'], ['有效期限', period]]);
  const run = (period: string, intakeDate: string) => {
    const p = back(period);
    return codes(evaluateMaterial({ slot: BACK, pages: [p], fields: extractFields(BACK, [p]), expectations: {}, intakeDate }));
  };
  it('passes a card valid on the intake date and blocks an expired one', () => {
    expect(run('2015.03.01-2035.03.01', '2026-01-10')).toEqual([]);
    expect(run('2005.03.01-2025.03.01', '2026-01-10')).toEqual(['ID_EXPIRED']);
    expect(run('2005.03.01-2025.03.01', '2025-03-01')).toEqual([]);
    expect(run('2005.03.01-长期', '2060-01-01')).toEqual([]);
  });
});

describe('business licence, forms and page rules', () => {
  const BL: MaterialSlotRules = { kind: 'business-licence', rules: ['business-licence', 'material-kind'] };
  it('checks the USCC checksum and the company name', () => {
    const p = (code: string) => page([['统一社会信用代码'], [code], ['营业执照'], ['名', '称', '某科技有限公司']]);
    const ok = p('91350100M000100Y43');
    expect(
      codes(
        evaluateMaterial({
          slot: BL,
          pages: [ok],
          fields: extractFields(BL, [ok]),
          expectations: { companyName: '某科技有限公司', uscc: '91350100M000100Y43' },
          intakeDate: '2026-01-10',
        }),
      ),
    ).toEqual([]);
    const bad = p('91350100M000100Y44');
    expect(
      codes(
        evaluateMaterial({
          slot: BL,
          pages: [bad],
          fields: extractFields(BL, [bad]),
          expectations: { companyName: '另一家公司' },
          intakeDate: '2026-01-10',
        }),
      ),
    ).toEqual(['COMPANY_NAME_MISMATCH', 'USCC_CHECKSUM']);
  });
  it('requires configured labels with a value', () => {
    const slot: MaterialSlotRules = { kind: 'application-form', rules: ['required-fields'], requiredFields: ['姓名', '联系电话', '签名'] };
    const p = page([['申请表'], ['姓名', '张晓明'], ['联系电话', '13800138000'], ['签名']]);
    const f = evaluateMaterial({ slot, pages: [p], fields: extractFields(slot, [p]), expectations: {}, intakeDate: '2026-01-10' });
    expect(f.map(findingKey)).toEqual(['REQUIRED_FIELD_MISSING:label:签名']);
  });
  it('flags blank, illegible, low-resolution, duplicate and wrong-kind pages', () => {
    const slot: MaterialSlotRules = {
      kind: 'business-licence',
      rules: ['legibility', 'resolution', 'blank-page', 'duplicate-page', 'material-kind'],
    };
    const blank = page([], { index: 0, inkRatio: 0.0005 });
    const blurry = page([['模', '糊', '的', '字']], { index: 1, hash: 'ffff000000000000' });
    blurry.lines.forEach((l) => l.words.forEach((w) => (w.confidence = 20)));
    const small = page([['营业执照', '统一社会信用代码', '法定代表人', '名称']], {
      index: 2,
      width: 400,
      height: 300,
      dpi: 72,
      hash: 'aaaa000000000000',
    });
    const dup = page([['营业执照', '统一社会信用代码', '法定代表人', '名称']], { index: 3, hash: 'aaaa000000000001' });
    const idCard = page(
      [
        ['姓名', '张三'],
        ['性别', '男'],
        ['公民身份号码', VALID_ID],
        ['住址', '某地'],
      ],
      { index: 4, hash: '5555555555555555' },
    );
    const f = evaluateMaterial({
      slot,
      pages: [blank, blurry, small, dup, idCard],
      fields: [],
      expectations: {},
      intakeDate: '2026-01-10',
    });
    expect(f.map(findingKey).sort()).toEqual([
      'BLANK_PAGE@0',
      'DUPLICATE_PAGE@3',
      'ILLEGIBLE_PAGE@1',
      'LOW_RESOLUTION@2',
      'MATERIAL_KIND_MISMATCH@4',
    ]);
  });
  it('classifies pages by their printed keywords', () => {
    expect(classifyPage(page([['常住人口登记卡'], ['公民身份号码', VALID_ID]]))).toBe('household-register');
    expect(classifyPage(page([['签发机关', '某公安局']]))).toBe('id-card-back');
  });
});

describe('perceptual hash', () => {
  it('is stable for near-identical thumbnails and far for different ones', () => {
    const a = Array.from({ length: 72 }, (_, i) => (i * 37) % 255);
    const b = a.map((v, i) => (i === 5 ? v + 1 : v));
    const c = a.map((v) => 255 - v);
    expect(hammingDistance(dHash(a), dHash(b))).toBeLessThanOrEqual(2);
    expect(hammingDistance(dHash(a), dHash(c))).toBeGreaterThan(30);
  });
});
