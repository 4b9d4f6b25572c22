/**
 * How many files one case may hold, so that one case cannot fill the OCR queue (each file is one
 * pre-check job) or a slot with hundreds of scans. Files are counted, not pages: the page count of a
 * PDF is known only once it is pre-checked (each PDF is bounded by OCR_MAX_PDF_PAGES).
 */
export const MAX_FILES_PER_SLOT = 20;
export const MAX_FILES_PER_CASE = 100;
