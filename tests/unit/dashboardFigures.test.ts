import { describe, expect, it } from 'vitest';
import { chinaDays, onTimeRate, percentile, statesByDay } from '@tongban/shared/dashboard/figures';

describe('dashboard figures', () => {
  it('percentiles by nearest rank', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([30, 10, 20], 50)).toBe(20);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([5], 90)).toBe(5);
  });

  it('lists China days, across a UTC day boundary', () => {
    expect(chinaDays(new Date('2026-11-29T17:00:00Z'), new Date('2026-12-01T01:00:00Z'))).toEqual(['2026-11-30', '2026-12-01']);
  });

  it('replays each case’s state to the end of each day', () => {
    const days = ['2026-12-01', '2026-12-02', '2026-12-03'];
    const rows = statesByDay(
      [
        {
          createdAt: '2026-12-01T02:00:00Z',
          transitions: [
            { action: 'precheck', at: '2026-12-01T03:00:00Z' },
            { action: 'request_review', at: '2026-12-02T03:00:00Z' },
            { action: 'accept', at: '2026-12-02T04:00:00Z' },
          ],
        },
        { createdAt: '2026-12-02T20:00:00Z', transitions: [] }, // 12-03 04:00 China time
      ],
      days,
    );
    expect(rows.map((r) => [r.day, r.prechecked, r.accepted, r.draft])).toEqual([
      ['2026-12-01', 1, 0, 0],
      ['2026-12-02', 0, 1, 0],
      ['2026-12-03', 0, 1, 1],
    ]);
  });

  it('on-time rate', () => {
    expect(onTimeRate([])).toEqual({ count: 0, onTime: 0, rate: null });
    expect(
      onTimeRate([
        { finishedOn: '2026-12-01', dueOn: '2026-12-01' },
        { finishedOn: '2026-12-03', dueOn: '2026-12-02' },
      ]),
    ).toEqual({ count: 2, onTime: 1, rate: 0.5 });
  });
});
