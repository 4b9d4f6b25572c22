import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { PDFDocument } from 'pdf-lib';
import { loadConfig } from '@tongban/server/config/config';
import { createLogger } from '@tongban/server/logger';
import { OcrPool } from '@tongban/server/precheck/OcrPool';
import { recognizeMaterial } from '@tongban/server/precheck/recognizeMaterial';
import { DEFAULT_LIMITS } from '@tongban/server/precheck/preprocess';
import { renderFormPage, renderIdCardFront } from '@tongban/server/demo/scanRenderer';
import { SLOT_PRESETS } from '@tongban/shared/precheck/slots';
import { isAppError } from '@tongban/shared';
import { CARD_PERSON } from '../support/precheckFixtures';

/** Hostile and broken files: each ends in a clear error or a bounded result; the pool keeps working. */

const config = loadConfig({}, { LOG_LEVEL: 'silent' });
const log = createLogger('silent');
const slot = { ...SLOT_PRESETS['id-card-front'], rules: [...SLOT_PRESETS['id-card-front'].rules] };
let pool: OcrPool;

beforeAll(async () => {
  pool = new OcrPool({ size: 1, langPath: config.ocrDataDir, timeoutMs: 60_000, log });
  await pool.start();
});
afterAll(async () => {
  await pool?.close();
});

async function codeOf(input: Buffer, limits = DEFAULT_LIMITS): Promise<string> {
  try {
    await recognizeMaterial(pool, input, slot, { limits });
    return 'OK';
  } catch (e) {
    return isAppError(e) ? e.code : `UNEXPECTED ${String(e)}`;
  }
}

async function pdfWithPages(n: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < n; i++) doc.addPage([595, 842]);
  return Buffer.from(await doc.save());
}

describe('bad input to the pre-check', () => {
  it('zero-byte file → PRECHECK_FILE_EMPTY', async () => {
    expect(await codeOf(Buffer.alloc(0))).toBe('PRECHECK_FILE_EMPTY');
  });
  it('corrupt image (JPEG header, random body; truncated PNG) → PRECHECK_FILE_CORRUPT', async () => {
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(4096, 7)]);
    expect(await codeOf(jpeg)).toBe('PRECHECK_FILE_CORRUPT');
    const png = await renderIdCardFront(CARD_PERSON);
    expect(await codeOf(png.subarray(0, 2000))).toBe('PRECHECK_FILE_CORRUPT');
  });
  it('non-image renamed .jpg → PRECHECK_FILE_UNSUPPORTED', async () => {
    expect(await codeOf(Buffer.from('这不是图片，只是改了扩展名的文本文件。\n'.repeat(50)))).toBe('PRECHECK_FILE_UNSUPPORTED');
  });
  it('20000×20000 PNG (decompression bomb) → PRECHECK_IMAGE_TOO_LARGE before decoding', async () => {
    const bomb = await sharp({ create: { width: 20000, height: 20000, channels: 3, background: '#ffffff' }, limitInputPixels: false })
      .toColourspace('b-w')
      .png({ compressionLevel: 6 })
      .toBuffer();
    expect(bomb.length).toBeLessThan(2_000_000);
    const before = process.memoryUsage().rss;
    expect(await codeOf(bomb)).toBe('PRECHECK_IMAGE_TOO_LARGE');
    // Rejected from the header: nothing near 400 MB was decoded.
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });
  it('500-page PDF → PRECHECK_PDF_TOO_MANY_PAGES, without rendering a page', async () => {
    const pdf = await pdfWithPages(500);
    const t0 = performance.now();
    const code = await codeOf(pdf);
    expect(code).toBe('PRECHECK_PDF_TOO_MANY_PAGES');
    expect(performance.now() - t0).toBeLessThan(20_000);
  });
  it('a PDF within the limit is rasterised page by page (blank pages are read, not rejected)', async () => {
    const r = await recognizeMaterial(
      pool,
      await pdfWithPages(2),
      { kind: 'application-form', rules: ['blank-page'] },
      { limits: DEFAULT_LIMITS },
    );
    expect(r.pages.map((p) => [p.index, p.dpi])).toEqual([
      [0, DEFAULT_LIMITS.pdfDpi],
      [1, DEFAULT_LIMITS.pdfDpi],
    ]);
    expect(r.pages[0]!.inkRatio).toBeLessThan(0.003);
  });
  it('a recognition past the timeout kills and replaces the worker; the next job still runs', async () => {
    const impatient = new OcrPool({ size: 1, langPath: config.ocrDataDir, timeoutMs: 1000, log });
    try {
      await impatient.start();
      const a4 = await renderFormPage({
        title: '超时测试',
        fields: Array.from(
          { length: 14 },
          (_, i) => [`项目${i + 1}`, '这是一段足够长的文字，用来让识别超过一秒钟的时间限制。'] as [string, string],
        ),
      });
      const err = await impatient.recognize(a4, { psm: 3 }).catch((e: unknown) => e);
      expect(isAppError(err) && err.code).toBe('PRECHECK_OCR_TIMEOUT');
      expect(impatient.health().timeouts).toBe(1);
      // The replacement worker reads a small line well within the timeout.
      const line = await sharp({ create: { width: 400, height: 80, channels: 3, background: '#ffffff' } })
        .composite([
          {
            input: Buffer.from(
              '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="80"><text x="10" y="55" font-size="40">12345</text></svg>',
            ),
          },
        ])
        .png()
        .toBuffer();
      const ok = await impatient.recognize(line, { psm: 7 });
      expect(ok.text).toContain('12345');
      expect(impatient.health()).toMatchObject({ ready: true, workers: 1, replaced: 1 });
    } finally {
      await impatient.close();
    }
  });
  it('after all of that, the shared pool still reads a clean card exactly', async () => {
    const r = await recognizeMaterial(pool, await renderIdCardFront(CARD_PERSON), slot, { limits: DEFAULT_LIMITS });
    expect(r.fields.find((f) => f.key === 'idNumber')?.value).toBe(CARD_PERSON.idNumber);
  });
});
