import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { PDFDocument } from 'pdf-lib';
import { degrade, ID_CARD_FRONT_PORTRAIT, renderIdCardFront, type Degradation } from '@tongban/server/demo/scanRenderer';
import { loadConfig } from '@tongban/server/config/config';
import { createLogger } from '@tongban/server/logger';
import { OcrPool } from '@tongban/server/precheck/OcrPool';
import { crop, DEFAULT_LIMITS, normalise } from '@tongban/server/precheck/preprocess';
import { cutInColour } from '@tongban/server/precheck/pageGeometry';
import { recognizeMaterial } from '@tongban/server/precheck/recognizeMaterial';
import { locateIdPhoto } from '@tongban/server/precheck/idPhotoRegion';
import { iou } from '@tongban/shared/precheck/idPhoto';
import { SLOT_PRESETS } from '@tongban/shared/precheck/slots';
import type { Bbox, IdPhotoRegion, PageOcr } from '@tongban/shared/precheck/types';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import { createCase, ITEM_HN, upload, waitForPrecheck } from '../support/caseFixtures';
import { CARD_PERSON } from '../support/precheckFixtures';

/** The pre-check locates the portrait on an ID card front (real OCR), and the reviewer gets exactly that crop, in colour. */

const slot = { ...SLOT_PRESETS['id-card-front'], rules: [...SLOT_PRESETS['id-card-front'].rules] };
const APPLICANT = { name: CARD_PERSON.name, idNumber: CARD_PERSON.idNumber, phone: '13800138000' };

/**
 * Where the renderer drew the portrait, on the page the pre-check read: the scan was resized by
 * `scale`, then rotated by `degrade` (which grows the canvas and keeps the card centred); the
 * pre-check straightens it back and may upscale the whole page.
 */
async function truthOnPage(scan: Buffer, delivered: Buffer, scale: number, page: Pick<PageOcr, 'width' | 'height'>): Promise<Bbox> {
  const s = await sharp(scan).metadata();
  const d = await sharp(delivered).metadata();
  const dx = (d.width! - s.width! * scale) / 2;
  const dy = (d.height! - s.height! * scale) / 2;
  const k = page.width / d.width!;
  const b = ID_CARD_FRONT_PORTRAIT;
  return { x0: (b.x0 * scale + dx) * k, y0: (b.y0 * scale + dy) * k, x1: (b.x1 * scale + dx) * k, y1: (b.y1 * scale + dy) * k };
}

/** Pearson correlation of two images' grayscale pixels (sizes must match): ≈1 for the same region; a shift of 3 px gives ≤ 0.96 here. */
async function correlation(a: Buffer, b: Buffer): Promise<number> {
  const [x, y] = (await Promise.all([a, b].map((png) => sharp(png).grayscale().raw().toBuffer()))) as [Buffer, Buffer];
  expect(x.length).toBe(y.length);
  const mean = (v: Buffer) => v.reduce((sum, p) => sum + p, 0) / v.length;
  const [mx, my] = [mean(x), mean(y)];
  const s = { xy: 0, xx: 0, yy: 0 };
  for (let i = 0; i < x.length; i++) {
    const [u, v] = [x[i]! - mx, y[i]! - my];
    s.xy += u * v;
    s.xx += u * u;
    s.yy += v * v;
  }
  return s.xy / Math.sqrt(s.xx * s.yy);
}

/**
 * Colour in a photo crop: mean |R − B| over the whole crop (0 for a grayscale image), and mean
 * R − B on the forehead, which the renderer paints skin-coloured (#e2c6aa: R − B = 56).
 */
