import type { Config } from '../config/config';
import { DEFAULT_LIMITS, type PreprocessLimits } from './preprocess';

/** Input limits from the configuration (OCR_MAX_PIXELS, OCR_MAX_PDF_PAGES; a PDF step may take as long as an OCR job). */
export function limitsFromConfig(config: Config): PreprocessLimits {
  return { ...DEFAULT_LIMITS, maxPixels: config.OCR_MAX_PIXELS, maxPdfPages: config.OCR_MAX_PDF_PAGES, pdfTimeoutMs: config.OCR_JOB_TIMEOUT_MS };
}
