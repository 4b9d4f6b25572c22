import { isValidUscc } from '../validators/uscc';
import { findUscc, onlyCjk } from './text';
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
  const near = codeLabel ? rows.filter((r) => r.bbox.y0 >= codeLabel.row.bbox.y0 - 5 && r.bbox.y0 < codeLabel.row.bbox.y1 + 3 * (codeLabel.row.bbox.y1 - codeLabel.row.bbox.y0)) : [];
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
    if (value) out.push({ key: 'companyName', label: '名称', value, confidence: conf(name.valueWords), page: page.index, ...(name.valueBbox ? { bbox: name.valueBbox } : {}) });
  }
  const rep = findLabel(rows, /法定代表人|负责人|经营者/, { anywhere: true });
  if (rep) {
    const value = onlyCjk(rep.value);
    if (value) out.push({ key: 'legalRep', label: '法定代表人', value, confidence: conf(rep.valueWords), page: page.index, ...(rep.valueBbox ? { bbox: rep.valueBbox } : {}) });
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

function labelPattern(label: string): RegExp {
  // Letter-spaced labels lose their spaces in rows; allow one garbled character in longer labels.
  const chars = [...label].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(chars.join('.?'));
}

/** For `required-fields`: each configured label, found on some page with a value after it. */
export function extractLabelledFields(pages: ReadonlyArray<PageOcr>, labels: ReadonlyArray<string>): ExtractedField[] {
  const out: ExtractedField[] = [];
  const rowsByPage = pages.map((p) => [p.index, rowsOf(p.lines)] as const);
  for (const label of labels) {
    for (const [index, rows] of rowsByPage) {
      const hit = findLabel(rows, labelPattern(label), { anywhere: true });
      const value = hit?.value.replace(/^[:：\s|]+/, '').trim();
      if (hit && value && /[\p{L}\p{N}]/u.test(value)) {
        out.push({ key: `label:${label}`, label, value, confidence: conf(hit.valueWords), page: index, ...(hit.valueBbox ? { bbox: hit.valueBbox } : {}) });
        break;
      }
    }
  }
  return out;
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
