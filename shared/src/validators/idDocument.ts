import type { ErrorCode } from '../errors';
import { idNumberCheckChar, parseIdNumber } from './idNumber';

/**
 * 证件类型 an applicant or an agent may present at the window, each with its own number format.
 * Only the 居民身份证 and the 2023 永居证 carry a check character; the permits are checked by shape.
 */
export const ID_TYPES = ['resident-id', 'hk-macao-permit', 'taiwan-permit', 'foreign-permanent-id'] as const;
export type IdType = (typeof ID_TYPES)[number];

/** `prefix`: the number does not start the way this document's numbers do (often: the wrong type was chosen). */
export type IdDocumentProblem = 'format' | 'prefix' | 'birthdate' | 'checksum';

export interface IdDocumentCheck {
  valid: boolean;
  problem?: IdDocumentProblem;
}

interface Text {
  zh: string;
  en: string;
}

export interface IdDocumentSpec {
  name: Text;
  /** The number's name on the document, the form field's label (English in lower case, as inside a sentence). */
  numberLabel: Text;
  /** What the number looks like, shown under the field. */
  hint: Text;
  /** The code a request with a bad number of this document is refused with. */
  errorCode: ErrorCode;
  /** Why a number is wrong, next to the field. */
  problems: Partial<Record<IdDocumentProblem, Text>> & { format: Text };
  /** `id` is normalised (normalizeIdDocument). */
  check(id: string): IdDocumentCheck;
}

const ok: IdDocumentCheck = { valid: true };
const bad = (problem: IdDocumentProblem): IdDocumentCheck => ({ valid: false, problem });

export const ID_DOCUMENTS: Record<IdType, IdDocumentSpec> = {
  'resident-id': {
    name: { zh: '居民身份证', en: 'Resident ID card' },
    numberLabel: { zh: '公民身份号码', en: 'ID number' },
    hint: { zh: '18 位，末位可为 X；输入完整后自动校验', en: '18 characters, the last may be X; checked when complete' },
    errorCode: 'ID_NUMBER_INVALID',
    problems: {
      format: {
        zh: '身份证号码应为 18 位：17 位数字加 1 位数字或 X，请核对原件',
        en: 'An ID number is 17 digits plus a digit or X; check the card',
      },
      birthdate: {
        zh: '号码中的出生日期不存在，请核对第 7–14 位',
        en: 'The birth date inside the number does not exist; check digits 7–14',
      },
      checksum: {
        zh: '校验位不正确（最后一位），可能有数字录错，请逐位核对原件',
        en: 'The check digit (last character) does not match; a digit may be mistyped',
      },
    },
    check(id) {
      const info = parseIdNumber(id);
      return info.valid ? ok : bad(info.problem!);
    },
  },
  'hk-macao-permit': {
    name: { zh: '港澳居民来往内地通行证', en: 'Mainland Travel Permit for Hong Kong and Macao Residents' },
    numberLabel: { zh: '通行证号码', en: 'permit number' },
    hint: {
      zh: 'H（香港）或 M（澳门）加 8 位数字，如 H12345678；旧版证件为 10 或 11 位',
      en: 'H (Hong Kong) or M (Macao) and 8 digits, e.g. H12345678; older permits have 10 or 11 characters',
    },
    errorCode: 'HK_MACAO_PERMIT_INVALID',
    problems: {
      format: {
        zh: '通行证号码应为 H 或 M 加 8 位数字（旧版加 9 或 10 位数字），请核对证件',
        en: 'The number is H or M and 8 digits (9 or 10 on older permits); check the permit',
      },
      prefix: {
        zh: '港澳通行证号码以字母 H（香港）或 M（澳门）开头，请核对证件类型和号码',
        en: 'The number starts with H (Hong Kong) or M (Macao); check the ID type and the number',
      },
    },
    // The card since 2013: H/M + 8 digits; the booklet before it: H/M + 10 digits (some printed with 9).
    check: (id) => (/^[HM]\d{8}(?:\d{1,2})?$/.test(id) ? ok : id && !/^[HM]/.test(id) ? bad('prefix') : bad('format')),
  },
  'taiwan-permit': {
    name: { zh: '台湾居民来往大陆通行证', en: 'Mainland Travel Permit for Taiwan Residents' },
    numberLabel: { zh: '通行证号码', en: 'permit number' },
    hint: {
      zh: '8 位数字，如 12345678；旧版证件号码后带 1 位字母，如 1234567801(B)',
      en: '8 digits, e.g. 12345678; older permits add a letter, e.g. 1234567801(B)',
    },
    errorCode: 'TAIWAN_PERMIT_INVALID',
    problems: {
      format: {
        zh: '台胞证号码应为 8 位数字（旧版为数字后带 1 位字母），请核对证件',
        en: 'The number has 8 digits (older permits: digits and a letter); check the permit',
      },
    },
    // The card since 2015: 8 digits; the booklet: 8 digits and the times renewed (2 digits), then a letter.
    check: (id) => (/^\d{8}$|^\d{8}(?:\d{2})?(?:\([A-Z]\)|[A-Z])$/.test(id) ? ok : bad('format')),
  },
  'foreign-permanent-id': {
    name: { zh: '外国人永久居留身份证', en: 'Foreign Permanent Resident ID Card' },
    numberLabel: { zh: '永居证号码', en: 'card number' },
    hint: {
      zh: '2023 版：9 开头的 18 位，末位可为 X；2017 版：3 位字母加 12 位数字',
      en: '2023 card: 18 characters starting with 9, the last may be X; 2017 card: 3 letters and 12 digits',
    },
    errorCode: 'FOREIGN_PERMANENT_ID_INVALID',
    problems: {
      format: {
        zh: '永居证号码应为 9 开头的 18 位（2023 版），或 3 位字母加 12 位数字（2017 版），请核对证件',
        en: 'The number is 18 characters starting with 9 (2023 card) or 3 letters and 12 digits (2017 card); check the card',
      },
      prefix: {
        zh: '2023 版永居证号码以 9 开头；以 1–8 开头的是居民身份证号码，请核对证件类型',
        en: 'A 2023 card number starts with 9; one starting 1–8 is a resident ID number, so check the ID type',
      },
      checksum: {
        zh: '校验位不正确（最后一位），可能有数字录错，请逐位核对证件',
        en: 'The check character (last one) does not match; a digit may be mistyped',
      },
    },
    check(id) {
      // 2017: nationality (3 letters) + 12 digits. 2023: the resident number's shape and MOD 11-2 check, first digit 9.
      if (/^[A-Z]{3}\d{12}$/.test(id)) return ok;
      if (!/^\d{17}[\dX]$/.test(id)) return bad('format');
      if (id[0] !== '9') return bad('prefix');
      return idNumberCheckChar(id) === id[17] ? ok : bad('checksum');
    },
  },
};

/** As typed: spaces dropped, letters upper case, full-width brackets of an old 台胞证 number made ASCII. */
export function normalizeIdDocument(raw: string): string {
  return raw.replace(/\s+/g, '').replace(/（/g, '(').replace(/）/g, ')').toUpperCase();
}

/** The document's Chinese name for printed sheets; a type this version does not know reads as 证件. */
export function idDocumentName(type: string): string {
  return (ID_DOCUMENTS as Partial<Record<string, IdDocumentSpec>>)[type]?.name.zh ?? '证件';
}

export function checkIdDocument(type: IdType, raw: string): IdDocumentCheck {
  return ID_DOCUMENTS[type].check(normalizeIdDocument(raw));
}
