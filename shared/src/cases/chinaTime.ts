/** China Standard Time is UTC+8 all year (no DST): case numbers and deadlines count China calendar days. */
const CST_OFFSET_MS = 8 * 3600_000;

/** The China calendar date of an instant, as YYYY-MM-DD. */
export function chinaDate(at: Date): string {
  return new Date(at.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
}
