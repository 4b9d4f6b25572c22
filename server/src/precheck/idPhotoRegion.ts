import sharp from 'sharp';
import { idPhotoSearch, isPlausiblePhoto } from '@tongban/shared/precheck/idPhoto';
import type { Bbox, IdPhotoRegion, PageOcr } from '@tongban/shared/precheck/types';

/**
 * Finds the portrait on an ID card front page: the card layout (idPhoto.ts) says where to look,
 * the pixels say exactly where it is. A photo — hair, face, clothes, its backdrop — is much darker
 * than the pale card around it, so in a blurred copy (the card's fine guilloche lines blur away)
 * the photo is the one large block of pixels clearly darker than the card background. Its extent
 * is read from column and row profiles of that mask. null when no photo-sized block is there.
 */

/** Working scale: the card's unit (姓名 row to ID number row) this many pixels; enough for a box to ±1%. */
const WORK_UNIT_PX = 220;
/** Blur radius as a share of the unit: wider than a guilloche line or a glyph stroke, narrower than a face. */
const BLUR_UNITS = 0.005;
/** Grey levels darker than the card background that count as photo. */
const DARKER_BY = 14;
/** A column or row belongs to the photo when at least this share of it is darker than the card. */
const MIN_PROFILE_SHARE = 0.15;
/** Gaps in a profile up to this many units (a pale collar, a parting) do not split the photo. */
const MAX_GAP_UNITS = 0.03;
/** A real photo fills its box; below this the dark pixels are stray text or stains. */
const MIN_FILL = 0.3;
/** Dark pixels inside the expected box, above which the layout box is used when no edges were found. */
const MIN_LAYOUT_FILL = 0.35;

interface Gray {
  data: Buffer;
  width: number;
  height: number;
}

export async function locateIdPhoto(png: Buffer, page: PageOcr): Promise<IdPhotoRegion | null> {
  const search = idPhotoSearch(page);
  if (!search) return null;
  const scale = Math.min(1, WORK_UNIT_PX / search.unit);
  const width = Math.max(1, Math.round(page.width * scale));
  const height = Math.max(1, Math.round(page.height * scale));
  const sigma = Math.max(0.5, BLUR_UNITS * search.unit * scale);
  const { data, info } = await sharp(png)
    .resize(width, height, { fit: 'fill' })
    .blur(sigma)
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const img: Gray = { data, width: info.width, height: info.height };
  const toWork = (b: Bbox): Bbox => ({
    x0: Math.floor(b.x0 * scale),
    y0: Math.floor(b.y0 * scale),
    x1: Math.min(img.width, Math.ceil(b.x1 * scale)),
    y1: Math.min(img.height, Math.ceil(b.y1 * scale)),
  });
  const toPage = (b: Bbox): Bbox => ({
    x0: Math.max(0, Math.round(b.x0 / scale)),
    y0: Math.max(0, Math.round(b.y0 / scale)),
    x1: Math.min(page.width, Math.round(b.x1 / scale)),
    y1: Math.min(page.height, Math.round(b.y1 / scale)),
  });
  const threshold = median(img, toWork(search.background)) - DARKER_BY;
  const found = findDarkBlock(img, toWork(search.window), threshold, search.unit * scale);
  if (found && found.fill >= MIN_FILL && isPlausiblePhoto(toPage(found.box), search)) {
    return { box: toPage(found.box), source: 'image', confidence: round2(found.fill) };
  }
  // A photo where the layout puts one, but no clean edges (it runs into the card's art or the text).
  const fill = darkShare(img, toWork(search.expected), threshold);
  return fill >= MIN_LAYOUT_FILL ? { box: search.expected, source: 'layout', confidence: round2(fill) } : null;
}

function findDarkBlock(img: Gray, window: Bbox, threshold: number, unit: number): { box: Bbox; fill: number } | undefined {
  const gap = Math.max(1, Math.round(MAX_GAP_UNITS * unit));
  // Columns over the whole window first, then rows within those columns, then columns again within those rows.
  let box = window;
  for (let pass = 0; pass < 2; pass++) {
    const xs = longestRun(profile(img, box, threshold, 'x'), gap);
    if (!xs) return undefined;
    const cols = { ...box, x0: box.x0 + xs[0], x1: box.x0 + xs[1] };
    const ys = longestRun(profile(img, { ...window, x0: cols.x0, x1: cols.x1 }, threshold, 'y'), gap);
    if (!ys) return undefined;
    box = { x0: cols.x0, x1: cols.x1, y0: window.y0 + ys[0], y1: window.y0 + ys[1] };
  }
  return { box, fill: darkShare(img, box, threshold) };
}

/** Share of each column ('x') or row ('y') of the box that is darker than the threshold. */
function profile(img: Gray, b: Bbox, threshold: number, axis: 'x' | 'y'): number[] {
  const w = b.x1 - b.x0;
  const h = b.y1 - b.y0;
  const counts = new Array<number>(axis === 'x' ? w : h).fill(0);
  for (let y = b.y0; y < b.y1; y++) {
    for (let x = b.x0; x < b.x1; x++) {
      if (img.data[y * img.width + x]! < threshold) counts[axis === 'x' ? x - b.x0 : y - b.y0]! += 1;
    }
  }
  const across = axis === 'x' ? h : w;
  return counts.map((c) => (across > 0 ? c / across : 0));
}

/** [start, end) of the longest stretch of profile entries at or above MIN_PROFILE_SHARE, bridging short gaps. */
function longestRun(p: number[], maxGap: number): [number, number] | undefined {
  let best: [number, number] | undefined;
  let start = -1;
  let lastOn = -1;
  for (let i = 0; i <= p.length; i++) {
    const on = i < p.length && p[i]! >= MIN_PROFILE_SHARE;
    if (on) {
      if (start < 0) start = i;
      lastOn = i;
    }
    if (start >= 0 && (i === p.length || (!on && i - lastOn > maxGap))) {
      if (!best || lastOn + 1 - start > best[1] - best[0]) best = [start, lastOn + 1];
      start = -1;
    }
  }
  return best;
}

function darkShare(img: Gray, b: Bbox, threshold: number): number {
  let dark = 0;
  let n = 0;
  for (let y = Math.max(0, b.y0); y < Math.min(img.height, b.y1); y++) {
    for (let x = Math.max(0, b.x0); x < Math.min(img.width, b.x1); x++) {
      n++;
      if (img.data[y * img.width + x]! < threshold) dark++;
    }
  }
  return n > 0 ? dark / n : 0;
}

function median(img: Gray, b: Bbox): number {
  const hist = new Array<number>(256).fill(0);
  let n = 0;
  for (let y = Math.max(0, b.y0); y < Math.min(img.height, b.y1); y++) {
    for (let x = Math.max(0, b.x0); x < Math.min(img.width, b.x1); x++) {
      hist[img.data[y * img.width + x]!]! += 1;
      n++;
    }
  }
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += hist[v]!;
    if (seen * 2 >= n) return v;
  }
  return 255;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
