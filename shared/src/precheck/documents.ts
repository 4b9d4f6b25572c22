import { isValidUscc } from '../validators/uscc';
import { findUscc, onlyCjk } from './text';
import { cellValue, labelPattern, type CellValue } from './cells';
import { findLabel, rowsOf, type Row } from './layout';
import type { DocumentKind, ExtractedField, PageOcr } from './types';

/** 营业执照, 户口簿 and form pages: labels found with values. Pure. */

function conf(words: ReadonlyArray<{ confidence: number }>): number {
  return words.length ? Math.round(words.reduce((s, w) => s + w.confidence, 0) / words.length) : 0;
}

export function extractBusinessLicence(page: PageOcr): ExtractedField[] {
  const rows = rowsOf(page.lines);
  const out: ExtractedField[] = [];
  const codeLabel = findLabel(rows, /信用代码|社会信用/, { anywhere: true });
  // The code is printed under its label (or beside it); search near the label first, then the page.
  const near = codeLabel
    ? rows.filter(
        (r) =>
          r.bbox.y0 >= codeLabel.row.bbox.y0 - 5 && r.bbox.y0 < codeLabel.row.bbox.y1 + 3 * (codeLabel.row.bbox.y1 - codeLabel.row.bbox.y0),
      )
    : [];
  for (const scope of [near, rows]) {
    const row = scope.find((r) => findUscc(r.text, isValidUscc));
    if (row) {
      const codeWords = row.words.filter((w) => /[0-9A-Z]{4,}/i.test(w.text));
      out.push({
        key: 'uscc',
        label: '统一社会信用代码',
        value: findUscc(row.text, isValidUscc)!,
        confidence: conf(codeWords),
        page: page.index,
        bbox: row.words.length ? boxOf(codeWords.length ? codeWords : row.words) : row.bbox,
      });
      break;
    }
  }
  const name = findLabel(rows, /^.?名.?称/);
  if (name) {
    const value = onlyCjk(name.value).replace(/^称/, '');
    if (value)
      out.push({
        key: 'companyName',
        label: '名称',
        value,
        confidence: conf(name.valueWords),
        page: page.index,
        ...(name.valueBbox ? { bbox: name.valueBbox } : {}),
      });
  }
  const rep = findLabel(rows, /法定代表人|负责人|经营者/, { anywhere: true });
  if (rep) {
    const value = onlyCjk(rep.value);
    if (value)
      out.push({
        key: 'legalRep',
        label: '法定代表人',
        value,
        confidence: conf(rep.valueWords),
        page: page.index,
        ...(rep.valueBbox ? { bbox: rep.valueBbox } : {}),
      });
  }
  return out;
}

function boxOf(words: ReadonlyArray<{ bbox: { x0: number; y0: number; x1: number; y1: number } }>) {
  return {
    x0: Math.min(...words.map((w) => w.bbox.x0)),
    y0: Math.min(...words.map((w) => w.bbox.y0)),
    x1: Math.max(...words.map((w) => w.bbox.x1)),
    y1: Math.max(...words.map((w) => w.bbox.y1)),
  };
}

/**
 * Labels each kind of document prints: where the value of the cell before them ends (cells.ts).
 * 户口簿: the fields of a 常住人口登记卡 and its 户主页.
 */
const PRINTED_LABELS: Record<DocumentKind, readonly string[]> = {
  'household-register': [
    '姓名',
    '户主或与户主关系',
    '曾用名',
    '性别',
    '出生地',
    '民族',
    '籍贯',
    '出生日期',
    '其他住址',
    '宗教信仰',
    '公民身份号码',
    '身高',
    '血型',
    '文化程度',
    '婚姻状况',
    '兵役状况',
    '服务处所',
    '职业',
    '何时由何地迁来',
    '住址',
    '户别',
    '户主姓名',
    '户号',
    '承办人签章',
    '登记日期',
  ],
  'id-card-front': ['姓名', '性别', '民族', '出生', '住址', '公民身份号码'],
  'id-card-back': ['签发机关', '有效期限'],
  'business-licence': ['统一社会信用代码', '名称', '类型', '法定代表人', '经营范围', '注册资本', '成立日期', '营业期限', '住所'],
  'application-form': [
    '姓名',
    '性别',
    '民族',
    '出生日期',
    '公民身份号码',
    '身份证号码',
    '联系电话',
    '住址',
    '工作单位',
    '申请事项',
    '签名',
  ],
  generic: [],
};

/**
 * For `required-fields`: each configured label, found on some page with a value in its own cell.
 * `kinds` (one per page, as the slot reads them) say which printed labels end a cell; by default
 * each page's look decides.
 */
export function extractLabelledFields(
  pages: ReadonlyArray<PageOcr>,
  labels: ReadonlyArray<string>,
  kinds: ReadonlyArray<DocumentKind> = pages.map((p) => classifyPage(p)),
): ExtractedField[] {
  const out: ExtractedField[] = [];
  const scanned = pages.map((p, i) => ({
    index: p.index,
    rows: rowsOf(p.lines),
    stops: [...PRINTED_LABELS[kinds[i] ?? 'generic'], ...labels],
  }));
  for (const label of labels) {
    for (const { index, rows, stops } of scanned) {
      const cell = filledCell(rows, labelPattern(label), stops);
      if (cell) {
        out.push({
          key: `label:${label}`,
          label,
          value: cell.value,
          confidence: conf(cell.words),
          page: index,
          ...(cell.bbox ? { bbox: cell.bbox } : {}),
        });
        break;
      }
    }
  }
  return out;
}

/** The first row printing the label whose cell holds a value (a form may print a label twice, once left blank). */
function filledCell(rows: ReadonlyArray<Row>, label: RegExp, stops: ReadonlyArray<string>): CellValue | undefined {
  let rest = rows;
  for (let hit = findLabel(rest, label, { anywhere: true }); hit; hit = findLabel(rest, label, { anywhere: true })) {
    const cell = cellValue(hit, stops);
    if (/[\p{L}\p{N}]/u.test(cell.value)) return cell;
    rest = rest.slice(rest.indexOf(hit.row) + 1);
  }
  return undefined;
}

const SIGNATURES: Array<[DocumentKind, RegExp]> = [
  // Most specific first: a 户口簿 page also prints 公民身份号码 and 住址.
  ['household-register', /常住人口登记卡|户主或与户主关系|户口/],
  ['business-licence', /营业执照|统一社会信用代码|法定代表人/],
  ['id-card-back', /签发机关|有效期限|居民身份证/],
  ['id-card-front', /公民身份号码|身份号码|姓名.*性别|住址/],
];

/** What a page looks like, from printed keywords; `generic` when nothing characteristic is found. */
export function classifyPage(page: Pick<PageOcr, 'lines'>): DocumentKind {
  const text = rowsOf(page.lines)
    .map((r: Row) => r.text)
    .join('\n');
  for (const [kind, re] of SIGNATURES) if (re.test(text)) return kind;
  return 'generic';
}
