import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { degrade, ID_CARD_FRONT_PORTRAIT, renderIdCardFront, type Degradation } from '@tongban/server/demo/scanRenderer';
import { loadConfig } from '@tongban/server/config/config';
import { createLogger } from '@tongban/server/logger';
import { OcrPool } from '@tongban/server/precheck/OcrPool';
import { DEFAULT_LIMITS } from '@tongban/server/precheck/preprocess';
import { recognizeMaterial } from '@tongban/server/precheck/recognizeMaterial';
import { locateIdPhoto } from '@tongban/server/precheck/idPhotoRegion';
import { iou } from '@tongban/shared/precheck/idPhoto';
import { SLOT_PRESETS } from '@tongban/shared/precheck/slots';
import type { Bbox, IdPhotoRegion, PageOcr } from '@tongban/shared/precheck/types';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import { createCase, ITEM_HN, upload, waitForPrecheck } from '../support/caseFixtures';
import { CARD_PERSON } from '../support/precheckFixtures';

/** The pre-check locates the portrait on an ID card front (real OCR), and the reviewer gets exactly that crop. */

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
      const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
      expect({ w: meta.width, h: meta.height }).toEqual({ w: photo.box.x1 - photo.box.x0, h: photo.box.y1 - photo.box.y0 });
    }
  });

  it('refuses other offices and admins, as for the scans themselves', async () => {
    for (const who of ['reviewer2', 'clerk2', 'admin'] as const) {
      const res = await photoOf(await ApiClient.login(srv.url, who), caseId);
      expect(res.status, who).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN_OFFICE');
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
