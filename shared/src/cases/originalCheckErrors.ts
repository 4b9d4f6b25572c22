import type { ErrorSpec } from '../errors';

/** Codes of 已核验原件 (scans checked against the originals) and their certified copies. */
export const ORIGINAL_CHECK_ERRORS = {
  ORIGINAL_CHECK_MISSING: {
    status: 409,
    zh: '该扫描件尚未登记“已核验原件”：请先与原件核对并登记，才能打印核验件',
    en: 'This scan has not been checked against the original: record the check first, then print the certified copy',
  },
  ORIGINAL_CHECK_EXISTS: {
    status: 409,
    zh: '该扫描件已登记“已核验原件”；如登记有误，请先撤销再重新登记',
    en: 'This scan is already marked as checked against the original; withdraw the mark first if it was wrong',
  },
  ORIGINAL_CHECK_CLOSED: {
    status: 409,
    zh: '办件已转递或已结束，不能再登记或撤销原件核验',
    en: 'The case has been handed off or is closed: checks against the originals can no longer be recorded or withdrawn',
  },
} as const satisfies Record<string, ErrorSpec>;
