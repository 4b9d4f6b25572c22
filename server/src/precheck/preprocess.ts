import sharp, { type Metadata, type Sharp } from 'sharp';
import { AppError } from '@tongban/shared';
import { dHash, DHASH_HEIGHT, DHASH_WIDTH } from '@tongban/shared/precheck/pageHash';
import { estimateSkew, sampledCopy } from './skew';
import { openPdf, type PdfRasterLimits } from './pdfRaster';
import { applyStep, decodeUpright, rawInput, type GeometryStep, type RawImage, type Region } from './pageGeometry';
import type { Semaphore } from './semaphore';

/**
 * Turns an uploaded file into page images tesseract reads well: EXIF orientation applied,
 * grayscale, small images upscaled, noisy scans median-filtered, skewed pages straightened,
 * camera shots cropped to the page. Each geometric step is recorded with the page (pageGeometry.ts)
 * so a region can later be cut from the original in colour. PDFs are rasterised page by page with
 * MuPDF (WASM) in a worker thread (pdfRaster.ts). Every input is bounded: pixel count (decompression
 * bombs) and PDF page count are checked before any large allocation, and a page larger than the
 * working size is scaled down while it is decoded, so its full-size pixels are never held at once.
 */

// libvips' operation cache keeps recent images alive, and each pipeline runs a thread per core,
// each with its own buffers: a server decoding large scans would hold far more memory than it
// needs. One thread per pipeline, nothing cached; jobs decode their pages a few at a time.
sharp.cache(false);
sharp.concurrency(1);

export interface PreprocessLimits extends PdfRasterLimits {
  /**
   * Largest page OCR works on, in pixels: a larger image or PDF page is scaled down to it (A4 at
   * 300 dpi is 8.7 MP). It bounds the memory of a page here and in the OCR worker, whose WASM heap
   * never shrinks. maxPixels still refuses larger files outright.
   */
  workPixels: number;
}

export const DEFAULT_LIMITS: PreprocessLimits = {
  maxPixels: 100_000_000,
  workPixels: 16_000_000,
  maxPdfPages: 50,
  pdfDpi: 250,
  pdfTimeoutMs: 60_000,
};

interface Size {
  width: number;
  height: number;
}

/** The size a page is scaled down to so it has at most `maxPixels`; undefined: it fits. */
export function workingSize({ width, height }: Size, maxPixels: number): Size | undefined {
  if (width * height <= maxPixels) return undefined;
  const f = Math.sqrt(maxPixels / (width * height));
  return { width: Math.max(1, Math.floor(width * f)), height: Math.max(1, Math.floor(height * f)) };
}

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
  /** How the page was made from the upright original: replayable on its colour pixels (pageGeometry.ts). */
  geometry: GeometryStep[];
}

export type InputKind = 'pdf' | 'image';

export function sniff(input: Buffer): InputKind {
  if (input.length === 0) throw new AppError('PRECHECK_FILE_EMPTY');
  const head = input.subarray(0, 1024).toString('latin1');
  return head.includes('%PDF-') ? 'pdf' : 'image';
}

/** A page of the original in colour, as a PNG or the image file itself (for `GeometryStep` replay, pageGeometry.ts). */
export type ColourPage = (index: number) => Promise<Buffer>;

/**
 * Calls `onPage` for each page in order, so a 50-page PDF never sits in memory at once; then
 * `afterPages`, once, with the original's pages in colour at hand: the image itself, or a PDF page
 * rendered again in RGB at the size of its gray rendering (the PDF is still open: no second open).
 */
export async function forEachPage(
  input: Buffer,
  opts: {
    limits: PreprocessLimits;
    camera?: boolean;
    /** Shared by every job of the server: bounds how many pages are decoded and normalised at once. */
    decodes?: Semaphore | undefined;
  },
  onPage: (page: PreparedPage, index: number, count: number) => Promise<void>,
  afterPages?: (colourPage: ColourPage) => Promise<void>,
): Promise<number> {
  const { limits, camera, decodes } = opts;
  const decode = <T>(task: () => Promise<T>) => (decodes ? decodes.run(task) : task());
  const pageOpts = { limits, ...(camera ? { camera } : {}) };
  if (sniff(input) === 'pdf') {
    // Rendered no larger than OCR works on: a poster-sized page is rendered at a lower resolution.
    const pdf = await openPdf(input, { ...limits, maxPixels: Math.min(limits.maxPixels, limits.workPixels) });
    try {
      for (let i = 0; i < pdf.count; i++)
        await onPage(await decode(async () => normalise(await pdf.render(i), { ...pageOpts, dpi: limits.pdfDpi })), i, pdf.count);
      await afterPages?.((index) => pdf.render(index, { colour: true }));
    } finally {
      await pdf.close();
    }
    return pdf.count;
  }
  await onPage(await decode(() => normalise(input, pageOpts)), 0, 1);
  await afterPages?.(() => Promise.resolve(input));
  return 1;
}

