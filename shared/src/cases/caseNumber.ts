import { chinaDate } from './chinaTime';

/**
 * 办件编号: `<intake office code>-<YYYYMMDD, China date>-<daily sequence, 4 digits>`,
 * e.g. `GD-SG-20261125-0001`. The sequence restarts every day per intake office.
 */
export const CASE_NUMBER_PATTERN = /^([A-Z]{2}(?:-[A-Z0-9]{1,8})*)-(\d{8})-(\d{4,})$/;

/** The per-office, per-day prefix whose counter yields the sequence. */
export function caseNumberPrefix(officeCode: string, at: Date): string {
  return `${officeCode}-${chinaDate(at).replaceAll('-', '')}`;
}

export function formatCaseNumber(officeCode: string, at: Date, seq: number): string {
  if (!Number.isInteger(seq) || seq < 1) throw new RangeError(`case sequence must be a positive integer, got ${seq}`);
  return `${caseNumberPrefix(officeCode, at)}-${String(seq).padStart(4, '0')}`;
}

export function parseCaseNumber(caseNo: string): { officeCode: string; date: string; seq: number } | undefined {
  const m = CASE_NUMBER_PATTERN.exec(caseNo);
  if (!m) return undefined;
  const [, officeCode, d, seq] = m as unknown as [string, string, string, string];
  return { officeCode, date: `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`, seq: Number(seq) };
}
