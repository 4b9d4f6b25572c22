import { maskIdNumber, maskIdNumbersInText } from '@tongban/shared/cases/masking';
import type { CasePrecheckResponse } from '@tongban/shared/precheck/api';

/**
 * Audit details are kept forever and shipped in handoff bags: mask any ID number a caller put
 * in a note or detail value before it is hashed into the ledger.
 */
export function maskDetails<T>(value: T): T {
  if (typeof value === 'string') return maskIdNumbersInText(value) as T;
  if (Array.isArray(value)) return value.map(maskDetails) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, maskDetails(v)])) as T;
  }
  return value;
}

/**
 * The pre-check as someone who does not work the case (an admin) sees it: every ID-number shape
 * in OCR text, fields, reasons masked, and the ID number field masked whatever OCR made of it.
 */
export function maskPrecheckIdentity(view: CasePrecheckResponse): CasePrecheckResponse {
  const masked = maskDetails(view);
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