/** Width and height once the EXIF orientation is applied (orientations 5–8 turn the image a quarter). */
function uprightSize(meta: Metadata): Size {
  return (meta.orientation ?? 1) >= 5 ? { width: meta.height!, height: meta.width! } : { width: meta.width!, height: meta.height! };
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
  if (/unsupported image format|Input buffer contains unsupported/i.test(msg))
    return new AppError('PRECHECK_FILE_UNSUPPORTED', { details: { reason: msg } });
  return new AppError('PRECHECK_FILE_CORRUPT', { details: { reason: msg } });
}

/** Mean absolute difference between a sample of the page and its 3×3 median: grain, not text. */
async function noiseLevel(img: Sharp, width: number, height: number): Promise<number> {
  const size = Math.min(400, width, height);
  const region = { left: Math.floor((width - size) / 2), top: Math.floor((height - size) / 2), width: size, height: size };
  const sample = await img.clone().extract(region).toColourspace('b-w').raw().toBuffer();
  const filtered = await sharp(sample, { raw: { width: size, height: size, channels: 1 } })
    .median(3)
    .raw()
    .toBuffer();
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
  /** false: leave the page skewed (the benchmark gives native tesseract the page as scanned: it deskews itself). */
  straighten?: boolean;
}

/**
 * The page normalise starts from: EXIF orientation applied (everything after works on upright
 * pixels), grayscale, and a page larger than OCR needs scaled down as it is read (strip by strip),
 * which is then the first step of its geometry.
 */
export async function decodeGray(
  input: Buffer,
  meta: Metadata,
  limits: PreprocessLimits,
): Promise<{ page: RawImage; geometry: GeometryStep[] }> {
  const shrink = workingSize(uprightSize(meta), limits.workPixels);
  const { data, info } = await decodeUpright(input, limits.maxPixels, shrink)
    .grayscale()
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { page: { data, width: info.width, height: info.height, channels: 1 }, geometry: shrink ? [{ op: 'scale', ...shrink }] : [] };
}

export async function normalise(input: Buffer, opts: NormaliseOptions): Promise<PreparedPage> {
  const meta = await imageMetadata(input, opts.limits.maxPixels);
  try {
    const gray = await decodeGray(input, meta, opts.limits);
    const geometry = gray.geometry;
    let page = gray.page;
    const apply = async (step: GeometryStep) => {
      geometry.push(step);
      page = await applyStep(page, step);
    };
    // Straighten before cropping: the desk around a camera shot turns with the page (filled dark
    // where the turn exposes a corner) and is then trimmed away with it.
    const straighten = opts.straighten === false ? undefined : straightening(page, opts.camera === true);
    if (straighten) await apply(straighten);
    // A document camera sees the desk around the page: crop to the page (the bright region).
    if (opts.camera) await apply({ op: 'crop', region: await pageOnDesk(page) });
    const short = Math.min(page.width, page.height);
    if (short < MIN_SHORT_SIDE) {
      // Never past the working size: a long thin strip would otherwise grow ninefold.
      const f = Math.min(3, MIN_SHORT_SIDE / short, Math.sqrt(opts.limits.workPixels / (page.width * page.height)));
      if (f > 1) await apply({ op: 'scale', width: Math.round(page.width * f), height: Math.round(page.height * f) });
    }
    const { width, height } = page;
    let img = sharp(page.data, rawInput(page));
    const denoised = (await noiseLevel(img, width, height)) > NOISE_THRESHOLD;
    if (denoised) img = img.median(3);
    const raw: RawImage = { data: await img.toColourspace('b-w').raw().toBuffer(), width, height, channels: 1 };
    // A camera's JPEG says 72 dpi whatever it saw: only a scanner's density is a page resolution.
    const dpi = opts.dpi ?? (!opts.camera && meta.density && meta.density > 1 ? Math.round(meta.density) : undefined);
    return {
      png: await encodePage(raw, dpi),
      width,
      height,
      denoised,
      skewDeg: straighten?.degrees ?? 0,
      geometry,
      ...(dpi ? { dpi } : {}),
    };
  } catch (e) {
    throw imageError(e, opts.limits.maxPixels);
  }
}

