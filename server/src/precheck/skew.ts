/**
 * Skew of a scanned page, from a small grayscale copy of it (sampledCopy): binarise (Otsu), then
 * find the angle whose projection profile of the ink is sharpest — text lines seen exactly
 * edge-on pile their pixels into few rows. Pure (no I/O): the caller rotates. A coarse sweep over
 * ±maxDegrees, then a fine one around the best coarse angle.
 */

export interface GrayImage {
  /** One byte per pixel, row-major. */
  data: Uint8Array;
  width: number;
  height: number;
}

export interface SkewEstimate {
  /** How far the content is turned clockwise, in degrees: rotate by −degrees to straighten it. */
  degrees: number;
  /**
   * Best profile sharpness over the mean of the coarse sweep: ≈1 when no angle stands out (a
   * blank page, or text running vertically), well above 1 for lines of text.
   */
  confidence: number;
}

export interface SkewOptions {
  maxDegrees?: number;
  coarseStep?: number;
  fineStep?: number;
}

/** More ink pixels than this are sampled evenly: the profile's shape needs far fewer. */
const MAX_POINTS = 60_000;

export function estimateSkew(img: GrayImage, opts: SkewOptions = {}): SkewEstimate {
  const { maxDegrees = 8, coarseStep = 0.25, fineStep = 0.025 } = opts;
  const points = inkPoints(img);
  if (points.length < 20) return { degrees: 0, confidence: 0 };
  const profile = (deg: number) => profileSharpness(points, img.width, img.height, deg);

  const coarse: Array<[number, number]> = [];
  for (let deg = -maxDegrees; deg <= maxDegrees + 1e-9; deg += coarseStep) coarse.push([deg, profile(deg)]);
  let [bestDeg, bestScore] = coarse.reduce((a, b) => (b[1] > a[1] ? b : a));
  for (let deg = bestDeg - coarseStep; deg <= bestDeg + coarseStep + 1e-9; deg += fineStep) {
    const s = profile(deg);
    if (s > bestScore) [bestDeg, bestScore] = [deg, s];
  }
  const mean = coarse.reduce((n, [, s]) => n + s, 0) / coarse.length;
  return { degrees: Math.round(bestDeg * 1000) / 1000, confidence: mean > 0 ? bestScore / mean : 0 };
}

/**
 * A copy of `img` whose longer side is at most `maxSide`, by point sampling: the profile counts
 * ink pixels, and an even sample of them serves as well as an average (libvips' resize of a
 * 300-dpi page took 15–20 ms, most of it handing the page over).
 */
export function sampledCopy(img: GrayImage, maxSide: number): GrayImage {
  const scale = Math.min(1, maxSide / Math.max(img.width, img.height));
  if (scale === 1) return img;
  const width = Math.max(1, Math.round(img.width * scale));
  const height = Math.max(1, Math.round(img.height * scale));
  const columns = Int32Array.from({ length: width }, (_, x) => Math.min(img.width - 1, Math.floor((x + 0.5) / scale)));
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = Math.min(img.height - 1, Math.floor((y + 0.5) / scale)) * img.width;
    for (let x = 0; x < width; x++) data[y * width + x] = img.data[row + columns[x]!]!;
  }
  return { data, width, height };
}

/** Otsu's threshold of a grayscale histogram: the split that best separates ink from paper. */
export function otsuThreshold(data: Uint8Array): number {
  const hist = new Int32Array(256);
  for (let i = 0; i < data.length; i++) hist[data[i]!]!++;
  let sumAll = 0;
  for (let i = 0; i < 256; i++) sumAll += i * hist[i]!;
  let wB = 0;
  let sumB = 0;
  let best = 0;
  let threshold = 127;
  for (let t = 0; t < 256; t++) {
    wB += hist[t]!;
    if (wB === 0) continue;
    const wF = data.length - wB;
    if (wF === 0) break;
    sumB += t * hist[t]!;
    const between = wB * wF * (sumB / wB - (sumAll - sumB) / wF) ** 2;
    if (between > best) [best, threshold] = [between, t];
  }
  return threshold;
}

/**
 * Coordinates (x, y interleaved) of ink pixels, evenly thinned to at most MAX_POINTS. Dark regions
 * touching the image's edge are not ink: a scanner's black border or the desk around a camera
 * shot of a turned card would outweigh the text's lines.
 */
function inkPoints(img: GrayImage): Int32Array {
  const { data, width, height } = img;
  const threshold = otsuThreshold(data);
  const ink = new Uint8Array(data.length);
  for (let i = 0; i < ink.length; i++) ink[i] = data[i]! <= threshold ? 1 : 0;
  clearEdgeRegions(ink, width, height);
  let dark = 0;
  for (let i = 0; i < ink.length; i++) dark += ink[i]!;
  // Mostly dark means a photo or a dark background, not text on paper: nothing to measure.
  if (dark > data.length / 2) return new Int32Array(0);
  const stride = Math.max(1, Math.ceil(dark / MAX_POINTS));
  const out = new Int32Array(Math.ceil(dark / stride) * 2);
  let n = 0;
  // Counts down to the next ink pixel to keep: every stride-th, starting with the first.
  let skip = 0;
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      if (ink[i] === 0) continue;
      if (skip > 0) {
        skip--;
        continue;
      }
      skip = stride - 1;
      out[n++] = x;
      out[n++] = y;
    }
  }
  return out.subarray(0, n);
}

/** Clears (flood fill, 4-connected) every set region of `mask` that touches the image's edge. */
function clearEdgeRegions(mask: Uint8Array, width: number, height: number): void {
  const stack: number[] = [];
  const push = (i: number) => {
    if (mask[i]) {
      mask[i] = 0;
      stack.push(i);
    }
  };
  for (let x = 0; x < width; x++) {
    push(x);
    push((height - 1) * width + x);
  }
  for (let y = 0; y < height; y++) {
    push(y * width);
    push(y * width + width - 1);
  }
  while (stack.length) {
    const i = stack.pop()!;
    const x = i % width;
    if (x > 0) push(i - 1);
    if (x < width - 1) push(i + 1);
    if (i >= width) push(i - width);
    if (i < (height - 1) * width) push(i + width);
  }
}

/**
 * Sum of squared differences between neighbouring rows of the profile projected at `deg`: high
 * when lines of ink alternate sharply with blank gaps (Postl's criterion). Differences rather than
 * plain variance, so a large dark block (a card photo) does not dominate.
 */
function profileSharpness(points: Int32Array, width: number, height: number, deg: number): number {
  const rad = (deg * Math.PI) / 180;
  const sin = Math.sin(rad);
  const cos = Math.cos(rad);
  const offset = Math.ceil(width * Math.abs(sin)) + 1;
  const bins = new Float64Array(height + 2 * offset + 2);
  for (let i = 0; i < points.length; i += 2) {
    const x = points[i]!;
    const y = points[i + 1]!;
    // Rounded by truncation after +0.5: the index is never negative (offset covers x·sin).
    bins[(y * cos - x * sin + offset + 0.5) | 0]!++;
  }
  let sum = 0;
  for (let i = 1; i < bins.length; i++) sum += (bins[i]! - bins[i - 1]!) ** 2;
  return sum;
}
