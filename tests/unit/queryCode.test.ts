import { describe, expect, it } from 'vitest';
import {
  publicProgress,
  QUERY_CODE_ALPHABET,
  QUERY_CODE_LENGTH,
  QueryCodeSchema,
  queryCodeFromBytes,
} from '@tongban/shared/cases/queryCode';

describe('query codes', () => {
  it('use 10 symbols of an alphabet without 0, O, 1 or I, each byte value mapping evenly', () => {
    expect(QUERY_CODE_ALPHABET).toHaveLength(32);
    expect(QUERY_CODE_ALPHABET).not.toMatch(/[01OI]/);
    const code = queryCodeFromBytes(Uint8Array.from({ length: QUERY_CODE_LENGTH }, (_, i) => i * 37));
    expect(code).toMatch(new RegExp(`^[${QUERY_CODE_ALPHABET}]{10}$`));
    expect(queryCodeFromBytes(new Uint8Array(10).fill(0))).toBe('2222222222');
    expect(queryCodeFromBytes(new Uint8Array(10).fill(32))).toBe('2222222222');
    expect(() => queryCodeFromBytes(new Uint8Array(9))).toThrow();
  });

  it('read what a person typed: lower case, spaces and dashes', () => {
    expect(QueryCodeSchema.parse(' abcde-fghjk ')).toBe('ABCDEFGHJK');
  });
});

describe('public progress', () => {
  const statuses = (state: Parameters<typeof publicProgress>[0]) => publicProgress(state).steps.map((s) => s.status);

  it('shows where the case is on the applicant’s path', () => {
    expect(statuses('accepted')).toEqual(['done', 'current', 'todo', 'todo', 'todo']);
    expect(statuses('in_handling')).toEqual(['done', 'done', 'done', 'current', 'todo']);
    expect(statuses('completed')).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(publicProgress('accepted').stateLabel.zh).toBe('已受理');
  });

  it('leaves the path for a withdrawn case and says so', () => {
    expect(statuses('withdrawn')).toEqual(['todo', 'todo', 'todo', 'todo', 'todo']);
    expect(publicProgress('withdrawn').next.zh).toContain('撤回');
  });
});
