import type { ErrorSpec } from '../errors';

/** Codes of 申请人签名 (the applicant signs the declaration on the phone or on the window's tablet). */
export const SIGNATURE_ERRORS = {
  SIGNATURE_TOO_SHORT: {
    status: 400,
    zh: '签名太短或几乎空白，请在签名框内用手指或笔写下您的姓名',
    en: 'The signature is empty or too short: write your name in the box with a finger or a pen',
  },
  SIGNATURE_IMAGE_INVALID: {
    status: 400,
    zh: '签名图像无法读取，请点“重写”后重新签名',
    en: 'The signature image cannot be read; tap “Clear” and sign again',
  },
  SIGNATURE_DECLARATION_CHANGED: {
    status: 409,
    zh: '承诺书内容已更新（如日期已变），请重新阅读后再签名',
    en: 'The declaration has changed (for instance its date); read it again, then sign',
  },
  SIGNATURE_EXISTS: {
    status: 409,
    zh: '申请人已签名；如需重新签名，须由窗口工作人员写明原因',
    en: 'The applicant has already signed; signing again needs the window clerk to give a reason',
  },
  SIGNATURE_NONE: {
    status: 404,
    zh: '申请人尚未签名',
    en: 'The applicant has not signed yet',
  },
  SIGNATURE_CLOSED: {
    status: 409,
    zh: '办件已转递或已结束，不能再签名',
    en: 'The case has been handed off or is closed: it can no longer be signed',
  },
} as const satisfies Record<string, ErrorSpec>;
