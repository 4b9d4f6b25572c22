/**
 * A small rotation about the page's centre, keeping its size, done as three shears (Paeth:
 * x-shear by −tan(θ/2), y-shear by sin θ, x-shear again), each moving whole pixels only: rows
 * sideways, bands of columns up or down, as Leptonica's shear rotation does. Nothing is
 * interpolated, and the three shears are done in one pass of memory copies: several times
 * cheaper than libvips' interpolated rotation of a 300-dpi page (single-threaded, as the
 * pre-check runs it). Its one-pixel steps are lost in strokes several pixels wide; a small image
 * gets the interpolated rotation instead (pageGeometry.ts). Pure: raw pixels in and out, 1 (gray)
 * or 3 (colour) bytes per pixel, so the gray page and its colour original get exactly the same
 * geometry.
 */

export interface Pixels {
  data: Uint8Array;
  width: number;
  height: number;
  /** Bytes per pixel. */
  channels: number;
}

/**
 * `img` turned clockwise by `degrees` (|degrees| well below 45: a skew) about its centre, at its
 * own size; corners the turn exposes take `fill` (0–255 on every channel). A pixel turned out of
 * the frame is lost, as with a centred crop of the turned image.
 */
export function rotateByShear({ data, width, height, channels }: Pixels, degrees: number, fill: number): Buffer {
  const rad = (degrees * Math.PI) / 180;
  const a = -Math.tan(rad / 2);
  const b = Math.sin(rad);
  // Whole-pixel shifts: of row y in the x-shears, of column x in the y-shear.
  const cy = (height - 1) / 2;
  const cx = (width - 1) / 2;
  const rowShift = Int32Array.from({ length: height }, (_, y) => Math.round(a * (y - cy)));
  const columnShift = (x: number) => Math.round(b * (x - cx));
  // Columns the y-shear moves alike, as bands.
  const bands: Array<{ x0: number; x1: number; shift: number }> = [];
  for (let x0 = 0; x0 < width;) {
    const shift = columnShift(x0);
    let x1 = x0 + 1;
    while (x1 < width && columnShift(x1) === shift) x1++;
    bands.push({ x0, x1, shift });
    x0 = x1;
  }
  // The three shears in one pass: output row y is the y-sheared row shifted by rowShift[y]; a band
  // of it comes from source row y − shift, shifted by that row's own rowShift. Each piece is one
  // copy; what falls outside the source at any stage stays `fill`.
  const stride = width * channels;
  const out = Buffer.alloc(stride * height, fill);
  for (let y = 0; y < height; y++) {
    const last = rowShift[y]!;
    for (const { x0, x1, shift } of bands) {
      const sy = y - shift;
      if (sy < 0 || sy >= height) continue;
      const first = rowShift[sy]!;
      // Columns u of the y-sheared row inside the band, inside the output (u + last) and the source (u − first).
      const from = Math.max(x0, -last, first);
      const to = Math.min(x1, width - last, width + first);
      if (to <= from) continue;
      const src = sy * stride + (from - first) * channels;
      out.set(data.subarray(src, src + (to - from) * channels), y * stride + (from + last) * channels);
    }
  }
  return out;
}
