import { describe, expect, it } from 'vitest';
import { rotateByShear, type Pixels } from '@tongban/server/precheck/shearRotation';

/** A white page with black squares at known places; where do they land once turned? */

const W = 600;
const H = 400;
const SQUARE = 9;

function page(centres: Array<[number, number]>, channels = 1): Pixels {
  const data = new Uint8Array(W * H * channels).fill(255);
  for (const [cx, cy] of centres)
    for (let y = cy - 4; y <= cy + 4; y++)
      for (let x = cx - 4; x <= cx + 4; x++) data.fill(0, (y * W + x) * channels, (y * W + x + 1) * channels);
  return { data, width: W, height: H, channels };
}

/** Centre of the dark pixels within `r` of (x, y). */
function inkNear(img: Pixels, x: number, y: number, r = 20): { x: number; y: number; count: number } {
  let [sx, sy, n] = [0, 0, 0];
  for (let j = Math.max(0, y - r); j < Math.min(img.height, y + r); j++)
    for (let i = Math.max(0, x - r); i < Math.min(img.width, x + r); i++)
      if (img.data[(j * img.width + i) * img.channels]! < 128) [sx, sy, n] = [sx + i, sy + j, n + 1];
  return { x: sx / n, y: sy / n, count: n };
}

/** Where a point lands turned clockwise (y points down) by `deg` about the image's centre. */
function turned(x: number, y: number, deg: number): [number, number] {
  const rad = (deg * Math.PI) / 180;
  const [cx, cy] = [(W - 1) / 2, (H - 1) / 2];
  return [cx + (x - cx) * Math.cos(rad) - (y - cy) * Math.sin(rad), cy + (x - cx) * Math.sin(rad) + (y - cy) * Math.cos(rad)];
}

describe('rotation by three shears', () => {
  const marks: Array<[number, number]> = [
    [60, 50],
    [540, 50],
    [300, 200],
    [60, 350],
    [540, 350],
  ];

  for (const deg of [3, -2.4, 7]) {
    it(`turns by ${deg}° clockwise about the centre: every mark lands within a pixel of where the rotation takes it`, () => {
      const img = page(marks);
      const out: Pixels = { ...img, data: rotateByShear(img, deg, 255) };
      expect(out.data.length).toBe(W * H);
      for (const [x, y] of marks) {
        const [ex, ey] = turned(x, y, deg);
        const got = inkNear(out, Math.round(ex), Math.round(ey));
        // Only whole pixels move: the square keeps its area, and nothing is smeared.
        expect(got.count).toBe(SQUARE * SQUARE);
        expect(Math.abs(got.x - ex)).toBeLessThanOrEqual(1);
        expect(Math.abs(got.y - ey)).toBeLessThanOrEqual(1);
      }
    });
  }

  it('keeps pixel values: only the page and the fill appear, no blend of them', () => {
    const values = new Set(rotateByShear(page(marks), 4, 128));
    expect([...values].sort((a, b) => a - b)).toEqual([0, 128, 255]);
  });

  it('fills the corners the turn exposes', () => {
    const img: Pixels = { data: new Uint8Array(W * H).fill(200), width: W, height: H, channels: 1 };
    const out = rotateByShear(img, 5, 0);
    expect(out[0]).toBe(0);
    expect(out[W * H - 1]).toBe(0);
    expect(out[(H / 2) * W + W / 2]).toBe(200);
  });

  it('a colour image and its gray copy get exactly the same geometry', () => {
    const gray = rotateByShear(page(marks), -3.5, 255);
    const colour = rotateByShear(page(marks, 3), -3.5, 255);
    expect(colour.length).toBe(gray.length * 3);
    for (let i = 0; i < gray.length; i++)
      if (colour[i * 3] !== gray[i] || colour[i * 3 + 2] !== gray[i]) throw new Error(`pixel ${i} differs`);
  });

  it('0° leaves the page as it was', () => {
    const img = page(marks);
    expect(Buffer.compare(rotateByShear(img, 0, 255), Buffer.from(img.data))).toBe(0);
  });
});
