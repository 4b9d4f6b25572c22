import { unionBbox, type Bbox, type OcrLine, type OcrWord, type PageOcr } from './types';

/**
 * Layout helpers over recognised words. Tesseract splits a printed row differently by page
 * segmentation mode ("姓 名 张晓明" as one line, or label and value as two), so rules work on
 * rows: words whose vertical extents overlap, left to right.
 */
export interface Row {
  words: OcrWord[];
  bbox: Bbox;
  /** Text without spaces (Chinese has none between words; tesseract inserts them). */
  text: string;
}

const centreY = (b: Bbox) => (b.y0 + b.y1) / 2;

export function rowsOf(lines: ReadonlyArray<OcrLine>): Row[] {
  const all = lines.flatMap((l) => l.words).filter((w) => w.text.trim() !== '');
  if (all.length === 0) return [];
  // Words far taller than the text (a photo or seal read as a "word") would glue rows together.
  const heights = all.map((w) => w.bbox.y1 - w.bbox.y0).sort((a, b) => a - b);
  const typical = heights[Math.floor(heights.length / 2)]!;
  const words = all.filter((w) => w.bbox.y1 - w.bbox.y0 <= typical * 2.5);
  words.sort((a, b) => centreY(a.bbox) - centreY(b.bbox));
  const rows: Array<{ words: OcrWord[]; y0: number; y1: number }> = [];
  for (const w of words) {
    const c = centreY(w.bbox);
    // Same row when the centre falls inside the row's band (the band of its first word, so rows never creep).
    const row = rows.find((r) => c >= r.y0 && c <= r.y1);
    if (row) row.words.push(w);
    else rows.push({ words: [w], y0: w.bbox.y0, y1: w.bbox.y1 });
  }
  return rows.map(({ words: ws }) => {
    ws.sort((a, b) => a.bbox.x0 - b.bbox.x0);
    return { words: ws, bbox: unionBbox(ws.map((w) => w.bbox))!, text: ws.map((w) => w.text).join('') };
  });
}

export function pageText(page: Pick<PageOcr, 'lines'>): string {
  return rowsOf(page.lines)
    .map((r) => r.text)
    .join('\n');
}

export interface LabelHit {
  row: Row;
  /** Box of the words that make up the label. */
  labelBbox: Bbox;
  /** Words after the label on the same row. */
  valueWords: OcrWord[];
  value: string;
  valueBbox?: Bbox;
}

/**
 * Finds a printed label in a row. `pattern` matches the label at the start of the row's text (or
 * anywhere with `anywhere`); OCR often garbles one of two letter-spaced characters, so callers
 * pass alternatives like /^[姓竹]?名/.
 */
export function findLabel(rows: ReadonlyArray<Row>, pattern: RegExp, opts: { anywhere?: boolean } = {}): LabelHit | undefined {
  for (const row of rows) {
    const m = pattern.exec(row.text);
    if (!m || (!opts.anywhere && m.index > 1)) continue;
    const end = m.index + m[0].length;
    const label: OcrWord[] = [];
    const value: OcrWord[] = [];
    let pos = 0;
    for (const w of row.words) {
      const [ws, we] = [pos, pos + w.text.length];
      pos = we;
      if (we > m.index && ws < end) label.push(w);
      // A word straddling the label's end ("名张晓明") also carries value text.
      if (we > end) value.push(w);
    }
    return {
      row,
      labelBbox: unionBbox(label.map((w) => w.bbox)) ?? row.bbox,
      valueWords: value,
      value: row.text.slice(end),
      valueBbox: unionBbox(value.map((w) => w.bbox)),
    };
  }
  return undefined;
}

export function expand(b: Bbox, dx: number, dy: number, limit: { width: number; height: number }): Bbox {
  return {
    x0: Math.max(0, Math.round(b.x0 - dx)),
    y0: Math.max(0, Math.round(b.y0 - dy)),
    x1: Math.min(limit.width, Math.round(b.x1 + dx)),
    y1: Math.min(limit.height, Math.round(b.y1 + dy)),
  };
}

/** Mean word confidence weighted by characters (long words count more), 0–100. */
export function meanConfidence(lines: ReadonlyArray<OcrLine>): number {
  let sum = 0;
  let n = 0;
  for (const w of lines.flatMap((l) => l.words)) {
    const len = w.text.trim().length;
    sum += w.confidence * len;
    n += len;
  }
  return n === 0 ? 0 : sum / n;
}

export function wordCount(lines: ReadonlyArray<OcrLine>): number {
  return lines.reduce((n, l) => n + l.words.filter((w) => w.text.trim() !== '').length, 0);
}
