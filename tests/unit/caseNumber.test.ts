import { describe, expect, it } from 'vitest';
import { CASE_NUMBER_PATTERN, caseNumberPrefix, formatCaseNumber, parseCaseNumber } from '@tongban/shared/cases/caseNumber';
import { maskPhone } from '@tongban/shared/cases/masking';

describe('办件编号', () => {
  it('formats office code, China date and a 4-digit daily sequence', () => {
    expect(formatCaseNumber('GD-SG', new Date('2026-11-25T02:00:00Z'), 1)).toBe('GD-SG-20261125-0001');
    expect(formatCaseNumber('GD-SZ', new Date('2026-11-25T02:00:00Z'), 42)).toBe('GD-SZ-20261125-0042');
    expect(formatCaseNumber('GD-SG', new Date('2026-11-25T02:00:00Z'), 12345)).toBe('GD-SG-20261125-12345');
  });

  it('uses the China calendar day (UTC+8) for the date part and the counter prefix', () => {
    expect(caseNumberPrefix('GD-SG', new Date('2026-11-25T15:59:59Z'))).toBe('GD-SG-20261125');
    expect(caseNumberPrefix('GD-SG', new Date('2026-11-25T16:00:00Z'))).toBe('GD-SG-20261126');
  });

  it('refuses sequences that are not positive integers', () => {
    for (const seq of [0, -1, 1.5, Number.NaN]) expect(() => formatCaseNumber('GD-SG', new Date(), seq)).toThrow(RangeError);
  });

  it('parses what it formats and rejects other strings', () => {
    const no = formatCaseNumber('GD-SG', new Date('2026-11-25T02:00:00Z'), 7);
    expect(CASE_NUMBER_PATTERN.test(no)).toBe(true);
    expect(parseCaseNumber(no)).toEqual({ officeCode: 'GD-SG', date: '2026-11-25', seq: 7 });
    for (const bad of ['GD-SG-2026112-0001', 'gd-sg-20261125-0001', 'GD-SG-20261125-01', 'GD-SG-20261125-0001 '])
      expect(parseCaseNumber(bad)).toBeUndefined();
  });
});

describe('phone masking', () => {
  it('keeps the first three and last four digits', () => {
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(maskPhone('0755-83456789')).toBe('075*****6789');
    expect(maskPhone('12345')).toBe('*****');
  });
});
