/** 居民身份证号码 (GB 11643-1999): 17 digits + ISO 7064 MOD 11-2 check character. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

export function idNumberCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

export type IdNumberProblem = 'format' | 'birthdate' | 'checksum';

export interface IdNumberInfo {
  valid: boolean;
  problem?: IdNumberProblem;
  /** YYYY-MM-DD, when the birth date part is a real date. */
  birthDate?: string;
  sex?: 'M' | 'F';
  regionCode?: string;
}

export function normalizeIdNumber(raw: string): string {
  return raw.replace(/\s+/g, '').toUpperCase();
}

export function parseIdNumber(raw: string): IdNumberInfo {
  const id = normalizeIdNumber(raw);
  if (!/^\d{17}[\dX]$/.test(id)) return { valid: false, problem: 'format' };
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  const realDate = y >= 1900 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  const birthDate = realDate ? `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}` : undefined;
  const sex = Number(id[16]) % 2 === 1 ? 'M' : 'F';
  const base = { regionCode: id.slice(0, 6), sex, ...(birthDate ? { birthDate } : {}) } as const;
  if (!realDate) return { ...base, valid: false, problem: 'birthdate' };
  if (idNumberCheckChar(id) !== id[17]) return { ...base, valid: false, problem: 'checksum' };
  return { ...base, valid: true };
}

export function isValidIdNumber(raw: string): boolean {
  return parseIdNumber(raw).valid;
}

/**
 * Any ID document's number as lists, logs and events show it. A run of 14 or more digits (X among
 * them: a resident ID of 15 or 18, the 2023 永居证 of the same shape, what OCR made of one) keeps
 * the region prefix and last four: 1101**********002X. Other numbers (通行证, the 2017 永居证) keep
 * only their leading letters (H/M, the nationality) and last three, since four plus four of a
 * 9-character number would be almost all of it: H*****678, USA*********234. Six characters or
 * fewer are masked whole.
 */
export function maskIdNumber(raw: string): string {
  const id = normalizeIdNumber(raw);
  // Stars count as digits so a masked number masks to itself.
  if (/^\d[\dX*]{13,}$/.test(id)) return id.slice(0, 4) + '*'.repeat(id.length - 8) + id.slice(-4);
  if (id.length <= 6) return '*'.repeat(id.length);
  const lead = /^[A-Z]{0,3}/.exec(id)![0];
  return lead + '*'.repeat(id.length - lead.length - 3) + id.slice(-3);
}

/** What maskIdNumber gives and nothing less masked: the only form of a number another site may be sent before accepting. */
export const MASKED_ID_NUMBER = /^(?:\d{4}(?:\*{10}\d{3}[\dX]|\*{7}\d{4})|[A-Z]{0,3}\*{4,}[0-9A-Z()]{3})$/;
