import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { PDFDocument, rgb } from 'pdf-lib';
import { openPdf } from '@tongban/server/precheck/pdfRaster';
import { DEFAULT_LIMITS } from '@tongban/server/precheck/preprocess';
import { isAppError } from '@tongban/shared';
import { startTestServer, type TestServer } from '../support/testServer';

/** PDF pages are rendered in a worker thread: the server keeps answering while a big page renders. */

let server: TestServer;
let bigPdf: Buffer;
/** The page is rendered at the default budget of 100 megapixels: seconds of work. */
const limits = DEFAULT_LIMITS;

beforeAll(async () => {
  server = await startTestServer();
  // One poster-size page (200 × 200 inches) crowded with vector shapes.
  const doc = await PDFDocument.create();
  const page = doc.addPage([14_400, 14_400]);
  for (let i = 0; i < 4000; i++) {
    const x = (i * 97) % 14_000;
    const y = (i * 61) % 14_000;
    page.drawRectangle({ x, y, width: 300, height: 40, borderWidth: 3, borderColor: rgb(0, 0, 0), color: rgb(0.8, 0.8, 0.8) });
  }
  bigPdf = Buffer.from(await doc.save());
});
afterAll(async () => {
  await server?.stop();
});

describe('PDF rasterisation in a worker thread', () => {
  it('/api/health answers while a big page is being rendered; the page stays within the pixel limit', async () => {
    const health = async () => {
      const res = await fetch(`${server.url}/api/health`);
      await res.arrayBuffer();
      return res.status;
    };
    // 503 here: this test server runs no OCR workers. Any answer shows the event loop is free.
    expect(await health()).toBeGreaterThan(0);
    const pdf = await openPdf(bigPdf, limits);
    try {
      let settled = false;
      const rendering = pdf.render(0).finally(() => (settled = true));
      let answeredDuringRender = 0;
      while (!settled) {
        if ((await health()) > 0 && !settled) answeredDuringRender++;
      }
      const png = await rendering;
      expect(answeredDuringRender).toBeGreaterThanOrEqual(2);
      const meta = await sharp(png).metadata();
      expect(meta.width! * meta.height!).toBeLessThanOrEqual(limits.maxPixels);
      // Scaled down to the budget, not cut: the page is square.
      expect(Math.abs(meta.width! - meta.height!)).toBeLessThanOrEqual(1);
    } finally {
      await pdf.close();
    }
  });

  it('a PDF that takes longer than the timeout (to open or to render) ends with PRECHECK_OCR_TIMEOUT', async () => {
    const err = await openPdf(bigPdf, { ...limits, pdfTimeoutMs: 300 })
      .then((pdf) => pdf.render(0).finally(() => pdf.close()))
      .catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('PRECHECK_OCR_TIMEOUT');
    expect(isAppError(err) && err.details).toMatchObject({ stage: 'pdf', timeoutMs: 300 });
  });

  it('the page limit is enforced in the worker before any page is loaded', async () => {
    const doc = await PDFDocument.create();
    for (let i = 0; i < 3; i++) doc.addPage([595, 842]);
    const err = await openPdf(Buffer.from(await doc.save()), { ...limits, maxPdfPages: 2 }).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('PRECHECK_PDF_TOO_MANY_PAGES');
    expect(isAppError(err) && err.details).toMatchObject({ pages: 3, maxPages: 2 });
  });

  it('a file that is not a PDF at all → PRECHECK_FILE_CORRUPT', async () => {
    const err = await openPdf(Buffer.from('%PDF-1.7\n this is not really a PDF'), limits).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('PRECHECK_FILE_CORRUPT');
  });
});
