import { describe, expect, it } from 'vitest';
import { idNumberCheckChar, isValidIdNumber, maskIdNumber, normalizeIdNumber, parseIdNumber } from '@tongban/shared';

/** GB 11643-1999: weights 2^(17-i) mod 11, check = (12 - sum mod 11) mod 11, 10 written as X. */
function referenceCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (2 ** (17 - i) % 11);
  const c = (12 - (sum % 11)) % 11;
  return c === 10 ? 'X' : String(c);
}

describe('居民身份证号码 GB 11643', () => {
  it('accepts the standard’s X-check example and derives birth date and sex', () => {
    expect(parseIdNumber('11010519491231002X')).toEqual({ valid: true, regionCode: '110105', birthDate: '1949-12-31', sex: 'F' });
    expect(isValidIdNumber('11010519491231002x')).toBe(true);
    expect(isValidIdNumber(' 110105 19491231 002X ')).toBe(true);
    expect(normalizeIdNumber(' 11010519491231002x')).toBe('11010519491231002X');
  });

  it('computes the check character as the standard does', () => {
    expect(idNumberCheckChar('11010519491231002')).toBe('X');
    // The standard's other worked example (born 1880): the checksum is right even though the date is refused below.
    expect(idNumberCheckChar('44052418800101001')).toBe('4');
    for (const body of ['43010219840824878', '51010719900101123', '44020319751111001', '11010119900307663']) {
      expect(idNumberCheckChar(body)).toBe(referenceCheckChar(body));
      expect(isValidIdNumber(body + referenceCheckChar(body))).toBe(true);
    }
  });

  it('rejects a wrong check character, including a wrong X', () => {
    expect(parseIdNumber('110105194912310021')).toMatchObject({ valid: false, problem: 'checksum' });
    expect(parseIdNumber('11010119900307663X')).toMatchObject({ valid: false, problem: 'checksum' });
    // Every single-digit change of a valid number is caught.
    const valid = '430102198408248785';
    expect(isValidIdNumber(valid)).toBe(true);
    for (let i = 0; i < 17; i++) {
      const d = (Number(valid[i]) + 1) % 10;
      expect(isValidIdNumber(valid.slice(0, i) + d + valid.slice(i + 1)), `digit ${i}`).toBe(false);
    }
  });

  it('rejects impossible birth dates even with a matching check character', () => {
    for (const body of ['11010519490230002', '11010519491301002', '11010518800101001', '44052418800101001']) {
      expect(parseIdNumber(body + referenceCheckChar(body))).toMatchObject({ valid: false, problem: 'birthdate' });
    }
    // 29 February exists only in leap years.
    expect(isValidIdNumber('11010520000229001' + referenceCheckChar('11010520000229001'))).toBe(true);
    expect(parseIdNumber('11010519990229001' + referenceCheckChar('11010519990229001')).problem).toBe('birthdate');
  });

  it('rejects malformed input', () => {
    for (const bad of [
      '',
      '1101051949123100',
      '1101051949123100211',
      '11010519491231002Y',
      'X10105194912310021',
      '１１０１０５１９４９１２３１００２X',
    ]) {
      expect(parseIdNumber(bad)).toMatchObject({ valid: false, problem: 'format' });
    }
  });

  it('masks to region prefix and last four', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('1101**********002X');
    expect(maskIdNumber('11010519491231002x')).toBe('1101**********002X');
    expect(maskIdNumber('1234')).toBe('****');
  });
});
