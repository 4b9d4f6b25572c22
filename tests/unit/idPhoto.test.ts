import { describe, expect, it } from 'vitest';
import { idPhotoSearch, iou, isPlausiblePhoto } from '@tongban/shared/precheck/idPhoto';
import { evaluateMaterial, extractFields } from '@tongban/shared/precheck/rules';
import type { Bbox, MaterialSlotRules, OcrLine, PageOcr } from '@tongban/shared/precheck/types';

/**
 * Rows of [text, x0, y0, x1, y1] as tesseract read the generated ID card front (1082 × 700 page,
 * portrait truly at 739,106–994,423), garbled birth row included.
 */
const CARD_ROWS: Array<Array<[string, number, number, number, number]>> = [
  [
    ['姓', 99, 115, 123, 139],
    ['名', 165, 114, 176, 139],
    ['张晓明', 222, 107, 333, 142],
  ],
  [
    ['性', 98, 196, 122, 220],
    ['别', 170, 196, 178, 221],
    ['男', 222, 191, 249, 221],
    ['民族', 364, 196, 443, 221],
    ['汉', 486, 191, 517, 221],
  ],
  [
    ['出', 100, 278, 122, 302],
    ['去', 138, 272, 162, 314],
    ['生', 154, 278, 178, 302],
    ['990', 222, 276, 331, 302],
    ['年', 321, 272, 348, 314],
    ['月', 397, 272, 427, 314],
  ],
  [
    ['住', 98, 360, 123, 383],
    ['址', 171, 360, 178, 383],
    ['广东省广州市天河区天河路', 226, 355, 621, 384],
    ['12', 620, 351, 645, 397],
  ],
  [['3号华景花园5栋1203房', 221, 400, 553, 447]],
  [
    ['公民', 99, 574, 155, 599],
    ['身份', 169, 574, 242, 599],
    ['号', 261, 574, 268, 597],
    ['码', 273, 574, 286, 599],
    ['110105199003071239', 381, 569, 870, 599],
  ],
];
const PORTRAIT: Bbox = { x0: 739, y0: 106, x1: 994, y1: 423 };
const SIZE = { width: 1082, height: 700 };

type Transform = (b: Bbox) => Bbox;
const same: Transform = (b) => b;

function cardPage(rows = CARD_ROWS, tf: Transform = same, size = SIZE): PageOcr {
  const lines: OcrLine[] = rows.map((ws) => {
    const words = ws.map(([text, x0, y0, x1, y1]) => ({ text, confidence: 90, bbox: tf({ x0, y0, x1, y1 }) }));
    return { text: ws.map((w) => w[0]).join(' '), confidence: 90, bbox: words[0]!.bbox, words };
  });
  return { index: 0, ...size, lines, hash: '0123456789abcdef', inkRatio: 0.05, rotationDeg: 0 };
}

const scaleBy =
  (k: number, dx = 0, dy = 0): Transform =>
  (b) => ({ x0: b.x0 * k + dx, y0: b.y0 * k + dy, x1: b.x1 * k + dx, y1: b.y1 * k + dy });
const inside = (inner: Bbox, outer: Bbox) => inner.x0 >= outer.x0 && inner.y0 >= outer.y0 && inner.x1 <= outer.x1 && inner.y1 <= outer.y1;

