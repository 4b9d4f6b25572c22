import { describe, expect, it } from 'vitest';
import { unreadableParts } from '../support/readable';

describe('readable text check (tests/support/readable.ts)', () => {
  it('finds UTC stamps, office ids and bare site ids', () => {
    expect(unreadableParts('hn 站点已签收，2026-12-01T20:46:33.887Z')).toEqual([
      expect.stringContaining('UTC time: '),
      expect.stringContaining('site id: '),
    ]);
    expect(unreadableParts('收件窗口 gd-sg-window')).toEqual([expect.stringContaining('office id: …收件窗口 gd-sg-window…')]);
    expect(unreadableParts('site:gd (peer-site)')).toHaveLength(1);
    expect(unreadableParts('2026-12-01T20:46Z')).toHaveLength(1);
  });

  it('passes China times, names, case numbers and ordinary words', () => {
    const text = [
      '湖南省站点已签收，2026/12/02 04:46',
      '办件编号 GD-SG-20261202-0001 · 生成时间 2026-12-02 04:46（北京时间）',
      'id-front.png · hnd · gdb · scan · SC-CD · Chengdu · sha256 3fa9c0de · 2026-12-02',
      'Received by 湖南省站点 at 02/12/2026, 04:46',
    ].join('\n');
    expect(unreadableParts(text)).toEqual([]);
  });
});
