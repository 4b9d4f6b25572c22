import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { loadConfig } from '@tongban/server/config/config';
import { createLogger } from '@tongban/server/logger';
import { OcrPool } from '@tongban/server/precheck/OcrPool';
import { recognizeMaterial } from '@tongban/server/precheck/recognizeMaterial';
import { readUpright } from '@tongban/server/precheck/readUpright';
import { DEFAULT_LIMITS, normalise } from '@tongban/server/precheck/preprocess';
import { degrade, renderFormPage, renderIdCardFront } from '@tongban/server/demo/scanRenderer';
import { SLOT_PRESETS } from '@tongban/shared/precheck/slots';
import { CARD_PERSON, idNumber } from '../support/precheckFixtures';

/** Turned and skewed scans: OSD finds which way up a card is, the skew is measured and removed. */

const config = loadConfig({}, { LOG_LEVEL: 'silent' });
const slot = { ...SLOT_PRESETS['id-card-front'], rules: [...SLOT_PRESETS['id-card-front'].rules] };
let pool: OcrPool;
let card: Buffer;

beforeAll(async () => {
  pool = new OcrPool({ size: 1, langPath: config.ocrDataDir, timeoutMs: 60_000, log: createLogger('silent') });
  await pool.start();
  card = await renderIdCardFront(CARD_PERSON);
});
afterAll(async () => {
  await pool?.close();
});

const turned = (png: Buffer, clockwise: number) => sharp(png).rotate(clockwise).png().toBuffer();

describe('page orientation and skew', () => {
  it('an upside-down card is turned by one OSD detection, not by reading it every way', async () => {
    const before = pool.health();
    const read = await readUpright(pool, await normalise(await turned(card, 180), { limits: DEFAULT_LIMITS }), 6);
    expect(read).toMatchObject({ quarter: 180, orientedBy: 'osd' });
    const after = pool.health();
    expect(after.osd.detections - before.osd.detections).toBe(1);
    // The read as it was, then the read upright: no turn tried in vain.
    expect(after.recognized - before.recognized).toBe(2);
  });

  for (const clockwise of [180, 90] as const) {
    it(`a card scanned turned ${clockwise}° clockwise: ID number read exactly, page recorded as turned back`, async () => {
      const r = await recognizeMaterial(pool, await turned(card, clockwise), slot, { limits: DEFAULT_LIMITS });
      expect(r.fields.find((f) => f.key === 'idNumber')?.value).toBe(CARD_PERSON.idNumber);
      expect(r.fields.find((f) => f.key === 'name')?.value).toBe(CARD_PERSON.name);
      expect(Math.abs(r.pages[0]!.rotationDeg - (360 - clockwise))).toBeLessThan(1);
      // Upright again: landscape, like the card.
      expect(r.pages[0]!.width).toBeGreaterThan(r.pages[0]!.height);
    });
  }

  it('an upright card is read once, with no orientation detection', async () => {
    const before = pool.health();
    const read = await readUpright(pool, await normalise(card, { limits: DEFAULT_LIMITS }), 6);
    expect(read).toMatchObject({ quarter: 0, orientedBy: 'none' });
    expect(pool.health().osd.detections).toBe(before.osd.detections);
  });

  it('a card scanned 3° askew is straightened before reading (no tesseract rotateAuto) and read exactly', async () => {
    const skewed = await degrade(card, { rotateDeg: 3, noise: 22, blur: 1.1, jpegQuality: 60 });
    const prepared = await normalise(skewed, { limits: DEFAULT_LIMITS });
    expect(Math.abs(prepared.skewDeg - 3)).toBeLessThanOrEqual(0.5);
    const r = await recognizeMaterial(pool, skewed, slot, { limits: DEFAULT_LIMITS });
    expect(r.fields.find((f) => f.key === 'idNumber')?.value).toBe(CARD_PERSON.idNumber);
    expect(Math.abs(r.pages[0]!.rotationDeg + 3)).toBeLessThanOrEqual(0.5);
  });

  it('a 300-dpi A4 form scanned 2° askew is straightened by whole-pixel shears and its fields read exactly; a card by interpolation', async () => {
    const fields: Array<[string, string]> = [
      ['姓名', '张晓明'],
      ['公民身份号码', idNumber('11010519900307123')],
      ['联系电话', '13800138000'],
    ];
    const scan = await degrade(await renderFormPage({ title: '社会保障卡申领登记表', fields }), {
      rotateDeg: 2,
      noise: 22,
      blur: 1.1,
      jpegQuality: 60,
    });
    const page = await normalise(scan, { limits: DEFAULT_LIMITS });
    expect(page.geometry).toEqual([expect.objectContaining({ op: 'straighten', resample: 'whole-pixels' })]);
    expect(Math.abs(page.skewDeg - 2)).toBeLessThanOrEqual(0.2);
    const formSlot = {
      kind: 'application-form' as const,
      rules: ['required-fields' as const],
      requiredFields: fields.map(([label]) => label),
    };
    const r = await recognizeMaterial(pool, scan, formSlot, { limits: DEFAULT_LIMITS });
    for (const [label, value] of fields) expect(r.fields.find((f) => f.key === `label:${label}`)?.value.replace(/\s/g, '')).toBe(value);
    // A card has few pixels per stroke: whole-pixel steps would show there.
    const skewedCard = await normalise(await degrade(card, { rotateDeg: 3 }), { limits: DEFAULT_LIMITS });
    expect(skewedCard.geometry[0]).toMatchObject({ op: 'straighten', resample: 'interpolated' });
  });

  it('a straight page is not rotated at all', async () => {
    expect((await normalise(card, { limits: DEFAULT_LIMITS })).skewDeg).toBe(0);
  });
});
