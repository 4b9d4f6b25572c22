import sharp, { type Metadata, type Sharp } from 'sharp';
import { AppError } from '@tongban/shared';
import '@tongban/shared/precheck/errors';
import { dHash, DHASH_HEIGHT, DHASH_WIDTH } from '@tongban/shared/precheck/pageHash';
import { estimateSkew } from './skew';
import { openPdf, type PdfRasterLimits } from './pdfRaster';

/**
 * Turns an uploaded file into page images tesseract reads well: EXIF orientation applied,
 * grayscale, small images upscaled, noisy scans median-filtered, skewed pages straightened,
 * camera shots cropped to the page. PDFs are rasterised page by page with MuPDF (WASM) in a
 * worker thread (pdfRaster.ts). Every input is bounded: pixel count (decompression bombs) and PDF
 * page count are checked before any large allocation.
 */

/** maxPixels bounds decoded images as well as rendered PDF pages. */
export type PreprocessLimits = PdfRasterLimits;

export const DEFAULT_LIMITS: PreprocessLimits = { maxPixels: 100_000_000, maxPdfPages: 50, pdfDpi: 250, pdfTimeoutMs: 60_000 };

export interface PreparedPage {
  /** Grayscale PNG, straightened: what OCR reads and what bboxes refer to. */
  png: Buffer;
  width: number;
  height: number;
  dpi?: number;
  /** Whether a median filter was applied (the scan was noisy). */
  denoised: boolean;
  /** Skew found and removed, clockwise degrees (0: the page was straight enough). */
  skewDeg: number;
}

export type InputKind = 'pdf' | 'image';

export function sniff(input: Buffer): InputKind {
  if (input.length === 0) throw new AppError('PRECHECK_FILE_EMPTY');
  const head = input.subarray(0, 1024).toString('latin1');
  return head.includes('%PDF-') ? 'pdf' : 'image';
}

/** Calls `onPage` for each page in order, so a 50-page PDF never sits in memory at once. */
export async function forEachPage(
  input: Buffer,
  opts: { limits: PreprocessLimits; camera?: boolean },
  onPage: (page: PreparedPage, index: number, count: number) => Promise<void>,
): Promise<number> {
  if (sniff(input) === 'pdf') {
    const pdf = await openPdf(input, opts.limits);
    try {
      for (let i = 0; i < pdf.count; i++) await onPage(await normalise(await pdf.render(i), { ...opts, dpi: opts.limits.pdfDpi }), i, pdf.count);
    } finally {
      await pdf.close();
    }
    return pdf.count;
  }
  await onPage(await normalise(input, opts), 0, 1);
  return 1;
}

async function imageMetadata(input: Buffer, maxPixels: number): Promise<Metadata> {
  try {
    const meta = await sharp(input, { limitInputPixels: maxPixels }).metadata();
    if (!meta.width || !meta.height) throw new Error('no dimensions');
    if (meta.width * meta.height > maxPixels) throw new Error('Input image exceeds pixel limit');
    return meta;
  } catch (e) {
    throw imageError(e, maxPixels);
  }
}

function imageError(e: unknown, maxPixels: number): AppError {
  if (e instanceof AppError) return e;
  const msg = String((e as Error)?.message ?? e);
  if (/pixel limit/i.test(msg)) return new AppError('PRECHECK_IMAGE_TOO_LARGE', { details: { maxPixels } });
  if (/unsupported image format|Input buffer contains unsupported/i.test(msg)) return new AppError('PRECHECK_FILE_UNSUPPORTED', { details: { reason: msg } });
  return new AppError('PRECHECK_FILE_CORRUPT', { details: { reason: msg } });
}

/** Mean absolute difference between a sample of the page and its 3×3 median: grain, not text. */
async function noiseLevel(img: Sharp, width: number, height: number): Promise<number> {
  const size = Math.min(400, width, height);
  const region = { left: Math.floor((width - size) / 2), top: Math.floor((height - size) / 2), width: size, height: size };
  const sample = await img.clone().extract(region).toColourspace('b-w').raw().toBuffer();
  const filtered = await sharp(sample, { raw: { width: size, height: size, channels: 1 } }).median(3).raw().toBuffer();
  let sum = 0;
  for (let i = 0; i < sample.length; i++) sum += Math.abs(sample[i]! - filtered[i]!);
  return sum / sample.length;
}

