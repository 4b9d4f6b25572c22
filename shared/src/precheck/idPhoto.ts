import { locateFront } from './idCard';
import type { Bbox, PageOcr } from './types';

/**
 * Where to look for the portrait on a 居民身份证 front, from the text the pre-check read. The card
 * prints its labels in one left column (姓名, 性别, 出生, 住址 above, 公民身份号码 at the bottom) and the
 * photo to the right of that text block, above the ID number row. The distance from the 姓名 row
 * to the ID number row is the card's scale (`unit`): every other distance is a fixed share of it,
 * whatever the scan's resolution. Pure: the server finds the photo's edges in the pixels (idPhotoRegion.ts).
 */

export interface IdPhotoSearch {
  /** Card scale in page pixels: from the 姓名 row's centre to the ID number row's centre. */
  unit: number;
  /** Where the card layout puts the photo. */
  expected: Bbox;
  /** Where to look for it: right of the text block, above the ID number row. */
  window: Bbox;
  /** Plain card among the labels: the background the photo stands out from. */
  background: Bbox;
}

/** Label rows' centres below the 姓名 row, in units (2nd-generation card layout). */
const ROW_AT = { name: 0, sex: 0.17, birth: 0.35, address: 0.52 } as const;
/** The photo relative to the label column's left edge and the 姓名 row's centre, in units. */
const PHOTO = { x0: 1.4, x1: 1.96, y0: -0.04, y1: 0.65 } as const;
/** Text starting right of this (in units from the label column) belongs to the photo area, not the text block. */
const TEXT_BLOCK_MAX_X = 1.3;
/** Sizes a photo can have, in units, and its height over width (26 × 32 mm on a real card). */
const PHOTO_LIMITS = { minW: 0.35, maxW: 0.85, minH: 0.45, maxH: 0.95, minAspect: 1, maxAspect: 1.6 } as const;

const centreY = (b: Bbox) => (b.y0 + b.y1) / 2;
const clampBox = (b: Bbox, page: { width: number; height: number }): Bbox => ({
  x0: Math.max(0, Math.round(b.x0)),
  y0: Math.max(0, Math.round(b.y0)),
  x1: Math.min(page.width, Math.round(b.x1)),
  y1: Math.min(page.height, Math.round(b.y1)),
});

/** The search for the photo, or undefined when the page lacks the ID number row or every label left of it. */
export function idPhotoSearch(page: PageOcr): IdPhotoSearch | undefined {
  const hits = locateFront(page);
  if (!hits.idNumber) return undefined;
  const idY = centreY(hits.idNumber.labelBbox);
  const idTop = hits.idNumber.row.bbox.y0;
  const labels = (Object.keys(ROW_AT) as Array<keyof typeof ROW_AT>).flatMap((key) => {
    const hit = hits[key];
    return hit && centreY(hit.labelBbox) < idTop ? [{ at: ROW_AT[key], box: hit.labelBbox }] : [];
  });
  const top = labels[0];
  if (!top) return undefined;
  // The topmost label found fixes where the 姓名 row is, even when 姓名 itself was misread.
  const nameY = (centreY(top.box) - top.at * idY) / (1 - top.at);
  const unit = idY - nameY;
  if (unit <= 0) return undefined;
  const left = Math.min(...labels.map((l) => l.box.x0));
  const at = (x: number, y: number) => ({ x: left + x * unit, y: nameY + y * unit });

  const blockWords = hits.rows
    .filter((r) => r !== hits.idNumber!.row && centreY(r.bbox) > nameY - 0.1 * unit && centreY(r.bbox) < idTop)
    .flatMap((r) => r.words)
    .filter((w) => w.bbox.x0 >= left - 0.1 * unit && w.bbox.x0 < at(TEXT_BLOCK_MAX_X, 0).x);
  const textRight = Math.max(left + 0.3 * unit, ...blockWords.map((w) => w.bbox.x1));

  const expected = clampBox({ x0: at(PHOTO.x0, 0).x, y0: at(0, PHOTO.y0).y, x1: at(PHOTO.x1, 0).x, y1: at(0, PHOTO.y1).y }, page);
  const window = clampBox(
    { x0: Math.max(textRight + 0.02 * unit, at(1.15, 0).x), y0: nameY - 0.3 * unit, x1: at(2.25, 0).x, y1: idTop - 0.02 * unit },
    page,
  );
  if (window.x1 - window.x0 < PHOTO_LIMITS.minW * unit || window.y1 - window.y0 < PHOTO_LIMITS.minH * unit) return undefined;
  const background = clampBox({ x0: left, y0: nameY, x1: Math.min(textRight, at(1.1, 0).x), y1: idTop }, page);
  return { unit, expected, window, background };
}

/** Whether a box found in the window has the size and shape of an ID photo on this card. */
export function isPlausiblePhoto(box: Bbox, search: Pick<IdPhotoSearch, 'unit'>): boolean {
  const w = (box.x1 - box.x0) / search.unit;
  const h = (box.y1 - box.y0) / search.unit;
  const l = PHOTO_LIMITS;
  return w >= l.minW && w <= l.maxW && h >= l.minH && h <= l.maxH && h / w >= l.minAspect && h / w <= l.maxAspect;
}

/** Intersection over union of two boxes, 0–1. */
export function iou(a: Bbox, b: Bbox): number {
  const w = Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0));
  const h = Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));
  const inter = w * h;
  const area = (x: Bbox) => (x.x1 - x.x0) * (x.y1 - x.y0);
  const union = area(a) + area(b) - inter;
  return union > 0 ? inter / union : 0;
}