async function chroma(png: Buffer): Promise<{ channels: number; meanAbsRB: number; skinRB: number }> {
  const { data, info } = await sharp(png).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const { width: w, height: h } = info;
  const rb = (x: number, y: number) => data[(y * w + x) * 3]! - data[(y * w + x) * 3 + 2]!;
  let all = 0;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) all += Math.abs(rb(x, y));
  let skin = 0;
  let n = 0;
  for (let y = Math.round(h * 0.32); y < Math.round(h * 0.38); y++) {
    for (let x = Math.round(w * 0.44); x < Math.round(w * 0.56); x++, n++) skin += rb(x, y);
  }
  return { channels: (await sharp(png).metadata()).channels!, meanAbsRB: all / (w * h), skinRB: skin / n };
}

/** The card scan as one PDF page of its own size, as a scanner saves it. */
async function cardPdf(scan: Buffer): Promise<Buffer> {
  const { width, height } = await sharp(scan).metadata();
  const doc = await PDFDocument.create();
  const size = { width: (width! * 72) / 300, height: (height! * 72) / 300 };
  doc.addPage([size.width, size.height]).drawImage(await doc.embedPng(scan), { x: 0, y: 0, ...size });
  return Buffer.from(await doc.save());
}

/** The card on a dark desk, a little crooked, as a 高拍仪 sees it. */
async function onDesk(scan: Buffer): Promise<Buffer> {
  const crooked = await sharp(scan).rotate(3, { background: '#1c1c1c' }).png().toBuffer();
  return sharp({ create: { width: 1800, height: 1300, channels: 3, background: '#1c1c1c' } })
    .composite([{ input: crooked, left: 380, top: 290 }])
    .jpeg({ quality: 92 })
    .toBuffer();
}