export const NOISE_THRESHOLD = 4;
const MIN_SHORT_SIDE = 700;

export interface NormaliseOptions {
  limits: PreprocessLimits;
  camera?: boolean;
  dpi?: number;
  /** false: leave the page skewed (the benchmark times deskewing by normalising both ways). */
  straighten?: boolean;
}

export async function normalise(input: Buffer, opts: NormaliseOptions): Promise<PreparedPage> {
  const meta = await imageMetadata(input, opts.limits.maxPixels);
  try {
    // EXIF orientation first; everything after works on upright pixels.
    const gray = await sharp(input, { limitInputPixels: opts.limits.maxPixels }).rotate().grayscale().toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    const upright = { data: gray.data, width: gray.info.width, height: gray.info.height };
    // Straighten before cropping: the desk around a camera shot turns with the page (filled dark
    // where the turn exposes a corner) and is then trimmed away with it.
    const straight = opts.straighten === false ? { raw: upright, skewDeg: 0 } : await deskew(upright, opts.camera ? 'black' : 'white');
    let { data, width, height } = straight.raw;
    if (opts.camera) {
      // A document camera sees the desk around the page: crop to the page (the bright region).
      const trimmed = await sharp(data, rawInput(straight.raw)).trim({ background: '#000000', threshold: 60 }).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
      ({ data } = trimmed);
      ({ width, height } = trimmed.info);
    }
    let img = sharp(data, { raw: { width, height, channels: 1 } });
    const short = Math.min(width, height);
    if (short < MIN_SHORT_SIDE) {
      const f = Math.min(3, MIN_SHORT_SIDE / short);
      width = Math.round(width * f);
      height = Math.round(height * f);
      img = sharp(await img.resize(width, height, { kernel: 'lanczos3' }).toColourspace('b-w').raw().toBuffer(), { raw: { width, height, channels: 1 } });
    }
    const denoised = (await noiseLevel(img, width, height)) > NOISE_THRESHOLD;
    if (denoised) img = img.median(3);
    const raw = { data: await img.toColourspace('b-w').raw().toBuffer(), width, height };
    // A camera's JPEG says 72 dpi whatever it saw: only a scanner's density is a page resolution.
    const dpi = opts.dpi ?? (!opts.camera && meta.density && meta.density > 1 ? Math.round(meta.density) : undefined);
    return { png: await encodePage(raw, dpi), width, height, denoised, skewDeg: straight.skewDeg, ...(dpi ? { dpi } : {}) };
  } catch (e) {
    throw imageError(e, opts.limits.maxPixels);
  }
}

/** The page turned clockwise by 90° steps (e.g. as OSD found it), then straightened again. */
export async function turnPage(page: PreparedPage, degrees: 90 | 180 | 270): Promise<PreparedPage> {
  const { data, info } = await sharp(page.png).rotate(degrees).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  // Skew is measured along the lines of text, so only an upright page gives a true reading.
  const { raw, skewDeg } = await deskew({ data, width: info.width, height: info.height });
  return { ...page, png: await encodePage(raw, page.dpi), width: raw.width, height: raw.height, skewDeg };
}

interface RawGray {
  data: Buffer;
  width: number;
  height: number;
}

const rawInput = (r: RawGray) => ({ raw: { width: r.width, height: r.height, channels: 1 as const } });

/** Tesseract sizes its text model from the PNG's resolution; without one it guesses badly. */
function encodePage(r: RawGray, dpi: number | undefined): Promise<Buffer> {
  return sharp(r.data, rawInput(r)).toColourspace('b-w').withMetadata({ density: dpi ?? 300 }).png({ compressionLevel: 1 }).toBuffer();
}

