import type { LabelHit } from './layout';
import { unionBbox, type Bbox, type OcrWord } from './types';

/**
 * Where a labelled value ends on a printed table row. An OCR row runs across every cell of the
 * table row ("姓名 张三 | 户主或与户主关系 户主"); the value of a label is only its own cell: it
 * stops at a ruled border OCR read as a character, at a gap much wider than the text, or at the
 * next printed label. Pure, geometry from the word boxes only.
 */

/** What OCR reads from a table's ruled borders. */
const RULE = /[|｜丨¦[\]【】]/;
/** Skipped between a label and its value, and trimmed off a value's end. */
const SEPARATOR = /[\s:：|｜丨¦[\]【】]/;
/** A gap this many line heights wide is a column or cell border, not a space between words (a full-width space is ≈ 1). */
const CELL_GAP = 2;
/** A short label (民族, 职业) ends a value only when set apart by this much — inside a value it is just text (民族路, 职业学院). */
const LABEL_GAP = 0.5;
/** Labels this long are distinctive enough to end a value wherever a word starts with them. */
const DISTINCTIVE_LENGTH = 4;

/** A printed label as a pattern: letter-spaced labels lose their spaces in rows; one garbled character is allowed between characters. */
export function labelPattern(label: string): RegExp {
  const chars = [...label].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(chars.join('.?'));
}

export interface CellValue {
  /** The cell's text; words run together except where two Latin letters or digits meet. */
  value: string;
  /** Words that gave at least one character of the value. */
  words: OcrWord[];
  /** Box of the kept characters (a word cut by the label or a border is cut in proportion). */
  bbox?: Bbox;
}

interface Glyph {
  ch: string;
  /** Index in the row's text (UTF-16 units, as findLabel counts). */
  offset: number;
  word: number;
  /** First character of its word. */
  wordStart: boolean;
  bbox: Bbox;
}

function glyphsOf(words: ReadonlyArray<OcrWord>): Glyph[] {
  const out: Glyph[] = [];
  let offset = 0;
  words.forEach((w, word) => {
    const chars = [...w.text];
    const step = (w.bbox.x1 - w.bbox.x0) / Math.max(1, chars.length);
    chars.forEach((ch, k) => {
      out.push({
        ch,
        word,
        wordStart: k === 0,
        offset,
        bbox: { ...w.bbox, x0: Math.round(w.bbox.x0 + step * k), x1: Math.round(w.bbox.x0 + step * (k + 1)) },
      });
      offset += ch.length;
    });
  });
  return out;
}

/** Median height of the row's text words; a border read as "|" is as tall as the row, not the text. */
function lineHeight(words: ReadonlyArray<OcrWord>): number {
  const text = words.filter((w) => ![...w.text].every((c) => RULE.test(c)));
  const hs = (text.length ? text : words).map((w) => w.bbox.y1 - w.bbox.y0).sort((a, b) => a - b);
  return hs[Math.floor(hs.length / 2)] ?? 0;
}

const isAlnum = (c: string) => /[A-Za-z0-9]/.test(c);

/**
 * The value of `hit`'s label, cut at the end of its cell. `stopLabels` are the other labels the
 * document prints (a value that begins with one is empty: the label's own cell was left blank).
 */
export function cellValue(hit: LabelHit, stopLabels: ReadonlyArray<string>): CellValue {
  const words = hit.row.words;
  const glyphs = glyphsOf(words);
  const h = lineHeight(words);
  const stops = stopLabels.map((l) => ({
    re: new RegExp(`^(?:${labelPattern(l).source})`),
    distinctive: [...l].length >= DISTINCTIVE_LENGTH,
  }));
  // findLabel's value is the row's text from the label's end.
  const start = hit.row.text.length - hit.value.length;
  let i = glyphs.findIndex((g) => g.offset >= start);
  if (i < 0) return { value: '', words: [] };
  while (i < glyphs.length && SEPARATOR.test(glyphs[i]!.ch)) i++;

  const kept: Glyph[] = [];
  let right = -Infinity; // right edge of the kept words (OCR boxes of a line's first word may overlap the next ones)
  for (; i < glyphs.length; i++) {
    const g = glyphs[i]!;
    if (kept.length && RULE.test(g.ch)) break;
    if (g.wordStart || kept.length === 0) {
      const gap = kept.length ? words[g.word]!.bbox.x0 - right : Infinity;
      if (kept.length && gap > CELL_GAP * h) break;
      const label = stops.find((s) => s.re.test(hit.row.text.slice(g.offset)));
      if (label && (label.distinctive || gap >= LABEL_GAP * h)) break;
    }
    kept.push(g);
    right = Math.max(right, words[g.word]!.bbox.x1);
  }
  while (kept.length && SEPARATOR.test(kept[kept.length - 1]!.ch)) kept.pop();

  const value = kept
    .map((g, k) => (k > 0 && g.word !== kept[k - 1]!.word && isAlnum(g.ch) && isAlnum(kept[k - 1]!.ch) ? ' ' : '') + g.ch)
    .join('');
  const used = [...new Set(kept.map((g) => g.word))].map((k) => words[k]!);
  const bbox = unionBbox(kept.map((g) => g.bbox));
  return { value, words: used, ...(bbox ? { bbox } : {}) };
}