describe('locating the ID photo in the pre-check (real OCR, no server)', () => {
  let pool: OcrPool;
  beforeAll(async () => {
    pool = new OcrPool({
      size: 1,
      langPath: loadConfig({}, { LOG_LEVEL: 'silent' }).ocrDataDir,
      timeoutMs: 60_000,
      log: createLogger('silent'),
    });
    await pool.start();
  });
  afterAll(async () => {
    await pool?.close();
  });

  const cases: Array<[label: string, scale: number, degradation: Degradation | undefined]> = [
    ['a clean scan', 1, undefined],
    ['a tired scanner: turned 3°, grainy, blurred, JPEG 60', 1, { rotateDeg: 3, noise: 22, blur: 1.1, jpegQuality: 60 }],
    ['a card put in crooked the other way (−6°)', 1, { rotateDeg: -6 }],
    ['a low-resolution scan (60%)', 0.6, undefined],
    ['a high-resolution scan (200%), slightly turned', 2, { rotateDeg: 2 }],
  ];
  for (const [label, scale, degradation] of cases) {
    it(`finds the portrait's edges on ${label}`, async () => {
      const scan = await renderIdCardFront(CARD_PERSON);
      const resized =
        scale === 1
          ? scan
          : await sharp(scan)
              .resize(Math.round(1060 * scale))
              .png()
              .toBuffer();
      const delivered = degradation ? await degrade(resized, degradation) : resized;
      const r = await recognizeMaterial(pool, delivered, slot, { limits: DEFAULT_LIMITS });
      const page = r.pages[0]!;
      const photo = page.photo as IdPhotoRegion;
      expect(photo).toMatchObject({ source: 'image' });
      expect(photo.confidence).toBeGreaterThan(0.8);
      expect(iou(photo.box, await truthOnPage(scan, delivered, scale, page))).toBeGreaterThanOrEqual(0.8);
    });
  }

  const colourCases: Array<[label: string, make: (scan: Buffer) => Promise<Buffer>, camera: boolean, turnedBy: number]> = [
    ['a clean scan', async (scan) => scan, false, 0],
    ['a scan turned 4° (straightened first)', (scan) => degrade(scan, { rotateDeg: 4, jpegQuality: 85 }), false, -4],
    [
      'a 900-dpi scan turned 3° (straightened by whole-pixel shears)',
      async (scan) => degrade(await sharp(scan).resize(3180).png().toBuffer(), { rotateDeg: 3, jpegQuality: 85 }),
      false,
      -3,
    ],
    ['a card scanned upside down (turned back by 180°)', (scan) => sharp(scan).rotate(180).png().toBuffer(), false, 180],
    ['a card scanned sideways (upscaled, then turned back by 90°)', (scan) => sharp(scan).rotate(90).png().toBuffer(), false, 270],
    ['a document-camera shot on a dark desk (straightened, cropped to the card)', onDesk, true, -3],
    ['a PDF of the scan (its page rendered again in colour)', cardPdf, false, 0],
  ];
  for (const [label, make, camera, turnedBy] of colourCases) {
    it(`cuts the portrait in colour with the gray page's geometry from ${label}`, async () => {
      const delivered = await make(await renderIdCardFront(CARD_PERSON));
      let gray: Buffer = Buffer.alloc(0);
      const colour: Buffer[] = [];
      const r = await recognizeMaterial(pool, delivered, slot, {
        limits: DEFAULT_LIMITS,
        camera,
        onPageImage: async (_i, png) => {
          gray = png;
        },
        onIdPhotoImage: async (i, png) => {
          colour[i] = png;
        },
      });
      const page = r.pages[0]!;
      // The path meant: the page was turned and straightened as the case says.
      expect(Math.abs(page.rotationDeg - turnedBy)).toBeLessThan(1);
      const box = (page.photo as IdPhotoRegion).box;
      const grayCrop = await crop(gray, box);
      const c = await chroma(colour[0]!);
      expect(c.channels).toBe(3);
      // Real colour: a grayscale crop has |R − B| = 0 everywhere; the forehead is warm skin.
      expect(c.meanAbsRB).toBeGreaterThan(10);
      expect(c.skinRB).toBeGreaterThan(30);
      expect((await chroma(grayCrop)).meanAbsRB).toBeLessThan(1);
      // The same region: same size, and its gray levels follow the gray crop's.
      const meta = await sharp(colour[0]!).metadata();
      expect({ w: meta.width, h: meta.height }).toEqual({ w: box.x1 - box.x0, h: box.y1 - box.y0 });
      expect(await correlation(colour[0]!, grayCrop)).toBeGreaterThan(0.99);
    });
  }

  it('cuts no colour copy from a grayscale original (the gray crop is all there is)', async () => {
    // One channel, as a scanner set to grayscale writes it.
    const grayScan = await sharp(await renderIdCardFront(CARD_PERSON))
      .grayscale()
      .toColourspace('b-w')
      .png()
      .toBuffer();
    const colour: Buffer[] = [];
    const r = await recognizeMaterial(pool, grayScan, slot, {
      limits: DEFAULT_LIMITS,
      onIdPhotoImage: async (i, png) => {
        colour[i] = png;
      },
    });
    expect(r.pages[0]!.photo).toMatchObject({ source: 'image' });
    expect(colour).toEqual([]);
  });

  it('falls back to the layout’s box, saying so, when the photo runs into the card’s art and shows no edges of its own', async () => {
    let png: Buffer = Buffer.alloc(0);
    const r = await recognizeMaterial(pool, await renderIdCardFront(CARD_PERSON), slot, {
      limits: DEFAULT_LIMITS,
      onPageImage: async (_i, image) => {
        png = image;
      },
    });
    const page = r.pages[0]!;
    const photo = page.photo as IdPhotoRegion;
    // A dark print from left of the photo to the card's right edge and top: no photo-shaped block left.
    const left = photo.box.x0 - Math.round((photo.box.x1 - photo.box.x0) * 0.3);
    const smear = { left, top: 0, width: page.width - left, height: photo.box.y1 };
    const smeared = await sharp(png)
      .composite([
        {
          input: { create: { width: smear.width, height: smear.height, channels: 3, background: '#505050' } },
          left: smear.left,
          top: smear.top,
        },
      ])
      .png()
      .toBuffer();
    const fallback = (await locateIdPhoto(smeared, page))!;
    expect(fallback.source).toBe('layout');
    expect(iou(fallback.box, photo.box)).toBeGreaterThanOrEqual(0.8);
  });

  it('says it found none on a card without a portrait (null, not a guess)', async () => {
    const r = await recognizeMaterial(pool, await renderIdCardFront(CARD_PERSON, { portrait: false }), slot, { limits: DEFAULT_LIMITS });
    expect(r.pages[0]!.photo).toBeNull();
    expect(r.fields.find((f) => f.key === 'idNumber')?.value).toBe(CARD_PERSON.idNumber);
  });
});

