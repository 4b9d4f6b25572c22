import { describe, expect, it } from 'vitest';
import { tsvLines } from '@tongban/server/precheck/tsvLines';

const row = (...c: Array<string | number>) => c.join('\t');
// level page block par line word left top width height conf text
const HEADER = row('level', 'page_num', 'block_num', 'par_num', 'line_num', 'word_num', 'left', 'top', 'width', 'height', 'conf', 'text');

describe('tesseract TSV → lines of words', () => {
  const tsv = [
    HEADER,
    row(1, 1, 0, 0, 0, 0, 0, 0, 2480, 3508, -1, ''),
    row(4, 1, 1, 1, 1, 0, 100, 200, 400, 50, -1, ''),
    row(5, 1, 1, 1, 1, 1, 100, 205, 120, 40, 96.4, '姓名'),
    row(5, 1, 1, 1, 1, 2, 250, 200, 250, 50, 90.2, '张晓明'),
    row(4, 1, 1, 1, 2, 0, 100, 300, 600, 50, -1, ''),
    row(5, 1, 1, 1, 2, 1, 100, 300, 600, 50, 95, ' '),
    row(4, 1, 2, 1, 1, 0, 100, 400, 700, 48, -1, ''),
    row(5, 1, 2, 1, 1, 1, 100, 400, 700, 48, 88.6, '110105199003071234'),
    '',
  ].join('\n');

  it('groups words by block, paragraph and line, with the line’s own box and its words’ mean confidence', () => {
    expect(tsvLines(tsv)).toEqual([
      {
        text: '姓名 张晓明',
        confidence: 93,
        bbox: { x0: 100, y0: 200, x1: 500, y1: 250 },
        words: [
          { text: '姓名', confidence: 96, bbox: { x0: 100, y0: 205, x1: 220, y1: 245 } },
          { text: '张晓明', confidence: 90, bbox: { x0: 250, y0: 200, x1: 500, y1: 250 } },
        ],
      },
      {
        text: '110105199003071234',
        confidence: 89,
        bbox: { x0: 100, y0: 400, x1: 800, y1: 448 },
        words: [{ text: '110105199003071234', confidence: 89, bbox: { x0: 100, y0: 400, x1: 800, y1: 448 } }],
      },
    ]);
  });

  it('reads tesseract.js’s TSV (no header) as the CLI’s, and a line without its own row gets its words’ box', () => {
    const body = tsv.split('\n').slice(1).join('\n');
    expect(tsvLines(body)).toEqual(tsvLines(tsv));
    const noLineRows = tsv
      .split('\n')
      .filter((r) => !r.startsWith('4\t'))
      .join('\n');
    expect(tsvLines(noLineRows)[0]!.bbox).toEqual({ x0: 100, y0: 200, x1: 500, y1: 250 });
  });
});