/** The page turned clockwise by 90° steps (e.g. as OSD found it), then straightened again. */
export async function turnPage(page: PreparedPage, degrees: 90 | 180 | 270): Promise<PreparedPage> {
  const { data, info } = await sharp(page.png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  const turn: GeometryStep = { op: 'turn', degrees };
  let raw = await applyStep({ data, width: info.width, height: info.height, channels: 1 }, turn);
  // Skew is measured along the lines of text, so only an upright page gives a true reading.
  const straighten = straightening(raw, false);
  if (straighten) raw = await applyStep(raw, straighten);
  const geometry = [...page.geometry, turn, ...(straighten ? [straighten] : [])];
  return {
    ...page,
    png: await encodePage(raw, page.dpi),
    width: raw.width,
    height: raw.height,
    skewDeg: straighten?.degrees ?? 0,
    geometry,
  };
}

/**
 * Tesseract sizes its text model from the PNG's resolution; without one it guesses badly. Only the
 * density is written: `withMetadata` would also attach an sRGB profile and so save three channels,
 * twice the bytes for tesseract.js to inflate (an A4 page read ~25 % slower).
 */
function encodePage(r: RawImage, dpi: number | undefined): Promise<Buffer> {
  return sharp(r.data, rawInput(r))
    .toColourspace('b-w')
    .withDensity(dpi ?? 300)
    .png({ compressionLevel: 1 })
    .toBuffer();
}

/** Tesseract reads a skew this small as well as a straight page: not worth a rotation. */
const MIN_SKEW_DEG = 0.5;
/** Below this the projection profile has no clear peak (no lines of text): leave the page alone. */
const MIN_SKEW_CONFIDENCE = 2;
/** The skew is measured on a copy this long: enough for ±0.1°, and a few ms of work. */
const SKEW_SAMPLE_SIDE = 1000;

/**
 * A page this large (A4 at 200 dpi and up) is straightened by whole-pixel shears: its strokes are
 * several pixels wide, and an interpolated rotation would cost ~0.1 s of the pre-check. A smaller
 * page, or a camera shot (the page is only part of the frame, and is enlarged once cropped), is
 * turned with interpolation: whole-pixel steps would show in its strokes, and it is cheap at that size.
 */
const WHOLE_PIXEL_MIN_PIXELS = 3_500_000;

/**
 * Measures the skew on a small copy (skew.ts); only when the page is skewed by more than
 * MIN_SKEW_DEG, the step that straightens it: one rotation about its centre, keeping its size
 * (exposed corners white, or black on a camera's desk). undefined: leave the page as it is.
 */
export function straightening(page: RawImage, camera: boolean): Extract<GeometryStep, { op: 'straighten' }> | undefined {
  const skew = estimateSkew(sampledCopy(page, SKEW_SAMPLE_SIDE));
  if (skew.confidence < MIN_SKEW_CONFIDENCE || Math.abs(skew.degrees) <= MIN_SKEW_DEG) return undefined;
  const resample = !camera && page.width * page.height >= WHOLE_PIXEL_MIN_PIXELS ? 'whole-pixels' : 'interpolated';
  return { op: 'straighten', degrees: skew.degrees, fill: camera ? 'black' : 'white', resample };
}

/** Where the page lies in a camera shot: the bright region the dark desk is trimmed from. */
async function pageOnDesk(shot: RawImage): Promise<Region> {
  const { info } = await sharp(shot.data, rawInput(shot))
    .trim({ background: '#000000', threshold: 60 })
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { left: -(info.trimOffsetLeft ?? 0), top: -(info.trimOffsetTop ?? 0), width: info.width, height: info.height };
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

/**
 * Every page of a stored file in colour for a printed copy, in order: a PDF opened once and
 * rasterised page by page as for OCR (worker thread, page and pixel limits), an image upright
 * (EXIF orientation applied); each no larger than the working size, as a JPEG.
 */
export async function forEachPrintPage(
  input: Buffer,
  limits: PreprocessLimits,
  onPage: (jpeg: Buffer, index: number, count: number) => Promise<void>,
): Promise<number> {
  const jpeg = (img: Sharp) => img.flatten({ background: '#ffffff' }).jpeg({ quality: 85 }).toBuffer();
  if (sniff(input) === 'pdf') {
    const pdf = await openPdf(input, { ...limits, maxPixels: Math.min(limits.maxPixels, limits.workPixels) });
    try {
      for (let i = 0; i < pdf.count; i++) await onPage(await jpeg(sharp(await pdf.render(i, { colour: true }))), i, pdf.count);
    } finally {
      await pdf.close();
    }
    return pdf.count;
  }
  const meta = await imageMetadata(input, limits.maxPixels);
  const page = await jpeg(decodeUpright(input, limits.maxPixels, workingSize(uprightSize(meta), limits.workPixels))).catch((e: unknown) => {
    throw imageError(e, limits.maxPixels);
  });
  await onPage(page, 0, 1);
  return 1;
}

/** Renders one page of a stored file for display (PDF page, or the image itself), as PNG, no larger than the working size. */
export async function renderForDisplay(input: Buffer, pageIndex: number, limits: PreprocessLimits = DEFAULT_LIMITS): Promise<Buffer> {
  if (sniff(input) === 'pdf') {
    const pdf = await openPdf(input, { ...limits, maxPixels: Math.min(limits.maxPixels, limits.workPixels) });
    try {
      if (pageIndex >= pdf.count) throw new AppError('PRECHECK_PAGE_NOT_FOUND', { details: { page: pageIndex + 1, pages: pdf.count } });
      return await pdf.render(pageIndex);
    } finally {
      await pdf.close();
    }
  }
  if (pageIndex !== 0) throw new AppError('PRECHECK_PAGE_NOT_FOUND', { details: { page: pageIndex + 1, pages: 1 } });
  const meta = await imageMetadata(input, limits.maxPixels);
  return decodeUpright(input, limits.maxPixels, workingSize(uprightSize(meta), limits.workPixels))
    .png()
    .toBuffer();
}