describe('cutting a region of the normalised page in colour (no OCR)', () => {
  const originals: Array<[label: string, make: (scan: Buffer) => Promise<Buffer>]> = [
    // A phone held sideways: the pixels lie turned, the EXIF tag says how to stand them up.
    [
      'a JPEG with an EXIF orientation tag',
      async (scan) =>
        sharp(await sharp(scan).rotate(-90).jpeg().toBuffer())
          .withMetadata({ orientation: 6 })
          .jpeg()
          .toBuffer(),
    ],
    ['a CMYK JPEG', (scan) => sharp(scan).toColourspace('cmyk').jpeg().toBuffer()],
    ['a 16-bit PNG', (scan) => sharp(scan).toColourspace('rgb16').png().toBuffer()],
  ];
  for (const [label, make] of originals) {
    it(`replays the page's geometry on ${label}`, async () => {
      const scan = await renderIdCardFront(CARD_PERSON);
      const original = await make(scan);
      const page = await normalise(original, { limits: DEFAULT_LIMITS });
      const k = page.width / (await sharp(scan).metadata()).width!;
      const b = ID_CARD_FRONT_PORTRAIT;
      const box = { x0: Math.round(b.x0 * k), y0: Math.round(b.y0 * k), x1: Math.round(b.x1 * k), y1: Math.round(b.y1 * k) };
      const colour = (await cutInColour(original, page.geometry, box, DEFAULT_LIMITS.maxPixels))!;
      const c = await chroma(colour);
      expect(c.channels).toBe(3);
      expect(c.skinRB).toBeGreaterThan(30);
      expect(await correlation(colour, await crop(page.png, box))).toBeGreaterThan(0.99);
    });
  }
});

