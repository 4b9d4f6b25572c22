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

/** 1101**********002X: keeps the region prefix and last four, as the brief requires in lists, logs and events. */
export function maskIdNumber(raw: string): string {
  const id = normalizeIdNumber(raw);
  if (id.length < 8) return '*'.repeat(id.length);
  return id.slice(0, 4) + '*'.repeat(id.length - 8) + id.slice(-4);
}
