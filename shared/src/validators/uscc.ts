/** 统一社会信用代码 (GB 32100-2015): 18 chars, last one a check character over the first 17. */
export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

export function usccCheckChar(first17: string): string | undefined {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARSET.indexOf(first17[i] ?? '');
    if (v < 0) return undefined;
    // Weight of position i is 3^i mod 31.
    let w = 1;
    for (let k = 0; k < i; k++) w = (w * 3) % 31;
    sum += v * w;
  }
  const c = (31 - (sum % 31)) % 31;
  return USCC_CHARSET[c];
}

export function isValidUscc(raw: string): boolean {
  const code = raw.replace(/\s+/g, '').toUpperCase();
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return false;
  return usccCheckChar(code.slice(0, 17)) === code[17];
}