describe('the ID photo crop for the face comparison', () => {
  let srv: TestServer;
  let clerk: ApiClient;
  let reviewer: ApiClient;
  beforeAll(async () => {
    srv = await startTestServer({ OCR_WORKERS: 1 });
    clerk = await ApiClient.login(srv.url, 'clerk');
    reviewer = await ApiClient.login(srv.url, 'reviewer');
  });
  afterAll(async () => {
    await srv?.stop();
  });

  /** The photo region the pre-check stored for a material. */
  const storedPhoto = (materialId: string): IdPhotoRegion | null | undefined => {
    const row = srv.ctx.db.prepare('SELECT result_json FROM precheck_results WHERE material_id = ?').get(materialId) as {
      result_json: string;
    };
    return (JSON.parse(row.result_json) as { pages: PageOcr[] }).pages[0]!.photo;
  };
  const photoOf = (client: ApiClient, caseId: string) =>
    fetch(`${srv.url}/api/cases/${caseId}/id-photo.png`, { headers: { cookie: client.cookieHeader } });

  let caseId: string;
  let withPortrait: string;

  it('gives the handling office’s reviewer and the intake clerk exactly the pre-check’s region as a PNG', async () => {
    caseId = (await createCase(clerk, ITEM_HN, APPLICANT)).id;
    const up = await upload(clerk, caseId, 'ID_CARD_FRONT', await renderIdCardFront(CARD_PERSON), 'front.png');
    expect(up.status).toBe(201);
    withPortrait = up.body.material.id;
    const m = (await waitForPrecheck(clerk, caseId)).materials.find((x) => x.materialId === withPortrait)!;
    expect(m.findings.map((f) => f.code)).not.toContain('ID_PHOTO_NOT_FOUND');
    const photo = storedPhoto(withPortrait)!;
    expect(photo.source).toBe('image');

    for (const client of [reviewer, clerk]) {
      const res = await photoOf(client, caseId);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(res.headers.get('x-id-photo-source')).toBe('image');
      const png = Buffer.from(await res.arrayBuffer());
      const meta = await sharp(png).metadata();
      expect({ w: meta.width, h: meta.height }).toEqual({ w: photo.box.x1 - photo.box.x0, h: photo.box.y1 - photo.box.y0 });
      // In colour, as the card is: the reviewer compares it with a colour video.
      const c = await chroma(png);
      expect(c.channels).toBe(3);
      expect(c.skinRB).toBeGreaterThan(30);
    }
  });

  it('a result stored before colour crops still gets its photo: the same region, cut from the gray page', async () => {
    const row = srv.ctx.db.prepare('SELECT result_json FROM precheck_results WHERE material_id = ?').get(withPortrait) as {
      result_json: string;
    };
    const colour = Buffer.from(await (await photoOf(reviewer, caseId)).arrayBuffer());
    const old = JSON.parse(row.result_json) as { pages: Array<{ colourPhotoSha256?: string }> };
    expect(old.pages[0]!.colourPhotoSha256).toMatch(/^[0-9a-f]{64}$/);
    for (const p of old.pages) delete p.colourPhotoSha256;
    const store = (json: string) =>
      srv.ctx.db.prepare('UPDATE precheck_results SET result_json = ? WHERE material_id = ?').run(json, withPortrait);
    store(JSON.stringify(old));
    try {
      const res = await photoOf(reviewer, caseId);
      expect(res.status).toBe(200);
      const gray = Buffer.from(await res.arrayBuffer());
      expect((await chroma(gray)).meanAbsRB).toBeLessThan(1);
      expect(await correlation(colour, gray)).toBeGreaterThan(0.99);
    } finally {
      store(row.result_json);
    }
  });

  it('refuses other offices and admins, as for the scans themselves', async () => {
    for (const who of ['reviewer2', 'clerk2', 'admin'] as const) {
      const res = await photoOf(await ApiClient.login(srv.url, who), caseId);
      expect(res.status, who).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
        who === 'admin' ? 'CASE_FILES_PARTICIPANTS_ONLY' : 'FORBIDDEN_OFFICE',
      );
    }
  });

  it('a card without a portrait gets a finding telling the clerk to rescan, and the reviewer a clear refusal, not a wrong crop', async () => {
    const up = await upload(
      clerk,
      caseId,
      'ID_CARD_FRONT',
      await renderIdCardFront(CARD_PERSON, { portrait: false }),
      'front-no-photo.png',
    );
    expect(up.status).toBe(201);
    const m = (await waitForPrecheck(clerk, caseId)).materials.find((x) => x.materialId === up.body.material.id)!;
    const finding = m.findings.find((f) => f.code === 'ID_PHOTO_NOT_FOUND')!;
    expect(finding).toMatchObject({ severity: 'warn', page: 0 });
    expect(finding.message_zh).toContain('重新扫描');
    expect(storedPhoto(up.body.material.id)).toBeNull();

    // The latest pre-check result counts: this card has no photo to compare.
    const res = await photoOf(reviewer, caseId);
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; message_zh: string } };
    expect(body.error.code).toBe('PRECHECK_ID_PHOTO_NOT_FOUND');
    expect(body.error.message_zh).toContain('重新扫描');

    // Pre-checking the card with the portrait again makes it the latest result.
    expect((await clerk.post(`/api/cases/${caseId}/precheck`, { materialId: withPortrait })).status).toBe(202);
    await waitForPrecheck(clerk, caseId);
    expect((await photoOf(reviewer, caseId)).status).toBe(200);
  });

  it('a case with no ID card front pre-checked says so', async () => {
    const other = (await createCase(clerk, ITEM_HN, APPLICANT)).id;
    const res = await photoOf(reviewer, other);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('PRECHECK_ID_FRONT_MISSING');
  });
});
