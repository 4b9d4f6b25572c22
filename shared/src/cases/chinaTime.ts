/** China Standard Time is UTC+8 all year (no DST): case numbers and deadlines count China calendar days. */
const CST_OFFSET_MS = 8 * 3600_000;

/** The instant shifted so its UTC fields read as China wall-clock time. */
function chinaClock(at: Date | string): string {
  return new Date(new Date(at).getTime() + CST_OFFSET_MS).toISOString();
}

/** The China calendar date of an instant, as YYYY-MM-DD. */
export function chinaDate(at: Date): string {
  return chinaClock(at).slice(0, 10);
}

/**
 * An instant as people read it, in China time: "2026-12-02 04:46" (with `seconds`,
 * "2026-12-02 04:46:33"). For text a person reads (PDFs, CSV cells, watermarks); machines keep ISO.
 */
export function chinaDateTime(at: Date | string, opts: { seconds?: boolean } = {}): string {
  const iso = chinaClock(at);
  return `${iso.slice(0, 10)} ${iso.slice(11, opts.seconds ? 19 : 16)}`;
}
