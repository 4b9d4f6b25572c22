import { describe, expect, it } from 'vitest';
import { extractLabelledFields } from '@tongban/shared/precheck/documents';
import { extractFields } from '@tongban/shared/precheck/rules';
import type { DocumentKind, MaterialSlotRules, OcrLine, OcrWord, PageOcr } from '@tongban/shared/precheck/types';

/** Glyphs are 40 px square, as a 300 dpi scan's body text; words sit 4 px apart unless a number in the list says how wide the gap before the next word is. */
const GLYPH = 40;

function line(r: number, ...items: Array<string | number>): OcrLine {
  const y0 = 100 + r * 150;
  let x = 50;
  let gap = 4;
  const words: OcrWord[] = [];
  for (const item of items) {
    if (typeof item === 'number') {
      gap = item;
      continue;
    }
    if (words.length) x += gap;
    const bbox = { x0: x, y0, x1: x + GLYPH * [...item].length, y1: y0 + GLYPH };
    words.push({ text: item, confidence: 90, bbox });
    x = bbox.x1;
    gap = 4;
  }
  return { text: words.map((w) => w.text).join(' '), confidence: 90, bbox: { x0: 50, y0, x1: x, y1: y0 + GLYPH }, words };
}

function page(...lines: OcrLine[]): PageOcr {
  return { index: 0, width: 2000, height: 1500, dpi: 300, lines, hash: '0123456789abcdef', inkRatio: 0.05, rotationDeg: 0 };
}

const values = (p: PageOcr, labels: string[], kind: DocumentKind = 'generic') =>
  Object.fromEntries(extractLabelledFields([p], labels, [kind]).map((f) => [f.label, f.value]));
const field = (p: PageOcr, label: string, kind: DocumentKind = 'generic') => extractLabelledFields([p], [label], [kind])[0];

describe('labelled field values stop at their table cell', () => {
  it('splits a row of two cells at the next printed label', () => {
    // The cell border is 30 px (0.75 of the text height): too narrow to split on by itself.
    const p = page(line(0, '姓名', 40, '张三', 30, '户主或与户主关系', 40, '户主'), line(1, '性别', 40, '女', 30, '民族', 40, '汉'));
    expect(values(p, ['姓名', '户主或与户主关系', '性别', '民族'], 'household-register')).toEqual({
      姓名: '张三',
      户主或与户主关系: '户主',
      性别: '女',
      民族: '汉',
    });
    const name = field(p, '姓名', 'household-register')!;
    expect(name.bbox).toEqual(p.lines[0]!.words[1]!.bbox);
  });

  it('ends a value at a long label even with no gap before it (border not seen, boxes tight)', () => {
    const p = page(line(0, '曾用名', 40, '张山', '公民身份号码', 40, '110105199003071239'));
    expect(values(p, ['曾用名'], 'household-register')).toEqual({ 曾用名: '张山' });
  });

  it('counts the configured required labels as cell ends on any kind of page', () => {
    const p = page(line(0, '申请人', 40, '李四', 30, '联系电话', 40, '13800138000'));
    expect(values(p, ['申请人', '联系电话'])).toEqual({ 申请人: '李四', 联系电话: '13800138000' });
  });

  it('ends a value at a gap much wider than the text (a column border), whatever the next cell says', () => {
    const p = page(line(0, '联系电话', 40, '13800138000', 200, '备注', 40, '无'));
    const f = field(p, '联系电话')!;
    expect(f.value).toBe('13800138000');
    expect(f.bbox).toEqual(p.lines[0]!.words[1]!.bbox);
  });

  it('keeps ordinary spaces between the words of one value', () => {
    // A full-width space (one glyph wide) and tesseract's narrow splits inside a long address.
    const p = page(line(0, '住址', 40, '广东省', GLYPH, '韶关市', 6, '浈江区', 6, '民族路', 6, '5号'));
    const f = field(p, '住址', 'household-register')!;
    // 民族 is a 户口簿 label, but inside the address it is not set apart as a new cell.
    expect(f.value).toBe('广东省韶关市浈江区民族路5号');
    expect(f.bbox).toEqual({ ...p.lines[0]!.words[1]!.bbox, x1: p.lines[0]!.words[5]!.bbox.x1 });
  });

  it('keeps a space between Latin words and digits', () => {
    expect(values(page(line(0, '住址', 40, 'Flat', 12, '12B')), ['住址'])).toEqual({ 住址: 'Flat 12B' });
  });

  it('strips and stops at table rules OCR reads from the borders', () => {
    const p = page(
      line(0, '姓名', 10, '｜张三', 10, '丨', 10, '曾用名', 40, '无'),
      line(1, '籍贯', 10, '[', 10, '湖南长沙]', 10, '|出生日期'),
    );
    expect(values(p, ['姓名', '籍贯'])).toEqual({ 姓名: '张三', 籍贯: '湖南长沙' });
    // The box starts after the rule glued to the name: the word's box cut in proportion.
    const w = p.lines[0]!.words[1]!.bbox;
    expect(field(p, '姓名')!.bbox).toEqual({ ...w, x0: w.x0 + GLYPH });
  });

  it('does not find a label whose cell is blank', () => {
    const p = page(line(0, '姓名', 60, '|', 60, '户主或与户主关系', 40, '户主'), line(1, '签名'), line(2, '联系电话', 10, ':', 10, '|'));
    expect(extractLabelledFields([p], ['姓名', '签名', '联系电话'], ['household-register'])).toEqual([]);
    expect(values(p, ['户主或与户主关系'], 'household-register')).toEqual({ 户主或与户主关系: '户主' });
  });

  it('takes the first row where the label has a value (a blank 其他住址 before 住址)', () => {
    const p = page(line(0, '本市（县）其他住址', 200, '宗教信仰'), line(1, '住址', 40, '湖南省长沙市岳麓区'));
    expect(values(p, ['住址'], 'household-register')).toEqual({ 住址: '湖南省长沙市岳麓区' });
  });

  it('reads letter-spaced labels split into words, both the one asked for and the next', () => {
    const p = page(
      line(0, '姓', 60, '名', 40, '王五', 30, '性', 60, '别', 40, '男'),
      line(1, '民', 60, '族', 40, '汉', 30, '出', 20, '生', 20, '日', 20, '期', 40, '1990年3月7日'),
    );
    expect(values(p, ['姓名', '性别', '民族', '出生日期'], 'household-register')).toEqual({
      姓名: '王五',
      性别: '男',
      民族: '汉',
      出生日期: '1990年3月7日',
    });
  });

  it('cuts a word that runs on from the label', () => {
    const p = page(line(0, '姓名张三', 30, '性别', 40, '男'));
    const f = field(p, '姓名', 'household-register')!;
    expect(f.value).toBe('张三');
    const w = p.lines[0]!.words[0]!.bbox;
    expect(f.bbox).toEqual({ ...w, x0: w.x0 + 2 * GLYPH });
  });

  it('uses the labels of the slot’s document kind in the pre-check', () => {
    // No 户口簿 keyword on the page: only the slot says it is one, and 曾用名 ends the name's cell.
    const slot: MaterialSlotRules = { kind: 'household-register', rules: ['required-fields'], requiredFields: ['姓名'] };
    const p = page(line(0, '姓名', 40, '张三', 30, '曾用名', 40, '张山'));
    expect(extractFields(slot, [p]).find((f) => f.key === 'label:姓名')?.value).toBe('张三');
    const form: MaterialSlotRules = { ...slot, kind: 'other' };
    expect(extractFields(form, [p]).find((f) => f.key === 'label:姓名')?.value).toBe('张三曾用名张山');
  });
});
