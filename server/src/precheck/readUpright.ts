import { meanConfidence, wordCount } from '@tongban/shared/precheck/layout';
import type { OcrPool, RecognizeOutput } from './OcrPool';
import { pageSignature, turnPage, type PreparedPage } from './preprocess';

/**
 * Reads a page the right way up. The page is read as it is first; only when that reads badly with
 * ink on the page is it likely turned by 90° or 180°: then one OSD detection says which way up it
 * is, and only if OSD is unsure (or unavailable) is the page read turned each way in turn.
 */

export interface UprightRead {
  /** The page as read (turned upright and straightened): what the boxes refer to. */
  page: PreparedPage;
  result: RecognizeOutput;
  /** Clockwise quarter turn applied to make the page upright. */
  quarter: 0 | 90 | 180 | 270;
  /** How a turned page was found: by OSD, by reading it each way, or not at all. */
  orientedBy: 'osd' | 'retries' | 'none';
}

/** A page read this badly with text on it is likely turned by 90° or 180°. */
const POOR_CONFIDENCE = 45;
/** Below this share of ink a page is blank: nothing to orient. */
const MIN_INK = 0.003;
/** OSD's orientation confidence on our generated cards and forms is 1.2–3.7 when right. */
const MIN_OSD_CONFIDENCE = 0.8;

function score(r: RecognizeOutput): number {
  return meanConfidence(r.lines) * Math.sqrt(wordCount(r.lines));
}

export async function readUpright(
  pool: OcrPool,
  prepared: PreparedPage,
  psm: 3 | 6,
  onProgress?: (fraction: number) => void,
): Promise<UprightRead> {
  const first = await pool.recognize(prepared.png, { psm, ...(onProgress ? { onProgress } : {}) });
  const asIs: UprightRead = { page: prepared, result: first, quarter: 0, orientedBy: 'none' };
  if (meanConfidence(first.lines) >= POOR_CONFIDENCE || (await pageSignature(prepared.png)).inkRatio <= MIN_INK) return asIs;

  const osd = await pool.detectOrientation(prepared.png);
  if (osd && osd.confidence >= MIN_OSD_CONFIDENCE) {
    if (osd.degrees === 0) return asIs;
    const page = await turnPage(prepared, osd.degrees);
    return { page, result: await pool.recognize(page.png, { psm }), quarter: osd.degrees, orientedBy: 'osd' };
  }
  for (const quarter of [180, 90, 270] as const) {
    const page = await turnPage(prepared, quarter);
    const result = await pool.recognize(page.png, { psm });
    if (score(result) > score(first) * 1.5 && meanConfidence(result.lines) >= POOR_CONFIDENCE)
      return { page, result, quarter, orientedBy: 'retries' };
  }
  return asIs;
}
