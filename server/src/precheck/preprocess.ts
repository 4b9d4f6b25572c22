import sharp, { type Metadata, type Sharp } from 'sharp';
import { AppError } from '@tongban/shared';
import '@tongban/shared/precheck/errors';
import { dHash, DHASH_HEIGHT, DHASH_WIDTH } from '@tongban/shared/precheck/pageHash';

/**
 * Turns an uploaded file into page images tesseract reads well: EXIF orientation applied,
 * grayscale, small images upscaled, noisy scans median-filtered, camera shots cropped to the
 * page. PDFs are rasterised page by page with MuPDF (WASM). Every input is bounded: pixel count
 * (decompression bombs) and PDF page count are checked before any large allocation.
 */

export interface PreprocessLimits {
  /** Largest decoded image, in pixels. */
  maxPixels: number;
  maxPdfPages: number;
  /** Resolution PDF pages are rendered at. */
  pdfDpi: number;
}

export const DEFAULT_LIMITS: PreprocessLimits = { maxPixels: 100_000_000, maxPdfPages: 50, pdfDpi: 250 };

export interface PreparedPage {
  /** Grayscale PNG: what OCR reads and what bboxes refer to (until deskew, see `deskew`). */
  png: Buffer;
  width: number;
  height: number;
  dpi?: number;
  /** Whether a median filter was applied (the scan was noisy). */
  denoised: boolean;
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
      pdf.close();
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

export async function normalise(input: Buffer, opts: { limits: PreprocessLimits; camera?: boolean; dpi?: number }): Promise<PreparedPage> {
  const meta = await imageMetadata(input, opts.limits.maxPixels);
  try {
    // EXIF orientation first; everything after works on upright pixels.
    let gray = await sharp(input, { limitInputPixels: opts.limits.maxPixels }).rotate().grayscale().toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    let { width, height } = gray.info;
    if (opts.camera) {
      // A document camera sees the desk around the page: crop to the page (the bright region).
      const trimmed = await sharp(gray.data, { raw: { width, height, channels: 1 } })
        .trim({ background: '#000000', threshold: 60 })
        .toColourspace('b-w')
        .raw()
        .toBuffer({ resolveWithObject: true });
      gray = trimmed;
      ({ width, height } = trimmed.info);
    }
    let img = sharp(gray.data, { raw: { width, height, channels: 1 } });
    const short = Math.min(width, height);
    if (short < MIN_SHORT_SIDE) {
      const f = Math.min(3, MIN_SHORT_SIDE / short);
      width = Math.round(width * f);
      height = Math.round(height * f);
      img = sharp(await img.resize(width, height, { kernel: 'lanczos3' }).toColourspace('b-w').raw().toBuffer(), { raw: { width, height, channels: 1 } });
    }
    const denoised = (await noiseLevel(img, width, height)) > NOISE_THRESHOLD;
    if (denoised) img = img.median(3);
    // A camera's JPEG says 72 dpi whatever it saw: only a scanner's density is a page resolution.
    const dpi = opts.dpi ?? (!opts.camera && meta.density && meta.density > 1 ? Math.round(meta.density) : undefined);
    // Tesseract sizes its text model from the PNG's resolution; without one it guesses badly.
    const png = await img.toColourspace('b-w').withMetadata({ density: dpi ?? 300 }).png({ compressionLevel: 1 }).toBuffer();
    return { png, width, height, denoised, ...(dpi ? { dpi } : {}) };
  } catch (e) {
    throw imageError(e, opts.limits.maxPixels);
  }
}

/**
 * Rotates the page the way tesseract did when it deskewed it (about the centre, same size), so
 * the boxes it reported line up with the stored page image.
 */
export async function rotateLikeTesseract(png: Buffer, width: number, height: number, radians: number): Promise<Buffer> {
  const rotated = await sharp(png).rotate((radians * 180) / Math.PI, { background: '#ffffff' }).raw().toBuffer({ resolveWithObject: true });
  const left = Math.max(0, Math.round((rotated.info.width - width) / 2));
  const top = Math.max(0, Math.round((rotated.info.height - height) / 2));
  return sharp(rotated.data, { raw: { width: rotated.info.width, height: rotated.info.height, channels: rotated.info.channels } })
    .extract({ left, top, width: Math.min(width, rotated.info.width), height: Math.min(height, rotated.info.height) })
    .grayscale()
    .png({ compressionLevel: 1 })
    .toBuffer();
}

export async function rotateQuarter(png: Buffer, degrees: 90 | 180 | 270): Promise<{ png: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png).rotate(degrees).png({ compressionLevel: 1 }).toBuffer({ resolveWithObject: true });
  return { png: data, width: info.width, height: info.height };
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

interface OpenPdf {
  count: number;
  render(index: number): Promise<Buffer>;
  close(): void;
}

async function openPdf(input: Buffer, limits: PreprocessLimits): Promise<OpenPdf> {
  const mupdf = await import('mupdf');
  let doc: InstanceType<typeof mupdf.Document>;
  try {
    doc = mupdf.Document.openDocument(input, 'application/pdf');
  } catch (e) {
    throw new AppError('PRECHECK_FILE_CORRUPT', { details: { reason: String((e as Error)?.message ?? e) } });
  }
  let count: number;
  try {
    count = doc.countPages();
  } catch (e) {
    doc.destroy();
    throw new AppError('PRECHECK_FILE_CORRUPT', { details: { reason: String((e as Error)?.message ?? e) } });
  }
  if (count === 0) {
    doc.destroy();
    throw new AppError('PRECHECK_FILE_CORRUPT', { details: { reason: 'the PDF has no pages' } });
  }
  if (count > limits.maxPdfPages) {
    doc.destroy();
    throw new AppError('PRECHECK_PDF_TOO_MANY_PAGES', {
      details: { pages: count, maxPages: limits.maxPdfPages },
      zh: `PDF 共 ${count} 页，超过上限 ${limits.maxPdfPages} 页，请按材料分开扫描上传`,
      en: `The PDF has ${count} pages, more than the limit of ${limits.maxPdfPages}; scan each material separately`,
    });
  }
  return {
    count,
    async render(index) {
      try {
        const page = doc.loadPage(index);
        const [x0, y0, x1, y1] = page.getBounds();
        // Points are 1/72 inch; shrink the scale when a huge page would exceed the pixel budget.
        let scale = limits.pdfDpi / 72;
        const pixels = (x1 - x0) * (y1 - y0) * scale * scale;
        if (pixels > limits.maxPixels) scale *= Math.sqrt(limits.maxPixels / pixels);
        const pix = page.toPixmap(mupdf.Matrix.scale(scale, scale), mupdf.ColorSpace.DeviceGray, false, true);
        const png = Buffer.from(pix.asPNG());
        pix.destroy();
        page.destroy();
        return png;
      } catch (e) {
        throw new AppError('PRECHECK_FILE_CORRUPT', { details: { page: index + 1, reason: String((e as Error)?.message ?? e) } });
      }
    },
    close: () => doc.destroy(),
  };
}

/** Renders one page of a stored file for display (PDF page, or the image itself), as PNG. */
export async function renderForDisplay(input: Buffer, pageIndex: number, limits: PreprocessLimits = DEFAULT_LIMITS): Promise<Buffer> {
  if (sniff(input) === 'pdf') {
    const pdf = await openPdf(input, limits);
    try {
      if (pageIndex >= pdf.count) throw new AppError('PRECHECK_PAGE_NOT_FOUND', { details: { page: pageIndex + 1, pages: pdf.count } });
      return await pdf.render(pageIndex);
    } finally {
      pdf.close();
    }
  }
  if (pageIndex !== 0) throw new AppError('PRECHECK_PAGE_NOT_FOUND', { details: { page: pageIndex + 1, pages: 1 } });
  await imageMetadata(input, limits.maxPixels);
  return sharp(input, { limitInputPixels: limits.maxPixels }).rotate().png().toBuffer();
}