/** Tesseract reads a skew this small as well as a straight page: not worth a rotation. */
const MIN_SKEW_DEG = 0.5;
/** Below this the projection profile has no clear peak (no lines of text): leave the page alone. */
const MIN_SKEW_CONFIDENCE = 2;
/** The skew is measured on a copy this long: enough for ±0.1°, and a few ms of work. */
const SKEW_SAMPLE_SIDE = 1000;

/**
 * Measures the skew on a small copy (skew.ts) and, only when the page is skewed by more than
 * MIN_SKEW_DEG, rotates it once about its centre, keeping its size (exposed corners take `fill`).
 * `skewDeg` is the skew removed, clockwise degrees (0 when the page was left as it was).
 */
async function deskew(page: RawGray, fill: 'white' | 'black' = 'white'): Promise<{ raw: RawGray; skewDeg: number }> {
  const scale = Math.min(1, SKEW_SAMPLE_SIDE / Math.max(page.width, page.height));
  const small = await sharp(page.data, rawInput(page))
    .resize(Math.max(1, Math.round(page.width * scale)), Math.max(1, Math.round(page.height * scale)), { fit: 'fill' })
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const skew = estimateSkew({ data: small.data, width: small.info.width, height: small.info.height });
  if (skew.confidence < MIN_SKEW_CONFIDENCE || Math.abs(skew.degrees) <= MIN_SKEW_DEG) return { raw: page, skewDeg: 0 };
  // The turned image's bounding box, rounded down so the centred crop stays inside it.
  const rad = (Math.abs(skew.degrees) * Math.PI) / 180;
  const turned = { width: Math.floor(page.width * Math.cos(rad) + page.height * Math.sin(rad)), height: Math.floor(page.width * Math.sin(rad) + page.height * Math.cos(rad)) };
  const region = { left: Math.floor((turned.width - page.width) / 2), top: Math.floor((turned.height - page.height) / 2), width: page.width, height: page.height };
  const data = await sharp(page.data, rawInput(page))
    .rotate(-skew.degrees, { background: fill === 'white' ? '#ffffff' : '#000000' })
    .extract(region)
    .toColourspace('b-w')
    .raw()
    .toBuffer();
  return { raw: { data, width: region.width, height: region.height }, skewDeg: skew.degrees };
}

/** dHash and ink share of a page, from small thumbnails. */
export async function pageSignature(png: Buffer): Promise<{ hash: string; inkRatio: number }> {
  const thumb = await sharp(png).resize(DHASH_WIDTH, DHASH_HEIGHT, { fit: 'fill' }).grayscale().raw().toBuffer();
  const small = await sharp(png).resize({ width: 600, withoutEnlargement: true }).grayscale().raw().toBuffer();
  let ink = 0;
  for (const v of small) if (v < 110) ink++;
  return { hash: dHash(thumb), inkRatio: ink / small.length };
}

export async function crop(png: Buffer, b: { x0: number; y0: number; x1: number; y1: number }): Promise<Buffer> {
  return sharp(png)
    .extract({ left: b.x0, top: b.y0, width: Math.max(1, b.x1 - b.x0), height: Math.max(1, b.y1 - b.y0) })
    .png({ compressionLevel: 1 })
    .toBuffer();
}

/** Renders one page of a stored file for display (PDF page, or the image itself), as PNG. */
export async function renderForDisplay(input: Buffer, pageIndex: number, limits: PreprocessLimits = DEFAULT_LIMITS): Promise<Buffer> {
  if (sniff(input) === 'pdf') {
    const pdf = await openPdf(input, limits);
    try {
      if (pageIndex >= pdf.count) throw new AppError('PRECHECK_PAGE_NOT_FOUND', { details: { page: pageIndex + 1, pages: pdf.count } });
      return await pdf.render(pageIndex);
    } finally {
      await pdf.close();
    }
  }
  if (pageIndex !== 0) throw new AppError('PRECHECK_PAGE_NOT_FOUND', { details: { page: pageIndex + 1, pages: 1 } });
  await imageMetadata(input, limits.maxPixels);
  return sharp(input, { limitInputPixels: limits.maxPixels }).rotate().png().toBuffer();
}
