import { fieldRegions, extractFields, pageKinds, type RegionReads } from '@tongban/shared/precheck/rules';
import { meanConfidence } from '@tongban/shared/precheck/layout';
import { unionBbox, type ExtractedField, type MaterialSlotRules, type PageOcr } from '@tongban/shared/precheck/types';
import type { OcrPool } from './OcrPool';
import { crop, forEachPage, pageSignature, type ColourPage, type PreparedPage, type PreprocessLimits } from './preprocess';
import { readUpright } from './readUpright';
import { locateIdPhoto } from './idPhotoRegion';
import { cutInColour, type GeometryStep } from './pageGeometry';
import type { Semaphore } from './semaphore';

/**
 * One material, end to end: pages → normalised, straightened images → whole-page OCR (turned
 * upright by OSD when the page reads badly) → ID photos located (and cut in colour) → field
 * regions read again as single lines → extracted fields. Rules are applied by the caller (they need the case and the clerk's edits).
 */

export type PrecheckStage = 'preparing' | 'recognising' | 'fields';

export interface MaterialRecognition {
  pages: PageOcr[];
  fields: ExtractedField[];
}

export interface RecognizeMaterialOptions {
  limits: PreprocessLimits;
  camera?: boolean;
  /** Bounds how many pages (and colour cuts) are decoded at once, shared by all jobs of the server. */
  decodes?: Semaphore;
  onProgress?: (stage: PrecheckStage, fraction: number) => void;
  /** Receives each normalised page image (bboxes refer to it) — e.g. to store it for display. */
  onPageImage?: (index: number, png: Buffer) => Promise<void>;
  /**
   * Receives the ID photo of each ID card front page where one was found, cut in colour from the
   * original with the page's geometry (its box is `photo.box`) — e.g. to store it for the reviewer.
   * Not called for a grayscale original. Without it no colour is cut.
   */
  onIdPhotoImage?: (index: number, png: Buffer) => Promise<void>;
  /** The colour cut failed: the page keeps its gray photo (served instead), the pre-check goes on. */
  onIdPhotoColourFailed?: (index: number, error: unknown) => void;
}

/** Cards read best as one block (psm 6); A4 forms and licences read best with auto layout (psm 3). */
export function psmFor(slot: MaterialSlotRules): 3 | 6 {
  return slot.kind === 'id-card' ? 6 : 3;
}

export async function recognizeMaterial(
  pool: OcrPool,
  input: Buffer,
  slot: MaterialSlotRules,
  opts: RecognizeMaterialOptions,
): Promise<MaterialRecognition> {
  const psm = psmFor(slot);
  const pages: PageOcr[] = [];
  const images: Buffer[] = [];
  const geometries: GeometryStep[][] = [];
  opts.onProgress?.('preparing', 0);
  const readPage = async (prepared: PreparedPage, index: number, count: number) => {
    const progress = (f: number) => opts.onProgress?.('recognising', (index + f) / count);
    const { page, result, quarter } = await readUpright(pool, prepared, psm, progress);
    const { png, width, height } = page;
    const sig = await pageSignature(png);
    pages.push({
      index,
      width,
      height,
      ...(prepared.dpi ? { dpi: prepared.dpi } : {}),
      lines: result.lines,
      hash: sig.hash,
      inkRatio: Math.round(sig.inkRatio * 10000) / 10000,
      rotationDeg: Math.round((quarter - page.skewDeg) * 100) / 100,
    });
    images.push(png);
    geometries.push(page.geometry);
    await opts.onPageImage?.(index, png);
  };
  // The portrait on each ID card front, for the reviewer's face comparison: found on the gray page,
  // then cut again from the original in colour (skin tone and hair matter next to the live video).
  const findPhotos = async (colourPage: ColourPage) => {
    const kinds = pageKinds(slot, pages);
    const onColour = opts.onIdPhotoImage;
    for (const page of pages.filter((_, i) => kinds[i] === 'id-card-front')) {
      page.photo = await locateIdPhoto(images[page.index]!, page);
      if (!page.photo || !onColour) continue;
      let png: Buffer | null;
      try {
        const { box } = page.photo;
        const cut = async () => cutInColour(await colourPage(page.index), geometries[page.index]!, box, opts.limits.maxPixels);
        png = await (opts.decodes ? opts.decodes.run(cut) : cut());
      } catch (e) {
        opts.onIdPhotoColourFailed?.(page.index, e);
        continue;
      }
      if (png) await onColour(page.index, png);
    }
  };
  await forEachPage(input, { limits: opts.limits, decodes: opts.decodes, ...(opts.camera ? { camera: true } : {}) }, readPage, findPhotos);

  opts.onProgress?.('fields', 0);
  const regions = fieldRegions(slot, pages);
  const reads: RegionReads = {};
  for (const [i, { page, region }] of regions.entries()) {
    const b = region.bbox;
    if (b.x1 - b.x0 < 4 || b.y1 - b.y0 < 4) continue;
    const r = await pool.recognize(await crop(images[page]!, b), {
      psm: region.mode === 'line' ? 7 : 6,
      ...(region.charset ? { charset: region.charset } : {}),
    });
    const words = r.lines.flatMap((l) => l.words);
    const box = unionBbox(words.map((w) => ({ x0: w.bbox.x0 + b.x0, y0: w.bbox.y0 + b.y0, x1: w.bbox.x1 + b.x0, y1: w.bbox.y1 + b.y0 })));
    reads[`${page}:${region.key}`] = {
      text: r.lines.map((l) => l.text).join(' '),
      confidence: Math.round(meanConfidence(r.lines)),
      bbox: box ?? b,
    };
    opts.onProgress?.('fields', (i + 1) / regions.length);
  }
  return { pages, fields: extractFields(slot, pages, reads) };
}

/**
 * What the pre-check service reads materials with, `size` at a time (0: the pre-check is off). The
 * server's is `ocrRecogniser` over the tesseract pool; a test that is not about OCR may pass a
 * stand-in, and the job queue, rules, findings and events still run as they do in the server.
 */
export interface MaterialRecogniser {
  readonly size: number;
  /** Warms the engine (called once at server start). */
  start(): Promise<void>;
  close(): Promise<void>;
  /** For /api/health: live state of the engine. */
  health(): { ready: boolean } & Record<string, unknown>;
  recognize(input: Buffer, slot: MaterialSlotRules, opts: RecognizeMaterialOptions): Promise<MaterialRecognition>;
}

export function ocrRecogniser(pool: OcrPool): MaterialRecogniser {
  return {
    size: pool.size,
    start: () => pool.start(),
    close: () => pool.close(),
    health: () => pool.health(),
    recognize: (input, slot, opts) => recognizeMaterial(pool, input, slot, opts),
  };
}
