/** Normalisers for OCR text: the usual look-alike confusions of digits and Latin letters. */

const DIGIT_LOOKALIKES: Record<string, string> = {
  O: '0',
  o: '0',
  D: '0',
  Q: '0',
  I: '1',
  l: '1',
  '|': '1',
  i: '1',
  Z: '2',
  z: '2',
  S: '5',
  s: '5',
  B: '8',
  G: '6',
  b: '6',
  g: '9',
  q: '9',
  x: 'X',
  '×': 'X',
  乂: 'X',
};

/** Finds an 18-character ID number (17 digits + digit or X) in OCR text. */
export function findIdNumber(text: string): string | undefined {
  const compact = text.replace(/[\s\-_.,:：·]/g, '');
  const runs = compact.match(/[0-9OoDQIl|iZzSsBGbgqxX×乂]{18,}/g) ?? [];
  for (const run of runs) {
    const fixed = [...run].map((c) => DIGIT_LOOKALIKES[c] ?? c).join('');
    const m = /\d{17}[\dX]/.exec(fixed);
    if (m) return m[0];
  }
  return undefined;
}

export function onlyCjk(text: string): string {
  return text.replace(/[^\u3400-\u9fff·]/g, '');
}

/** Parses 1990年3月7日 / 1990.03.07 / 1990-3-7 into YYYY-MM-DD. */
export function parseDate(text: string): string | undefined {
  const t = [...text].map((c) => (/[OoIlZS]/.test(c) ? (DIGIT_LOOKALIKES[c] ?? c) : c)).join('');
  const m = /(19|20)(\d{2})\D{0,3}?(\d{1,2})\D{0,3}?(\d{1,2})/.exec(t);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]! + m[2]!), Number(m[3]), Number(m[4])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** 有效期限 "2015.03.01-2035.03.01" or "...-长期". */
export function parseValidity(text: string): { from?: string; to?: string | '长期' } {
  const compact = text.replace(/\s/g, '');
  const longTerm = /长期|长朔|长其/.test(compact);
  const dates: string[] = [];
  const re = /(19|20)\d{2}\D{0,2}\d{1,2}\D{0,2}\d{1,2}/g;
  for (const m of compact.matchAll(re)) {
    const d = parseDate(m[0]);
    if (d) dates.push(d);
  }
  return {
    ...(dates[0] ? { from: dates[0] } : {}),
    ...(dates[1] ? { to: dates[1] } : longTerm ? { to: '长期' as const } : {}),
  };
}

const USCC_LOOKALIKES: Record<string, string> = { O: '0', I: '1', Z: '2', S: '5', V: 'U', o: '0', i: '1', l: '1', z: '2', s: '5' };

/** Finds an 18-character 统一社会信用代码 candidate (charset 0-9A-HJ-NPQRTUWXY) in OCR text. */
export function findUscc(text: string, isValid: (code: string) => boolean): string | undefined {
  const compact = text.replace(/[\s\-_.:：]/g, '');
  const candidates: string[] = [];
  for (const m of compact.matchAll(/[0-9A-Za-z]{18,}/g)) {
    const fixed = [...m[0]].map((c) => USCC_LOOKALIKES[c] ?? c.toUpperCase()).join('');
    for (let i = 0; i + 18 <= fixed.length; i++) candidates.push(fixed.slice(i, i + 18));
  }
  return candidates.find(isValid) ?? candidates.find((c) => /^[0-9A-HJ-NPQRTUWXY]{18}$/.test(c)) ?? candidates[0];
}
