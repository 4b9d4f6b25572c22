import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { PDFDocument, rgb } from 'pdf-lib';
import { loadConfig } from '@tongban/server/config/config';
import { createLogger } from '@tongban/server/logger';
import { OcrPool } from '@tongban/server/precheck/OcrPool';
import { recognizeMaterial } from '@tongban/server/precheck/recognizeMaterial';
import { crop, DEFAULT_LIMITS, forEachPage, normalise, type PreparedPage } from '@tongban/server/precheck/preprocess';
import { Semaphore } from '@tongban/server/precheck/semaphore';
import { PrecheckJobQueue, pickFairCase } from '@tongban/server/precheck/jobQueue';
import { ID_CARD_FRONT_PORTRAIT, renderFormPage, renderIdCardFront } from '@tongban/server/demo/scanRenderer';
import { cutInColour } from '@tongban/server/precheck/pageGeometry';
import { MAX_FILES_PER_CASE, MAX_FILES_PER_SLOT } from '@tongban/shared/precheck/limits';
import { SLOT_PRESETS } from '@tongban/shared/precheck/slots';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import { createCase, jpegBytes, upload } from '../support/caseFixtures';
import { CARD_PERSON } from '../support/precheckFixtures';

/**
 * OCR under load: a huge scan is read at a bounded working size (its memory, here and in the OCR
 * worker, is that of an ordinary page), pages are decoded a few at a time across jobs, a case can
 * hold only so many files, and the queue serves cases in turn.
 */

const { workPixels } = DEFAULT_LIMITS;
const ID_NUMBER = '11010519491231002X';

/** An 81-megapixel scan (9000 × 9000) of a filled-in form: mostly white, so a small PNG. */
async function scan81mp(): Promise<Buffer> {
  const form = await renderFormPage({
    title: '社会保障卡申领登记表',
    fields: [
      ['姓名', '张三'],
      ['公民身份号码', ID_NUMBER],
      ['联系电话', '13800138000'],
    ],
  });
  const enlarged = await sharp(form).resize(6200, 8770, { kernel: 'nearest' }).png({ compressionLevel: 1 }).toBuffer();
  return sharp({ create: { width: 9000, height: 9000, channels: 3, background: '#ffffff' } })
    .composite([{ input: enlarged, left: 400, top: 100 }])
    .grayscale()
    .png({ compressionLevel: 1 })
    .toBuffer();
}

