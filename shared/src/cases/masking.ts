import { maskIdNumber } from '../validators/idNumber';

export { maskIdNumber };

/** 138****5678 / 0755****5678: keeps enough to confirm with the applicant, not enough to call them. */
export function maskPhone(raw: string): string {
  const digits = raw.replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(digits.length);
  return digits.slice(0, 3) + '*'.repeat(digits.length - 7) + digits.slice(-4);
}

/**
 * ID-number shapes inside free text: 18 characters (17 digits + digit/X, also the 2023 永居证),
 * also typed in 6-8-4 groups separated by single spaces, and the pre-1999 15-digit number (region,
 * YYMMDD, sequence; its month and day must be real so other 15-digit numbers such as waybills are
 * left alone); a 港澳通行证 number (H/M + 8 to 10 digits) and a 2017 永居证 number (3 letters + 12
 * digits). A shape touching another letter or digit is part of something longer (a sha256, a
 * 19-digit card number, a timestamp) and is left alone; case numbers and phone numbers never have
 * such runs. A 台胞证 number is eight bare digits, as a date is: it is masked only where the text
 * names the permit just before it.
 */
const ID_NUMBER_IN_TEXT = new RegExp(
  [
    /(?<![0-9A-Za-z])(?:\d{6} ?\d{8} ?\d{3}[\dXx]|\d{8}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}|[HMhm]\d{8}(?:\d{1,2})?|[A-Za-z]{3}\d{12})(?![0-9A-Za-z])/,
    /(?<=(?:台胞证|台湾居民来往大陆通行证|通行证)(?:号码?)?[:： ]?)\d{8}(?:\d{2})?(?:[(（][A-Za-z][)）]|[A-Za-z])?(?![0-9A-Za-z])/,
  ]
    .map((r) => r.source)
    .join('|'),
  'g',
);

/** Masks every ID-number-shaped substring of a free-text value (notes, reasons, comments) as maskIdNumber does. */
export function maskIdNumbersInText(text: string): string {
  return text.replace(ID_NUMBER_IN_TEXT, (m) => maskIdNumber(m));
}

/**
 * OCR text, for someone who may not see the case's identity (an admin): OCR adds and drops
 * characters ("…002XX", a split group), so the exact shapes above are not enough there. Any run of
 * ten or more digits (X among them) is masked as an ID number is.
 */
export function maskDigitRunsInText(text: string): string {
  return text.replace(/\d(?:[\dXx] ?){8,}[\dXx]/g, (m) => maskIdNumber(m.replace(/ /g, '')));
}
