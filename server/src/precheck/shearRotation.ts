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
  // Columns the y-shear moves alike, as bands [bandStart[k], bandEnd[k]) moved by bandShift[k].
  const starts: number[] = [];
  for (let x = 0; x < width; x++) if (x === 0 || columnShift(x) !== columnShift(x - 1)) starts.push(x);
  const bandStart = Int32Array.from(starts);
  const bandEnd = Int32Array.from(starts, (_, k) => starts[k + 1] ?? width);
  const bandShift = Int32Array.from(starts, columnShift);
  // The three shears in one pass: output row y is the y-sheared row shifted by rowShift[y]; a band
  // of it comes from source row y − shift, shifted by that row's own rowShift. Each piece is one
  // copy; what falls outside the source at any stage stays `fill`. Typed arrays and plain
  // comparisons in the loop: it runs rows × bands times (half a million at 3.5° on a 300-dpi page).
  const stride = width * channels;
  const out = Buffer.alloc(stride * height, fill);
  for (let y = 0; y < height; y++) {
    const last = rowShift[y]!;
    for (let k = 0; k < bandStart.length; k++) {
      const sy = y - bandShift[k]!;
      if (sy < 0 || sy >= height) continue;
      const first = rowShift[sy]!;
      // Columns u of the y-sheared row inside the band, inside the output (u + last) and the source (u − first).
      let from = bandStart[k]!;
      if (-last > from) from = -last;
      if (first > from) from = first;
      let to = bandEnd[k]!;
      if (width - last < to) to = width - last;
      if (width + first < to) to = width + first;
      if (to <= from) continue;
      copyRun(data, sy * stride + (from - first) * channels, (to - from) * channels, out, y * stride + (from + last) * channels);
    }
  }
  return out;
}

/** Runs shorter than this are copied byte by byte: a typed-array copy costs more to set up than they take. */
const SHORT_RUN_BYTES = 48;

function copyRun(from: Uint8Array, start: number, length: number, to: Uint8Array, at: number): void {
  if (length >= SHORT_RUN_BYTES) {
    to.set(from.subarray(start, start + length), at);
    return;
  }
  for (let i = 0; i < length; i++) to[at + i] = from[start + i]!;
}
