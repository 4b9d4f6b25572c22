import { findIdNumber, onlyCjk, parseDate, parseValidity } from './text';
import { expand, findLabel, rowsOf, type LabelHit, type Row } from './layout';
import { unionBbox, type Bbox, type ExtractedField, type FieldRegion, type PageOcr } from './types';

/**
 * 居民身份证 field extraction. Whole-page OCR finds the printed labels; each value region next
 * to a label is then read again on its own as one line (names in bold, 2–3 characters, are
 * what whole-page recognition gets wrong most). Pure: the recogniser passes the line reads in.
 */

export interface LineRead {
  text: string;
  confidence: number;
  bbox: Bbox;
}

const FRONT_LABELS = {
  name: { label: '姓名', re: /^.?[姓竹娃]?[名各]/ },
  sex: { label: '性别', re: /^.?[性]?[别剔]/ },
  ethnicity: { label: '民族', re: /民[族旅]|族/ },
  birth: { label: '出生', re: /^.?[出]?[生]/ },
  address: { label: '住址', re: /^.?[住佳]?[址垃址]/ },
  idNumber: { label: '公民身份号码', re: /公?民?身份?号?码/ },
} as const;

export type IdFrontKey = keyof typeof FRONT_LABELS;

/** The printed labels of an ID card front found on the page (the ID number row even when its label is garbled). */
export function locateFront(page: PageOcr): Partial<Record<IdFrontKey, LabelHit>> & { rows: Row[] } {
  const rows = rowsOf(page.lines);
  const hits: Partial<Record<IdFrontKey, LabelHit>> & { rows: Row[] } = { rows };
  for (const key of Object.keys(FRONT_LABELS) as IdFrontKey[]) {
    const hit = findLabel(rows, FRONT_LABELS[key].re, { anywhere: key === 'idNumber' || key === 'ethnicity' });
    if (hit) hits[key] = hit;
  }
  // The ID number row is the most reliable anchor: 18 digits even when its label is garbled.
  if (!hits.idNumber) {
    const row = rows.find((r) => findIdNumber(r.text));
    if (row) hits.idNumber = { row, labelBbox: row.bbox, valueWords: row.words, value: row.text, valueBbox: row.bbox };
  }
  return hits;
}

/** Regions to read again as single lines: the name and the ID number. */
export function idCardFrontRegions(page: PageOcr): FieldRegion[] {
  const hits = locateFront(page);
  const out: FieldRegion[] = [];
  const size = { width: page.width, height: page.height };
  const name = hits.name;
  if (name) {
    const h = name.labelBbox.y1 - name.labelBbox.y0;
    // From just after the label to where the photo starts (≈ 2/3 of the card), a bit taller than the
    // label because names are printed larger.
    const x0 = name.labelBbox.x1 + h * 0.4;
    const x1 = Math.max(name.valueBbox?.x1 ?? 0, x0 + h * 9);
    out.push({
      key: 'name',
      label: '姓名',
      mode: 'line',
      bbox: expand({ x0, y0: name.labelBbox.y0, x1, y1: name.labelBbox.y1 }, 0, h * 0.6, size),
    });
  }
  const id = hits.idNumber;
  if (id) {
    const box = id.valueBbox && id.valueWords.length ? id.valueBbox : id.row.bbox;
    const h = box.y1 - box.y0;
    out.push({ key: 'idNumber', label: '公民身份号码', mode: 'line', charset: '0123456789X', bbox: expand(box, h * 0.5, h * 0.4, size) });
  }
  return out;
}

function field(key: string, label: string, value: string | undefined, confidence: number, page: number, bbox?: Bbox): ExtractedField[] {
  return value ? [{ key, label, value, confidence: Math.round(confidence), page, ...(bbox ? { bbox } : {}) }] : [];
}

function wordsConfidence(hit: LabelHit | undefined): number {
  const ws = hit?.valueWords ?? [];
  return ws.length ? ws.reduce((s, w) => s + w.confidence, 0) / ws.length : 0;
}

