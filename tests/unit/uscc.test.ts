import { describe, expect, it } from 'vitest';
import { isValidUscc, usccCheckChar } from '@tongban/shared';

/**
 * GB 32100-2015 written out by hand: the standard's weight table and character values.
 * Hand check of 91350100M000100Y43 (commonly cited valid code):
 *   values 9 1 3 5 0 1 0 0 M=21 0 0 0 1 0 0 Y=30 4
 *   weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
 *   sum = 9+3+27+135+26+420+8+900+112 = 1640; 1640 mod 31 = 28; 31 − 28 = 3 → check char '3'.
 */
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
function referenceCheckChar(first17: string): string {
  const sum = [...first17].reduce((s, ch, i) => s + CHARS.indexOf(ch) * WEIGHTS[i]!, 0);
  return CHARS[(31 - (sum % 31)) % 31]!;
}

describe('统一社会信用代码 GB 32100', () => {
  it('accepts commonly cited valid codes', () => {
    expect(referenceCheckChar('91350100M000100Y4')).toBe('3');
    expect(isValidUscc('91350100M000100Y43')).toBe(true);
    expect(isValidUscc('91110000600037341L')).toBe(true);
    expect(isValidUscc(' 91350100m000100y43 ')).toBe(true);
  });

  it('agrees with the hand-written standard on many bodies, including check value 0 and letters', () => {
    const bodies = ['91430104MA4L12345', '12100000400000624', '52510000MJ0000000', '93440300MA5F00000', '91510107MA61ABCDE'];
    for (const b of bodies) {
      expect(usccCheckChar(b)).toBe(referenceCheckChar(b));
      expect(isValidUscc(b + referenceCheckChar(b))).toBe(true);
    }
  });

  it('rejects a wrong check character, a changed character and forbidden letters', () => {
    expect(isValidUscc('91350100M000100Y44')).toBe(false);
    expect(isValidUscc('91350100M000100Y33')).toBe(false);
    expect(isValidUscc('91350100M000100Y4')).toBe(false);
    // I, O, S, V, Z are not in the character set.
    expect(isValidUscc('91350100I000100Y43')).toBe(false);
    expect(isValidUscc('91350100O000100Y43')).toBe(false);
    expect(usccCheckChar('91350100S000100Y4')).toBeUndefined();
  });
});
