import { fieldRegions, extractFields, type RegionReads } from '@tongban/shared/precheck/rules';
import { meanConfidence, wordCount } from '@tongban/shared/precheck/layout';
import { unionBbox, type ExtractedField, type MaterialSlotRules, type PageOcr } from '@tongban/shared/precheck/types';
import type { OcrPool, RecognizeOutput } from './OcrPool';
import { crop, forEachPage, pageSignature, rotateLikeTesseract, rotateQuarter, type PreprocessLimits } from './preprocess';

/**
 * One material, end to end: pages → normalised images → whole-page OCR (deskewed by tesseract,
 * turned by 90° steps when the page reads badly) → field regions read again as single lines →
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

/** A page read this badly with text on it is likely turned by 90° or 180° (no OSD in the LSTM-only engine). */
const POOR_CONFIDENCE = 45;
const SKEW_EPSILON_RAD = 0.002;

function score(r: RecognizeOutput): number {
  return meanConfidence(r.lines) * Math.sqrt(wordCount(r.lines));
}

export async function recognizeMaterial(pool: OcrPool, input: Buffer, slot: MaterialSlotRules, opts: RecognizeMaterialOptions): Promise<MaterialRecognition> {
  const psm = psmFor(slot);
  const pages: PageOcr[] = [];
  const images: Buffer[] = [];
  opts.onProgress?.('preparing', 0);
  await forEachPage(input, { limits: opts.limits, ...(opts.camera ? { camera: true } : {}) }, async (prepared, index, count) => {
    const progress = (f: number) => opts.onProgress?.('recognising', (index + f) / count);
    let { png, width, height } = prepared;
    let best = await pool.recognize(png, { psm, rotateAuto: true, onProgress: progress });
    let quarter = 0;
    const { inkRatio: ink } = await pageSignature(png);
    if (ink > 0.003 && meanConfidence(best.lines) < POOR_CONFIDENCE) {
      for (const deg of [180, 90, 270] as const) {
        const turned = await rotateQuarter(prepared.png, deg);
        const r = await pool.recognize(turned.png, { psm, rotateAuto: true });
        if (score(r) > score(best) * 1.5 && meanConfidence(r.lines) >= POOR_CONFIDENCE) {
          ({ png, width, height } = turned);
          best = r;
          quarter = deg;
          break;
        }
      }
    }
    if (Math.abs(best.rotateRadians) > SKEW_EPSILON_RAD) png = await rotateLikeTesseract(png, width, height, best.rotateRadians);
    const sig = await pageSignature(png);
    pages.push({
      index,
      width,
      height,
      ...(prepared.dpi ? { dpi: prepared.dpi } : {}),
      lines: best.lines,
      hash: sig.hash,
      inkRatio: Math.round(sig.inkRatio * 10000) / 10000,
      rotationDeg: Math.round((quarter + (best.rotateRadians * 180) / Math.PI) * 100) / 100,
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
  return { pages, fields: extractFields(slot, pages, reads) };
}
