import type { ErrorSpec } from '../errors';

/** Codes of the receipt (收件回执) and the public status page (办件进度查询). */
export const RECEIPT_ERRORS = {
  RECEIPT_NOT_READY: {
    status: 409,
    zh: '办件受理后才能打印收件回执：请先完成视频会审并由审批单位作出“受理”决定',
    en: 'The receipt can be printed once the case is accepted: finish the co-review and let the handling office accept it first',
  },
  STATUS_CODE_NOT_FOUND: {
    status: 404,
    zh: '查询码不存在，请核对收件回执上的查询码（10 位字母和数字）后重新输入',
    en: 'No case has this query code; check the 10-character code on the receipt and try again',
  },
  STATUS_RATE_LIMITED: {
    status: 429,
    zh: '查询码输错次数过多，请等待几分钟后再查询',
    en: 'Too many wrong query codes; wait a few minutes and try again',
  },
} as const satisfies Record<string, ErrorSpec>;