export function extractIdCardFront(page: PageOcr, reads: Partial<Record<string, LineRead>> = {}): ExtractedField[] {
  const hits = locateFront(page);
  const p = page.index;

  const nameRead = reads.name;
  const nameFromRead = nameRead ? onlyCjk(nameRead.text) : '';
  const nameFromPage = hits.name ? onlyCjk(hits.name.value) : '';
  const name = nameFromRead.length >= 2 ? nameFromRead : nameFromPage;
  const nameConf = name === nameFromRead ? (nameRead?.confidence ?? 0) : wordsConfidence(hits.name);
  const nameBox = name === nameFromRead ? nameRead?.bbox : hits.name?.valueBbox;

  // 性别 and 民族 share a row; the 民族 label splits it.
  const sexRowText = hits.sex?.value ?? '';
  const sex = /男/.test(sexRowText.split(/民/)[0] ?? '') ? '男' : /女/.test(sexRowText.split(/民/)[0] ?? '') ? '女' : undefined;
  const ethnicityText = hits.ethnicity ? onlyCjk(hits.ethnicity.value).replace(/^族/, '').replace(/族$/, '') : '';
  const ethnicity = ethnicityText.slice(0, 4) || undefined;

  const birth = hits.birth ? parseDate(hits.birth.value) : undefined;

  // 住址 runs over the rows under its label until the ID number row, indented to the value column.
  let address: string | undefined;
  let addressBox: Bbox | undefined;
  let addressConf = 0;
  if (hits.address) {
    const stopY = hits.idNumber?.row.bbox.y0 ?? page.height;
    const indent = hits.address.labelBbox.x1;
    const h = hits.address.labelBbox.y1 - hits.address.labelBbox.y0;
    const more = hits.rows.filter((r) => r.bbox.y0 > hits.address!.row.bbox.y1 - h * 0.3 && r.bbox.y1 < stopY && r.bbox.x0 > indent - h);
    const words = [...hits.address.valueWords, ...more.flatMap((r) => r.words)].filter((w) => w.bbox.x0 < page.width * 0.68); // the photo starts at ≈ 2/3 of the card
    address =
      words
        .map((w) => w.text)
        .join('')
        .replace(/[^\u3400-\u9fff0-9A-Za-z\-－()（）#]/g, '') || undefined;
    addressBox = unionBbox(words.map((w) => w.bbox));
    addressConf = words.length ? words.reduce((s, w) => s + w.confidence, 0) / words.length : 0;
  }

  const idRead = reads.idNumber;
  const idFromRead = idRead ? findIdNumber(idRead.text) : undefined;
  const idFromPage = hits.idNumber ? (findIdNumber(hits.idNumber.value) ?? findIdNumber(hits.idNumber.row.text)) : undefined;
  const idNumber = idFromRead ?? idFromPage;
  const idConf = idFromRead ? (idRead?.confidence ?? 0) : wordsConfidence(hits.idNumber);
  const idBox = idFromRead ? idRead?.bbox : hits.idNumber?.valueBbox;

  return [
    ...field('name', '姓名', name || undefined, nameConf, p, nameBox),
    ...field('sex', '性别', sex, wordsConfidence(hits.sex), p, hits.sex?.valueWords[0]?.bbox),
    ...field('ethnicity', '民族', ethnicity, wordsConfidence(hits.ethnicity), p, hits.ethnicity?.valueBbox),
    ...field('birth', '出生', birth, wordsConfidence(hits.birth), p, hits.birth?.valueBbox),
    ...field('address', '住址', address, addressConf, p, addressBox),
    ...field('idNumber', '公民身份号码', idNumber, idConf, p, idBox),
  ];
}

export function extractIdCardBack(page: PageOcr): ExtractedField[] {
  const rows = rowsOf(page.lines);
  const p = page.index;
  const authority = findLabel(rows, /签?发机?关|签发/, { anywhere: true });
  const validity = findLabel(rows, /有?效期?限|有效/, { anywhere: true });
  const out: ExtractedField[] = [];
  if (authority) {
    const v = onlyCjk(authority.value);
    out.push(...field('authority', '签发机关', v || undefined, wordsConfidence(authority), p, authority.valueBbox));
  }
  if (validity) {
    const v = parseValidity(validity.value);
    const conf = wordsConfidence(validity);
    out.push(...field('validFrom', '有效期限（起）', v.from, conf, p, validity.valueBbox));
    out.push(...field('validTo', '有效期限（止）', v.to, conf, p, validity.valueBbox));
  }
  return out;
}
