import { maskIdNumbersIn } from '../logger';

/**
 * Audit details are kept forever and shipped in handoff bags: mask any ID number a caller put
 * in a note or detail value before it is hashed into the ledger.
 */
export function maskDetails<T>(value: T): T {
  if (typeof value === 'string') return maskIdNumbersIn(value) as T;
  if (Array.isArray(value)) return value.map(maskDetails) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, maskDetails(v)])) as T;
  }
  return value;
}
