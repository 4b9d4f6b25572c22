import { fieldRegions, extractFields, pageKinds, type RegionReads } from '@tongban/shared/precheck/rules';
import { meanConfidence } from '@tongban/shared/precheck/layout';
import { unionBbox, type ExtractedField, type MaterialSlotRules, type PageOcr } from '@tongban/shared/precheck/types';
import type { OcrPool } from './OcrPool';
import { crop, forEachPage, pageSignature, type PreprocessLimits } from './preprocess';
import { readUpright } from './readUpright';
import { locateIdPhoto } from './idPhotoRegion';

/**
 * One material, end to end: pages → normalised, straightened images → whole-page OCR (turned
 * upright by OSD when the page reads badly) → field regions read again as single lines →
 * extracted fields. Rules are applied by the caller (they need the case and the clerk's edits).
 */

export type PrecheckStage = 'preparing' | 'recognising' | 'fields';

export interface MaterialRecognition {
  pages: PageOcr[];
  fields: ExtractedField[];
}

export interface RecognizeMaterialOptions {
  limits: PreprocessLimits;
  camera?: boolean;
  onProgress?: (stage: PrecheckStage, fraction: number) => void;
  /** Receives each normalised page image (bboxes refer to it) — e.g. to store it for display. */
  onPageImage?: (index: number, png: Buffer) => Promise<void>;
}

/** Cards read best as one block (psm 6); A4 forms and licences read best with auto layout (psm 3). */
export function psmFor(slot: MaterialSlotRules): 3 | 6 {
  return slot.kind === 'id-card' ? 6 : 3;
}

export async function recognizeMaterial(pool: OcrPool, input: Buffer, slot: MaterialSlotRules, opts: RecognizeMaterialOptions): Promise<MaterialRecognition> {
  const psm = psmFor(slot);
  const pages: PageOcr[] = [];
  const images: Buffer[] = [];
  opts.onProgress?.('preparing', 0);
  await forEachPage(input, { limits: opts.limits, ...(opts.camera ? { camera: true } : {}) }, async (prepared, index, count) => {
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
    await opts.onPageImage?.(index, png);
  });

  opts.onProgress?.('fields', 0);
  const regions = fieldRegions(slot, pages);
  const reads: RegionReads = {};
  for (const [i, { page, region }] of regions.entries()) {
    const b = region.bbox;
    if (b.x1 - b.x0 < 4 || b.y1 - b.y0 < 4) continue;
    const r = await pool.recognize(await crop(images[page]!, b), { psm: region.mode === 'line' ? 7 : 6, ...(region.charset ? { charset: region.charset } : {}) });
    const words = r.lines.flatMap((l) => l.words);
    const box = unionBbox(words.map((w) => ({ x0: w.bbox.x0 + b.x0, y0: w.bbox.y0 + b.y0, x1: w.bbox.x1 + b.x0, y1: w.bbox.y1 + b.y0 })));
    reads[`${page}:${region.key}`] = { text: r.lines.map((l) => l.text).join(' '), confidence: Math.round(meanConfidence(r.lines)), bbox: box ?? b };
    opts.onProgress?.('fields', (i + 1) / regions.length);
  }
  // The portrait on each ID card front, for the reviewer's face comparison.
  const kinds = pageKinds(slot, pages);
  for (const [i, page] of pages.entries()) if (kinds[i] === 'id-card-front') page.photo = await locateIdPhoto(images[i]!, page);
  return { pages, fields: extractFields(slot, pages, reads) };
}
