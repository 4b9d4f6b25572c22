import { maskDigitRunsInText, maskIdNumber, maskIdNumbersInText } from '@tongban/shared/cases/masking';
import type { CasePrecheckResponse } from '@tongban/shared/precheck/api';

/**
 * Audit details are kept forever and shipped in handoff bags: mask any ID number a caller put
 * in a note or detail value before it is hashed into the ledger.
 */
export function maskDetails<T>(value: T): T {
  return maskStrings(value, maskIdNumbersInText);
}

const OCR_TEXT_KEYS = new Set(['text', 'value', 'ocrValue']);

/** Every string inside `value` (objects and arrays walked), through `mask` with the key it sits under. */
function maskStrings<T>(value: T, mask: (s: string, key: string) => string, key = ''): T {
  if (typeof value === 'string') return mask(value, key) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => maskStrings(v, mask, key)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, maskStrings(v, mask, k)])) as T;
  }
  return value;
}

/**
 * The pre-check as someone who does not work the case (an admin) sees it: every ID-number shape
 * in OCR text, fields, reasons masked, and the ID number field masked whatever OCR made of it.
 */
export function maskPrecheckIdentity(view: CasePrecheckResponse): CasePrecheckResponse {
  // OCR's own text (lines, words, field values) gets the looser digit-run rule too; ids and
  // hashes elsewhere in the view keep their digits.
  const masked = maskStrings(view, (s, key) =>
    OCR_TEXT_KEYS.has(key) ? maskDigitRunsInText(maskIdNumbersInText(s)) : maskIdNumbersInText(s),
  );
  const idField = <F extends { value: string; ocrValue?: string }>(f: F): F => ({
    ...f,
    value: maskIdNumber(f.value),
    ...(f.ocrValue !== undefined ? { ocrValue: maskIdNumber(f.ocrValue) } : {}),
  });
  return {
    ...masked,
    materials: masked.materials.map((m) => ({
      ...m,
      fields: m.fields.map((f) => (f.key === 'idNumber' ? idField(f) : f)),
      corrections: m.corrections.map((c) => (c.fieldKey === 'idNumber' ? idField(c) : c)),
    })),
  };
}
