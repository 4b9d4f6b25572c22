import type { ErrorSpec } from '../errors';

/** Codes of the 补正材料通知书 (one-time correction notice). */
export const CORRECTION_ERRORS = {
  CORRECTION_NOTICE_NONE: {
    status: 404,
    zh: '该办件没有有效的补正材料通知书：只有审批单位作出“补正”决定后才会出具',
    en: 'This case has no correction notice in force: one is issued with a 补正 (correction) decision',
  },
  CORRECTION_SLOT_NOT_LISTED: {
    status: 409,
    zh: '补正通知书没有要求补正这项材料，无需重新提交',
    en: 'The correction notice does not list this material; it needs no new scan',
  },
  CORRECTION_NOTICE_SAME_LIST: {
    status: 409,
    zh: '新的补正清单与现行通知书相同，无需重新出具',
    en: 'The new list is the same as the notice in force; there is nothing to reissue',
  },
} as const satisfies Record<string, ErrorSpec>;
