import { describe, expect, it } from 'vitest';
import { chinaDate, chinaDateTime } from '@tongban/shared/cases/chinaTime';

describe('China time for people', () => {
  it('shows an instant on the China clock, across the UTC day boundary', () => {
    expect(chinaDateTime('2026-12-01T20:46:33.887Z')).toBe('2026-12-02 04:46');
    expect(chinaDateTime(new Date('2026-12-01T20:46:33.887Z'), { seconds: true })).toBe('2026-12-02 04:46:33');
    expect(chinaDate(new Date('2026-12-01T20:46:33.887Z'))).toBe('2026-12-02');
  });
});