describe('a page larger than OCR needs', () => {
  let pool: OcrPool;
  beforeAll(async () => {
    const config = loadConfig({}, { LOG_LEVEL: 'silent' });
    pool = new OcrPool({ size: 1, langPath: config.ocrDataDir, timeoutMs: 120_000, log: createLogger('silent') });
    await pool.start();
  });
  afterAll(async () => {
    await pool?.close();
  });

  it('an 81-megapixel PNG is read at the working size, and its text is read', async () => {
    const input = await scan81mp();
    expect((await sharp(input).metadata()).width).toBe(9000);
    const slot = { ...SLOT_PRESETS['application-form'], rules: [...SLOT_PRESETS['application-form'].rules], requiredFields: ['姓名'] };
    const stored: Buffer[] = [];
    const r = await recognizeMaterial(pool, input, slot, { limits: DEFAULT_LIMITS, onPageImage: async (i, png) => void (stored[i] = png) });
    const [page] = r.pages;
    expect(page!.width * page!.height).toBeLessThanOrEqual(workPixels);
    expect(page!.width).toBe(page!.height);
    // The stored page image (what the boxes refer to) is that size too.
    const meta = await sharp(stored[0]!).metadata();
    expect([meta.width, meta.height]).toEqual([page!.width, page!.height]);
    expect(page!.lines.map((l) => l.text.replace(/\s/g, '')).join('\n')).toContain(ID_NUMBER);
    expect(r.fields.find((f) => f.key === 'label:姓名')?.value).toBe('张三');
  });

  it('a large colour original scaled down for OCR has its ID photo cut in colour at the same place', async () => {
    const card = await renderIdCardFront(CARD_PERSON);
    const width = (await sharp(card).metadata()).width!;
    const big = await sharp(card)
      .resize({ width: width * 6 })
      .jpeg({ quality: 95 })
      .toBuffer();
    const page = await normalise(big, { limits: DEFAULT_LIMITS });
    expect(page.geometry[0]).toMatchObject({ op: 'scale' });
    expect(page.width * page.height).toBeLessThanOrEqual(workPixels);
    const k = page.width / width;
    const b = ID_CARD_FRONT_PORTRAIT;
    const box = { x0: Math.round(b.x0 * k), y0: Math.round(b.y0 * k), x1: Math.round(b.x1 * k), y1: Math.round(b.y1 * k) };
    const colour = (await cutInColour(big, page.geometry, box, DEFAULT_LIMITS.maxPixels))!;
    const [c, g] = await Promise.all([colour, await crop(page.png, box)].map((png) => sharp(png).grayscale().raw().toBuffer()));
    expect(c!.length).toBe(g!.length);
    let diff = 0;
    for (let i = 0; i < c!.length; i++) diff += Math.abs(c![i]! - g![i]!);
    expect(diff / c!.length).toBeLessThan(6);
  });

  it('a long thin strip is not upscaled past the working size', async () => {
    const strip = await sharp({ create: { width: 300, height: 40_000, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer();
    const page = await normalise(strip, { limits: DEFAULT_LIMITS });
    expect(page.width * page.height).toBeLessThanOrEqual(workPixels);
    expect(page.width).toBeGreaterThan(300);
  });

  it('a poster-sized PDF page is rendered no larger than the working size', async () => {
    const doc = await PDFDocument.create();
    doc.addPage([14_400, 14_400]).drawRectangle({ x: 1000, y: 1000, width: 4000, height: 600, color: rgb(0, 0, 0) });
    const pages: PreparedPage[] = [];
    await forEachPage(Buffer.from(await doc.save()), { limits: DEFAULT_LIMITS }, async (p) => void pages.push(p));
    expect(pages).toHaveLength(1);
    expect(pages[0]!.width * pages[0]!.height).toBeLessThanOrEqual(workPixels);
  });
});

describe('pages decoded at once', () => {
  it('the semaphore lets `size` tasks run and starts the others in arrival order as places free up', async () => {
    const gate = new Semaphore(2);
    const started: number[] = [];
    const finish: Array<() => void> = [];
    const tasks = [0, 1, 2, 3, 4].map((i) =>
      gate.run(async () => {
        started.push(i);
        await new Promise<void>((resolve) => (finish[i] = resolve));
        return i;
      }),
    );
    await new Promise((r) => setTimeout(r, 10));
    expect(started).toEqual([0, 1]);
    finish[1]!();
    await new Promise((r) => setTimeout(r, 10));
    expect(started).toEqual([0, 1, 2]);
    finish[0]!();
    finish[2]!();
    await new Promise((r) => setTimeout(r, 10));
    expect(started).toEqual([0, 1, 2, 3, 4]);
    finish[3]!();
    finish[4]!();
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3, 4]);
  });

  it('six jobs at once decode their pages through the shared gate, at most two at a time', async () => {
    const gate = new Semaphore(2);
    let inFlight = 0;
    let maxInFlight = 0;
    let decodes = 0;
    const run = gate.run.bind(gate);
    gate.run = (task) =>
      run(async () => {
        decodes++;
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        try {
          return await task();
        } finally {
          inFlight--;
        }
      });
    const scans = await Promise.all(
      [0, 1, 2, 3, 4, 5].map((i) =>
        sharp({ create: { width: 1600 + i, height: 2200, channels: 3, background: '#ffffff' } })
          .png()
          .toBuffer(),
      ),
    );
    const sizes: number[] = [];
    await Promise.all(scans.map((s) => forEachPage(s, { limits: DEFAULT_LIMITS, decodes: gate }, async (p) => void sizes.push(p.width))));
    expect(decodes).toBe(6);
    expect(maxInFlight).toBe(2);
    expect(sizes.sort()).toEqual([1600, 1601, 1602, 1603, 1604, 1605]);
  });
});

describe('files per slot and per case, and the queue between cases', () => {
  let srv: TestServer;
  let clerk: ApiClient;
  beforeAll(async () => {
    srv = await startTestServer();
    clerk = await ApiClient.login(srv.url, 'clerk');
  });
  afterAll(async () => {
    await srv?.stop();
  });

  it('picks the case with the fewest jobs running, then the one served least recently, then the oldest', () => {
    const q = (caseId: string, oldestQueuedAt: string, running = 0) => ({ caseId, oldestQueuedAt, running });
    expect(pickFairCase([], new Map())).toBeUndefined();
    expect(pickFairCase([q('A', '2025-01-01T00:00:00Z'), q('B', '2025-01-01T00:01:00Z')], new Map())).toBe('A');
    expect(pickFairCase([q('A', '2025-01-01T00:00:00Z', 1), q('B', '2025-01-01T00:01:00Z')], new Map())).toBe('B');
    expect(pickFairCase([q('A', '2025-01-01T00:00:00Z'), q('B', '2025-01-01T00:01:00Z')], new Map([['A', 1]]))).toBe('B');
    expect(
      pickFairCase(
        [q('A', '2025-01-01T00:00:00Z'), q('B', '2025-01-01T00:01:00Z')],
        new Map([
          ['A', 2],
          ['B', 1],
        ]),
      ),
    ).toBe('B');
  });

  it('50 queued pages of one case do not hold back another case’s single scan', async () => {
    const a = (await createCase(clerk)).id;
    const b = (await createCase(clerk)).id;
    const { db } = srv.ctx;
    db.prepare('DELETE FROM precheck_jobs').run();
    let t = Date.parse('2025-03-01T08:00:00Z');
    const queue = new PrecheckJobQueue(db, { now: () => new Date((t += 1000)) });
    const job = (caseId: string, i: number) => ({
      id: `${caseId}-${i}`,
      case_id: caseId,
      material_id: `m-${caseId}-${i}`,
      sha256: 'a'.repeat(64),
      slot_json: '{}',
      camera: 0,
      requested_by: null,
    });
    for (let i = 0; i < 50; i++) queue.add(job(a, i));
    queue.add(job(b, 0));

    // Two workers: the second place goes to B although A's 49 other jobs are older.
    expect([queue.take()?.case_id, queue.take()?.case_id]).toEqual([a, b]);
    expect(db.prepare(`SELECT COUNT(*) FROM precheck_jobs WHERE status = 'running'`).pluck().get()).toBe(2);

    // One worker: A's job finishes first, then B (served least recently) comes before A's next.
    db.prepare(`UPDATE precheck_jobs SET status = 'queued', attempts = 0`).run();
    const fresh = new PrecheckJobQueue(db, { now: () => new Date((t += 1000)) });
    const first = fresh.take()!;
    expect(first.case_id).toBe(a);
    db.prepare(`UPDATE precheck_jobs SET status = 'done' WHERE id = ?`).run(first.id);
    expect(fresh.take()?.case_id).toBe(b);
    // Within a case, oldest first.
    db.prepare(`UPDATE precheck_jobs SET status = 'done' WHERE case_id = ?`).run(b);
    expect(fresh.take()?.id).toBe(`${a}-1`);
  });

  it(`a slot takes ${MAX_FILES_PER_SLOT} files, a case ${MAX_FILES_PER_CASE}; more are refused with a code and what to do`, async () => {
    const id = (await createCase(clerk)).id;
    for (let i = 0; i < MAX_FILES_PER_SLOT; i++) expect((await upload(clerk, id, 'ID_CARD_FRONT', jpegBytes())).status).toBe(201);
    const full = await upload(clerk, id, 'ID_CARD_FRONT', jpegBytes());
    expect(full.status).toBe(409);
    expect(full.body.error).toMatchObject({
      code: 'MATERIAL_SLOT_FULL',
      details: { slotCode: 'ID_CARD_FRONT', files: MAX_FILES_PER_SLOT, maxFiles: MAX_FILES_PER_SLOT },
    });
    expect(full.body.error.message_en).toMatch(/delete extra or duplicate files/);
    // Nothing of the refused file was kept, and other slots still take files.
    expect((await clerk.get(`/api/cases/${id}`)).body.materials).toHaveLength(MAX_FILES_PER_SLOT);
    expect((await upload(clerk, id, 'ID_CARD_BACK', jpegBytes())).status).toBe(201);

    // Files kept in slots an older catalog had count towards the case as well.
    const { db } = srv.ctx;
    const at = new Date().toISOString();
    const blob = db.prepare(`INSERT INTO blobs (sha256, size, media_type, created_at) VALUES (?, 1, 'image/jpeg', ?)`);
    const insert = db.prepare(
      `INSERT INTO case_materials (id, case_id, slot_code, file_name, sha256, media_type, size, source, uploaded_by, uploaded_at)
       VALUES (?, ?, ?, 'old.jpg', ?, 'image/jpeg', 1, 'upload', 'u', ?)`,
    );
    for (let i = MAX_FILES_PER_SLOT + 1; i < MAX_FILES_PER_CASE; i++) {
      const sha256 = i.toString(16).padStart(64, 'c');
      blob.run(sha256, at);
      insert.run(`old-${i}`, id, `RETIRED_${i % 5}`, sha256, at);
    }
    const caseFull = await upload(clerk, id, 'PHOTO', jpegBytes());
    expect(caseFull.status).toBe(409);
    expect(caseFull.body.error).toMatchObject({
      code: 'CASE_MATERIALS_FULL',
      details: { files: MAX_FILES_PER_CASE, maxFiles: MAX_FILES_PER_CASE },
    });
  });
});