describe('where the card layout puts the ID photo', () => {
  it('derives the photo from the label column, the 姓名 row and the ID number row', () => {
    const s = idPhotoSearch(cardPage())!;
    expect(s.unit).toBeGreaterThan(440);
    expect(s.unit).toBeLessThan(480);
    expect(iou(s.expected, PORTRAIT)).toBeGreaterThan(0.85);
    // The search window holds the whole photo but none of the text block or the ID number row.
    expect(inside(PORTRAIT, s.window)).toBe(true);
    expect(s.window.x0).toBeGreaterThanOrEqual(645);
    expect(s.window.y1).toBeLessThanOrEqual(569);
    // The background patch is the text block, left of the photo.
    expect(s.background.x1).toBeLessThanOrEqual(PORTRAIT.x0);
  });

  it('scales and moves with the card: a scan at twice the resolution, off-centre', () => {
    const tf = scaleBy(2, 60, 40);
    const s = idPhotoSearch(cardPage(CARD_ROWS, tf, { width: 2400, height: 1500 }))!;
    expect(iou(s.expected, tf(PORTRAIT))).toBeGreaterThan(0.85);
    expect(s.unit).toBeCloseTo(2 * idPhotoSearch(cardPage())!.unit, 5);
  });

  it('still places the photo when 姓名 was misread: the 性别 and 住址 rows fix where the 姓名 row is', () => {
    const rows = CARD_ROWS.map((r, i) => (i === 0 ? r.map(([, ...b]) => ['口口', ...b] as [string, number, number, number, number]) : r));
    const s = idPhotoSearch(cardPage(rows))!;
    expect(iou(s.expected, PORTRAIT)).toBeGreaterThan(0.8);
  });

  it('finds the ID number row by its 18 digits when its label is garbled', () => {
    const rows = CARD_ROWS.map((r, i) => (i === 5 ? r.filter(([text]) => /^\d{18}$/.test(text)) : r));
    const s = idPhotoSearch(cardPage(rows))!;
    expect(iou(s.expected, PORTRAIT)).toBeGreaterThan(0.8);
  });

  it('gives up without the ID number row or without any label left of the photo', () => {
    expect(idPhotoSearch(cardPage(CARD_ROWS.slice(0, 5)))).toBeUndefined();
    expect(idPhotoSearch(cardPage(CARD_ROWS.slice(4)))).toBeUndefined();
  });

  it('accepts only photo-sized, portrait-shaped boxes', () => {
    const unit = 450;
    expect(isPlausiblePhoto(PORTRAIT, { unit })).toBe(true);
    expect(isPlausiblePhoto({ x0: 700, y0: 100, x1: 1000, y1: 200 }, { unit })).toBe(false); // a flat strip
    expect(isPlausiblePhoto({ x0: 700, y0: 100, x1: 760, y1: 180 }, { unit })).toBe(false); // a stain
    expect(isPlausiblePhoto({ x0: 300, y0: 50, x1: 1000, y1: 500 }, { unit })).toBe(false); // half the card
  });

  it('measures overlap as intersection over union', () => {
    expect(iou(PORTRAIT, PORTRAIT)).toBe(1);
    expect(iou({ x0: 0, y0: 0, x1: 10, y1: 10 }, { x0: 5, y0: 0, x1: 15, y1: 10 })).toBeCloseTo(1 / 3, 5);
    expect(iou({ x0: 0, y0: 0, x1: 10, y1: 10 }, { x0: 20, y0: 20, x1: 30, y1: 30 })).toBe(0);
  });
});

describe('the finding when no photo was found', () => {
  const FRONT: MaterialSlotRules = { kind: 'id-card', rules: ['id-card-front'] };
  const evaluate = (p: PageOcr) =>
    evaluateMaterial({ slot: FRONT, pages: [p], fields: extractFields(FRONT, [p]), expectations: {}, intakeDate: '2026-01-10' });

  it('warns the clerk, on that page, to rescan the photo side when the photo was looked for and not found', () => {
    const f = evaluate({ ...cardPage(), photo: null }).find((x) => x.code === 'ID_PHOTO_NOT_FOUND')!;
    expect(f).toMatchObject({ severity: 'warn', page: 0, rule: 'id-card-front' });
    expect(f.message_zh).toContain('重新扫描');
  });

  it('says nothing when the photo was found, or not looked for (a result from before photos were located)', () => {
    const found = { box: PORTRAIT, source: 'image' as const, confidence: 0.99 };
    expect(evaluate({ ...cardPage(), photo: found }).map((x) => x.code)).not.toContain('ID_PHOTO_NOT_FOUND');
    expect(evaluate(cardPage()).map((x) => x.code)).not.toContain('ID_PHOTO_NOT_FOUND');
  });
});
