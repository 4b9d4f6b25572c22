import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { AppError } from '@tongban/shared';
import { extractFields, pageKinds } from '@tongban/shared/precheck/rules';
import type { Bbox, MaterialSlotRules, OcrLine, PageOcr } from '@tongban/shared/precheck/types';
import type { DemoScan } from '@tongban/server/cases/demo/demoScans';
import { pageSignature } from '@tongban/server/precheck/preprocess';
import type { MaterialRecognition, MaterialRecogniser, RecognizeMaterialOptions } from '@tongban/server/precheck/recognizeMaterial';

/**
 * A recogniser for tests that are not about OCR (access, review, signalling…), which only need a
 * genuinely pre-checked case: it reads a generated scan by what the scan prints (`DemoScan.printed`),
 * registered when the fixture rendered it and looked up by the bytes' sha256. Size, dpi, page hash
 * and ink come from the image itself; fields, findings, jobs and events from the real pre-check.
 * The rows are laid out one under the other, so their boxes do not point into the image.
 */

const printed = new Map<string, Pick<DemoScan, 'printed' | 'portrait'>>();
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Makes `scan` readable by the recogniser (uploadMissingScans registers every scan it renders). */
export function registerPrintedScan(scan: DemoScan): void {
  printed.set(sha256(scan.bytes), scan);
}

/** Row and word geometry of the layout: rows of 40 px text 80 px apart, 40 px per character, a character's gap between words. */
const LINE = 40;
const lineOf = (words: string[], row: number): OcrLine => {
  let x = LINE;
  const y0 = LINE + row * 2 * LINE;
  const boxes = words.map((text) => {
    const bbox: Bbox = { x0: x, y0, x1: x + [...text].length * LINE, y1: y0 + LINE };
    x = bbox.x1 + LINE;
    return { text, confidence: 95, bbox };
  });
  return { text: words.join(' '), confidence: 95, bbox: { x0: LINE, y0, x1: x - LINE, y1: y0 + LINE }, words: boxes };
};

export class PrintedTextRecogniser implements MaterialRecogniser {
  readonly size = 1;

  async start(): Promise<void> {}
  async close(): Promise<void> {}

  health() {
    return { ready: true, workers: 1, configuredWorkers: 1, engine: 'printed text (tests)' };
  }

  async recognize(input: Buffer, slot: MaterialSlotRules, opts: RecognizeMaterialOptions): Promise<MaterialRecognition> {
    const scan = printed.get(sha256(input));
    if (!scan) throw new AppError('PRECHECK_OCR_FAILED', { details: { reason: 'not a registered generated scan' } });
    opts.onProgress?.('preparing', 0);
    const { width = 0, height = 0, density } = await sharp(input).metadata();
    const page: PageOcr = {
      index: 0,
      width,
      height,
      ...(density ? { dpi: density } : {}),
      lines: scan.printed.map(lineOf),
      ...(await pageSignature(input)),
      rotationDeg: 0,
    };
    if (pageKinds(slot, [page])[0] === 'id-card-front')
      page.photo = scan.portrait ? { box: scan.portrait, source: 'layout', confidence: 1 } : null;
    // The scan itself is the page image the photo box refers to.
    await opts.onPageImage?.(0, input);
    opts.onProgress?.('fields', 1);
    return { pages: [page], fields: extractFields(slot, [page]) };
  }
}
