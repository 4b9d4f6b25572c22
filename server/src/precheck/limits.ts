import type { Config } from '../config/config';
import { DEFAULT_LIMITS, type PreprocessLimits } from './preprocess';

/**
 * Pages decoded and normalised at once across all pre-check jobs (never more than OCR workers):
 * each holds its page's pixels several times over, and sharp returns memory slowly.
 */
export const MAX_CONCURRENT_DECODES = 2;

/** Input limits from the configuration (OCR_MAX_PIXELS, OCR_MAX_PDF_PAGES; a PDF step may take as long as an OCR job). */
export function limitsFromConfig(config: Config): PreprocessLimits {
  return {
    ...DEFAULT_LIMITS,
    maxPixels: config.OCR_MAX_PIXELS,
    maxPdfPages: config.OCR_MAX_PDF_PAGES,
    pdfTimeoutMs: config.OCR_JOB_TIMEOUT_MS,
  };
}
