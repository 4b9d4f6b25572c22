import { describe, expect, it } from 'vitest';
import { DEMO_SERVICE_ITEMS } from '@tongban/shared/catalog/items';
import {
  declarationText,
  DECLARATION_ITEM_CLAUSES,
  PhoneSignatureRequestSchema,
  SignatureRequestSchema,
  signatureInkProblem,
  SIGNATURE_LIMITS,
  type SignaturePoint,
} from '@tongban/shared/signature/signature';

const pad = { width: 600, height: 300 };
const line = (n: number, from: [number, number], to: [number, number]): SignaturePoint[] =>
  Array.from({ length: n }, (_, i) => [from[0] + ((to[0] - from[0]) * i) / (n - 1), from[1] + ((to[1] - from[1]) * i) / (n - 1), 0.5]);

describe('申请人承诺 (the declaration)', () => {
  const facts = {
    applicantName: '李秀英',
    itemCode: 'TB-SBK-SL',
    itemName: '社会保障卡申领',
    caseNo: 'GD-SG-20260302-0001',
    date: '2026-03-02',
  };

  it('fills in the applicant, the item, the case and the day, with the item’s own clause', () => {
    const text = declarationText(facts);
    expect(text.split('\n')[0]).toBe('申请人承诺');
    expect(text).toContain('本人李秀英申请办理“社会保障卡申领”（办件编号 GD-SG-20260302-0001）');
    expect(text).toContain(DECLARATION_ITEM_CLAUSES['TB-SBK-SL']);
    expect(text.endsWith('申请人：李秀英\n日期：2026年3月2日')).toBe(true);
  });

  it('is the same text for the same facts, and another for another day', () => {
    expect(declarationText(facts)).toBe(declarationText({ ...facts }));
    expect(declarationText({ ...facts, date: '2026-03-03' })).not.toBe(declarationText(facts));
  });

  it('has a clause for every demo catalogue item', () => {
    expect(DEMO_SERVICE_ITEMS.map((i) => i.code).filter((c) => !DECLARATION_ITEM_CLAUSES[c])).toEqual([]);
  });
});

describe('what counts as a signature', () => {
  it('refuses no strokes, a few points, and many points in one spot', () => {
    expect(signatureInkProblem([], pad)).toBe('empty');
    expect(signatureInkProblem([line(SIGNATURE_LIMITS.minPoints - 1, [10, 10], [500, 250])], pad)).toBe('short');
    expect(signatureInkProblem([line(60, [300, 150], [310, 155])], pad)).toBe('short');
  });

  it('takes a stroke across the pad, or several strokes spanning it', () => {
    expect(signatureInkProblem([line(SIGNATURE_LIMITS.minPoints, [10, 10], [500, 250])], pad)).toBeNull();
    expect(signatureInkProblem([line(6, [100, 100], [110, 100]), line(6, [200, 100], [210, 110])], pad)).toBeNull();
  });

  it('bounds the request: PNG size, stroke count, points; the phone may not carry a replacement reason', () => {
    const ok = {
      declarationSha256: 'a'.repeat(64),
      imagePng: 'iVBORw0KGgo=',
      pad,
      strokes: [line(20, [0, 0], [500, 200])],
      pressure: true,
    };
    expect(SignatureRequestSchema.safeParse(ok).success).toBe(true);
    expect(SignatureRequestSchema.safeParse({ ...ok, imagePng: 'A'.repeat(SIGNATURE_LIMITS.maxPngBytes * 2) }).success).toBe(false);
    expect(SignatureRequestSchema.safeParse({ ...ok, imagePng: 'not base64!' }).success).toBe(false);
    expect(SignatureRequestSchema.safeParse({ ...ok, strokes: [] }).success).toBe(false);
    expect(
      SignatureRequestSchema.safeParse({
        ...ok,
        strokes: Array.from({ length: SIGNATURE_LIMITS.maxStrokes + 1 }, () => line(2, [0, 0], [1, 1])),
      }).success,
    ).toBe(false);
    expect(
      SignatureRequestSchema.safeParse({
        ...ok,
        strokes: Array.from({ length: 5 }, () => line(SIGNATURE_LIMITS.maxPointsPerStroke, [0, 0], [9, 9])),
      }).success,
    ).toBe(false);
    expect(SignatureRequestSchema.safeParse({ ...ok, strokes: [[[10, 10, 1.5]]] }).success).toBe(false);
    expect(SignatureRequestSchema.safeParse({ ...ok, replaceReason: '重签' }).success).toBe(true);
    expect(PhoneSignatureRequestSchema.safeParse({ ...ok, replaceReason: '重签' }).success).toBe(false);
  });
});
