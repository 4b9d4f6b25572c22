import { describe, expect, it } from 'vitest';
import { estimateSkew, otsuThreshold, sampledCopy, type GrayImage } from '@tongban/server/precheck/skew';

/**
 * Synthetic scans drawn analytically: a page of "text" (rows of glyph-sized blocks with gaps,
 * varying line lengths), turned clockwise by a known angle about its centre. Each output pixel is
 * inked when its pre-image under the rotation falls inside a glyph.
 */

interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function textLayout(width: number, height: number, opts: { lineHeight: number; glyph: number; margin: number }): Rect[] {
  const rects: Rect[] = [];
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let y = opts.margin; y + opts.glyph < height - opts.margin; y += opts.lineHeight) {
    const lineEnd = width - opts.margin - rand() * width * 0.4;
    for (let x = opts.margin + (rand() < 0.3 ? opts.glyph * 2 : 0); x + opts.glyph < lineEnd; x += opts.glyph * 1.25) {
      if (rand() < 0.12) continue; // a space
      rects.push({ x0: x, y0: y, x1: x + opts.glyph, y1: y + opts.glyph * (0.8 + rand() * 0.2) });
    }
  }
  return rects;
}

function render(width: number, height: number, rects: Rect[], clockwiseDeg: number): GrayImage {
  const data = new Uint8Array(width * height).fill(235);
  const rad = (clockwiseDeg * Math.PI) / 180;
  const [cx, cy, sin, cos] = [width / 2, height / 2, Math.sin(rad), Math.cos(rad)];
  // Bucket glyphs by row so each pixel tests only nearby ones.
  const rows = new Map<number, Rect[]>();
  for (const r of rects) for (let b = Math.floor(r.y0 / 16); b <= Math.floor(r.y1 / 16); b++) rows.set(b, [...(rows.get(b) ?? []), r]);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Inverse rotation (counter-clockwise) of the output pixel gives the point on the upright page.
      const dx = x - cx;
      const dy = y - cy;
      const sx = cx + dx * cos + dy * sin;
      const sy = cy - dx * sin + dy * cos;
      const hit = rows.get(Math.floor(sy / 16))?.some((r) => sx >= r.x0 && sx < r.x1 && sy >= r.y0 && sy < r.y1);
      if (hit) data[y * width + x] = 30;
    }
  }
  return { data, width, height };
}

const A4 = { width: 620, height: 877 };
const a4Text = textLayout(A4.width, A4.height, { lineHeight: 22, glyph: 11, margin: 50 });

describe('estimateSkew', () => {
  for (const truth of [-7.5, -3.2, -1, 0, 0.4, 2, 5.5]) {
    it(`finds a ${truth}° clockwise turn of an A4 text page within ±0.5°`, () => {
      const est = estimateSkew(render(A4.width, A4.height, a4Text, truth));
      expect(Math.abs(est.degrees - truth)).toBeLessThanOrEqual(0.5);
      expect(est.confidence).toBeGreaterThan(4);
    });
  }

  it('finds the turn of an ID-card-like image with a dark photo block beside the text', () => {
    const card = { width: 700, height: 440 };
    const rects = [...textLayout(430, card.height, { lineHeight: 48, glyph: 22, margin: 40 }), { x0: 480, y0: 60, x1: 660, y1: 290 }];
    for (const truth of [-3, 2.6]) {
      const est = estimateSkew(render(card.width, card.height, rects, truth));
      expect(Math.abs(est.degrees - truth)).toBeLessThanOrEqual(0.5);
    }
  });

  it('has no confidence on a blank page, and little on scattered specks with no lines', () => {
    expect(estimateSkew({ data: new Uint8Array(400 * 300).fill(240), width: 400, height: 300 })).toEqual({ degrees: 0, confidence: 0 });
    let seed = 3;
    const specks = new Uint8Array(A4.width * A4.height).map(() =>
      (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 50 === 0 ? 20 : 235,
    );
    expect(estimateSkew({ data: specks, width: A4.width, height: A4.height }).confidence).toBeLessThan(2);
    expect(estimateSkew(render(A4.width, A4.height, a4Text, 0)).confidence).toBeGreaterThan(4);
  });
});

describe('sampledCopy', () => {
  it('reduces the longer side to the limit, keeping where the ink is and the skew it shows', () => {
    const page = render(
      A4.width * 3,
      A4.height * 3,
      textLayout(A4.width * 3, A4.height * 3, { lineHeight: 120, glyph: 60, margin: 150 }),
      2.5,
    );
    const small = sampledCopy(page, 1000);
    expect(Math.max(small.width, small.height)).toBe(1000);
    expect(small.width / small.height).toBeCloseTo(page.width / page.height, 2);
    // Each pixel is one of the page's, from the same relative place.
    const [x, y] = [Math.floor(small.width * 0.37), Math.floor(small.height * 0.61)];
    const sx = Math.floor(((x + 0.5) * page.width) / small.width);
    const sy = Math.floor(((y + 0.5) * page.height) / small.height);
    expect(small.data[y * small.width + x]).toBe(page.data[sy * page.width + sx]);
    expect(Math.abs(estimateSkew(small).degrees - 2.5)).toBeLessThanOrEqual(0.1);
    // Already small enough: the page itself.
    expect(sampledCopy(small, 1000)).toBe(small);
  });
});

describe('otsuThreshold', () => {
  it('splits a two-tone image between its tones', () => {
    const data = new Uint8Array(1000).map((_, i) => (i % 10 === 0 ? 40 : 220));
    const t = otsuThreshold(data);
    expect(t).toBeGreaterThanOrEqual(40);
    expect(t).toBeLessThan(220);
  });
});
