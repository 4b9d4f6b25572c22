import { describe, expect, it } from 'vitest';
import { DEMO_SERVICE_ITEMS } from '@tongban/shared/catalog/items';

const CJK = /[\u3400-\u9fff]/;

describe('the catalogue on the English desk', () => {
  it('names every item and every material in English, with no Chinese left in it', () => {
    const names = DEMO_SERVICE_ITEMS.flatMap((i) => [
      { where: i.code, en: i.nameEn },
      ...i.materials.map((m) => ({ where: `${i.code}/${m.code}`, en: m.nameEn })),
    ]);
    expect(names.filter((n) => !n.en || CJK.test(n.en))).toEqual([]);
  });
});
