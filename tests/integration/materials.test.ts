import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MaterialUploadedEvent } from '@tongban/server/materials/MaterialService';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import { createCase, EXE_BYTES, filesUnder, jpegBytes, PDF_BYTES, PNG_1PX, precheckCase, upload } from '../support/caseFixtures';
import { requestReview } from '../support/reviewFixtures';

let srv: TestServer;
let clerk: ApiClient;

function storeCounts(s: TestServer) {
  return {
    blobFiles: filesUnder(path.join(s.dataDir, 'blobs')).length,
    tmpFiles: filesUnder(path.join(s.dataDir, 'tmp')).length,
    blobRows: s.ctx.db.prepare('SELECT COUNT(*) FROM blobs').pluck().get() as number,
    materialRows: s.ctx.db.prepare('SELECT COUNT(*) FROM case_materials').pluck().get() as number,
    uploadEvents: s.ctx.db.prepare("SELECT COUNT(*) FROM audit_events WHERE action = 'material.uploaded'").pluck().get() as number,
  };
}

beforeAll(async () => {
  srv = await startTestServer();
  clerk = await ApiClient.login(srv.url, 'clerk');
});
afterAll(async () => {
  await srv.stop();
});

/** A hand-built multipart body, to send file names a browser's FormData would escape. */
function rawMultipart(c: ApiClient, caseId: string, dispositionFileName: string) {
  const boundary = '----tongban-test-boundary';
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; ${dispositionFileName}\r\nContent-Type: image/jpeg\r\n\r\n`),
    jpegBytes(),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return c.request('POST', `/api/cases/${caseId}/materials/ID_CARD_FRONT`, new Uint8Array(body), {
    'content-type': `multipart/form-data; boundary=${boundary}`,
  });
}

describe('uploading scans', () => {
  it('stores a PNG by its content, serves it inline and tells listeners', async () => {
    const events: MaterialUploadedEvent[] = [];
    const off = srv.ctx.materials.onUploaded((e) => {
      events.push(e);
    });
    const { id } = await createCase(clerk);
    const r = await upload(clerk, id, 'ID_CARD_FRONT', PNG_1PX, '身份证正面.png');
    off();
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      deduplicated: false,
      material: { caseId: id, slotCode: 'ID_CARD_FRONT', fileName: '身份证正面.png', mediaType: 'image/png', size: PNG_1PX.length },
    });
    const blob = path.join(
      srv.dataDir,
      'blobs',
      r.body.material.sha256.slice(0, 2),
      r.body.material.sha256.slice(2, 4),
      r.body.material.sha256,
    );
    expect(fs.readFileSync(blob).equals(PNG_1PX)).toBe(true);

    const content = await clerk.get(`/api/cases/${id}/materials/${r.body.material.id}/content`);
    expect(content.status).toBe(200);
    expect(content.headers.get('content-type')).toBe('image/png');
    expect(content.headers.get('content-disposition')).toBe(
      `inline; filename="_____.png"; filename*=UTF-8''${encodeURIComponent('身份证正面.png')}`,
    );
    expect(Buffer.from(content.body as ArrayBuffer).equals(PNG_1PX)).toBe(true);

    await new Promise((r) => setTimeout(r, 10));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      caseId: id,
      material: { id: r.body.material.id },
      slot: { kind: 'id-card', precheckRules: expect.arrayContaining(['id-card-front']) },
      actor: { name: 'clerk' },
    });

    const detail = await clerk.get(`/api/cases/${id}`);
    expect(detail.body.materials.map((m: any) => m.id)).toEqual([r.body.material.id]);
    const audit = srv.ctx.ledger.forCase(id).filter((e) => e.action === 'material.uploaded');
    expect(audit[0]?.details).toMatchObject({ materialId: r.body.material.id, sha256: r.body.material.sha256, mediaType: 'image/png' });
  });

  it('accepts JPEG and PDF by their magic bytes whatever the name says', async () => {
    const { id } = await createCase(clerk);
    const pdf = await upload(clerk, id, 'SBK_FORM', PDF_BYTES, 'form.jpg');
    expect(pdf.body.material).toMatchObject({ mediaType: 'application/pdf', fileName: 'form.jpg.pdf' });
    const jpg = await upload(clerk, id, 'PHOTO', jpegBytes(), 'photo.JPEG');
    expect(jpg.body.material).toMatchObject({ mediaType: 'image/jpeg', fileName: 'photo.jpeg' });
  });

  it('deduplicates the same bytes in the same slot, and stores shared bytes once', async () => {
    const { id } = await createCase(clerk);
    const bytes = jpegBytes();
    const first = await upload(clerk, id, 'ID_CARD_FRONT', bytes);
    const before = storeCounts(srv);
    const again = await upload(clerk, id, 'ID_CARD_FRONT', bytes, 'renamed.jpg');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ deduplicated: true, material: { id: first.body.material.id, fileName: 'scan.jpg' } });
    expect(storeCounts(srv)).toEqual(before);
    const otherSlot = await upload(clerk, id, 'ID_CARD_BACK', bytes);
    expect(otherSlot.status).toBe(201);
    const after = storeCounts(srv);
    expect(after.materialRows).toBe(before.materialRows + 1);
    expect(after.blobFiles).toBe(before.blobFiles);
    expect(after.blobRows).toBe(before.blobRows);
  });

  it('rejects an .exe renamed .jpg, a text file and an empty file, storing nothing', async () => {
    const { id } = await createCase(clerk);
    const before = storeCounts(srv);
    const exe = await upload(clerk, id, 'ID_CARD_FRONT', EXE_BYTES, 'photo.jpg');
    expect(exe.status).toBe(415);
    expect(exe.body.error.code).toBe('UPLOAD_TYPE_REJECTED');
    const text = await upload(clerk, id, 'SBK_FORM', Buffer.from('just some text, not a pdf'), 'form.pdf');
    expect(text.status).toBe(415);
    const tiny = await upload(clerk, id, 'SBK_FORM', Buffer.from([0xff, 0xd8]), 'short.jpg');
    expect(tiny.body.error.code).toBe('UPLOAD_TYPE_REJECTED');
    const empty = await upload(clerk, id, 'SBK_FORM', Buffer.alloc(0), 'empty.jpg');
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('UPLOAD_EMPTY');
    expect(storeCounts(srv)).toEqual(before);
  });

  it('keeps path-traversal and control-character file names harmless', async () => {
    const { id } = await createCase(clerk);
    const names: Array<[string, string]> = [
      ['../../../../etc/passwd.jpg', 'passwd.jpg'],
      ['..\\..\\windows\\system32\\evil.jpg', 'evil.jpg'],
      ['..', 'scan.jpg'],
      ['invoice\u202Egpj.exe', 'invoicegpj.exe.jpg'],
      ['a<b>c:d|e?.jpg', 'a_b_c_d_e_.jpg'],
      [`${'长'.repeat(300)}.jpg`, `${'长'.repeat(100)}.jpg`],
    ];
    for (const [raw, expected] of names) {
      const r = await upload(clerk, id, 'ID_CARD_FRONT', jpegBytes(), raw);
      expect(r.status, raw).toBe(201);
      expect(r.body.material.fileName, JSON.stringify(raw)).toBe(expected);
    }
    // Control characters can only arrive percent-encoded (RFC 5987); raw ones make the part malformed.
    const encoded = await rawMultipart(clerk, id, `filename*=UTF-8''re%00po%07rt%0D%0A%E6%89%AB%E6%8F%8F.jpg`);
    expect(encoded.body.material.fileName).toBe('report扫描.jpg');
    const raw = await upload(clerk, id, 'ID_CARD_FRONT', jpegBytes(), 're\u0000port.jpg');
    expect(raw.body.error.code).toBe('UPLOAD_MALFORMED');
    // Blobs are stored by hash only: no stored path carries a client-supplied name.
    for (const f of filesUnder(srv.dataDir)) expect(path.basename(f)).not.toMatch(/passwd|evil|report/);
  });

  it('refuses unknown slots, non-multipart bodies and a missing file field', async () => {
    const { id } = await createCase(clerk);
    expect((await upload(clerk, id, 'NO_SUCH_SLOT', jpegBytes())).body.error.code).toBe('MATERIAL_SLOT_UNKNOWN');
    const json = await clerk.post(`/api/cases/${id}/materials/ID_CARD_FRONT`, { file: 'x' });
    expect(json.status).toBe(400);
    expect(json.body.error.code).toBe('UPLOAD_MALFORMED');
    const fd = new FormData();
    fd.append('other', new Blob([new Uint8Array(jpegBytes())]), 'x.jpg');
    const wrongField = await clerk.request('POST', `/api/cases/${id}/materials/ID_CARD_FRONT`, fd);
    expect(wrongField.body.error.code).toBe('UPLOAD_MALFORMED');
    expect((await upload(clerk, 'no-such-case', 'ID_CARD_FRONT', jpegBytes())).body.error.code).toBe('CASE_NOT_FOUND');
  });

  it('records how a scan was captured (?source=camera|scanner|upload) and refuses any other source', async () => {
    const { id } = await createCase(clerk);
    const before = storeCounts(srv);
    const fax = await upload(clerk, id, 'ID_CARD_FRONT', jpegBytes(), 'fax.jpg', 'fax');
    expect(fax.status).toBe(400);
    expect(fax.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ path: 'source' })] });
    expect(storeCounts(srv)).toEqual(before);
    const camera = await upload(clerk, id, 'ID_CARD_FRONT', jpegBytes(), 'camera.jpg', 'camera');
    expect(camera.status).toBe(201);
    expect(camera.body.material.source).toBe('camera');
    expect((await upload(clerk, id, 'ID_CARD_BACK', jpegBytes(), 'scanner.jpg', 'scanner')).body.material.source).toBe('scanner');
    expect((await upload(clerk, id, 'PHOTO', jpegBytes())).body.material.source).toBe('upload');
    const listed = (await clerk.get(`/api/cases/${id}`)).body.materials as any[];
    expect(listed.map((m) => m.source).sort()).toEqual(['camera', 'scanner', 'upload']);
    const event = srv.ctx.ledger
      .forCase(id)
      .find((e) => e.action === 'material.uploaded' && e.details.materialId === camera.body.material.id);
    expect(event?.details).toMatchObject({ source: 'camera' });
  });
});

describe('materials after the pre-check', () => {
  // Its own server with one OCR worker: a case leaves draft only through a real pre-check, and the
  // pre-check's page images would disturb the blob counts of the tests above.
  let ocr: TestServer;
  let clerk: ApiClient;
  beforeAll(async () => {
    ocr = await startTestServer({ OCR_WORKERS: 1 });
    clerk = await ApiClient.login(ocr.url, 'clerk');
  });
  afterAll(async () => {
    await ocr.stop();
  });

  it('locks materials once the case is under review; deletes only drafts', async () => {
    const { id } = await createCase(clerk);
    await precheckCase(clerk, id);
    const m = (await clerk.get(`/api/cases/${id}`)).body.materials[0];
    expect((await upload(clerk, id, 'ID_CARD_BACK', jpegBytes())).status).toBe(201);
    const del = await clerk.request('DELETE', `/api/cases/${id}/materials/${m.id}`);
    expect(del.status).toBe(409);
    expect(del.body.error.code).toBe('CASE_MATERIALS_LOCKED');
    await requestReview(clerk, id);
    const locked = await upload(clerk, id, 'PHOTO', jpegBytes());
    expect(locked.status).toBe(409);
    expect(locked.body.error.code).toBe('CASE_MATERIALS_LOCKED');

    const draft = await createCase(clerk);
    const dm = (await upload(clerk, draft.id, 'ID_CARD_FRONT', jpegBytes())).body.material;
    expect((await clerk.request('DELETE', `/api/cases/${draft.id}/materials/${dm.id}`)).status).toBe(200);
    expect((await clerk.get(`/api/cases/${draft.id}`)).body.materials).toEqual([]);
    expect(ocr.ctx.ledger.forCase(draft.id).map((e) => e.action)).toEqual(['case.created', 'material.uploaded', 'material.deleted']);
    expect((await clerk.get(`/api/cases/${draft.id}/materials/${dm.id}/content`)).body.error.code).toBe('MATERIAL_NOT_FOUND');
  });
});

describe('upload size limit', () => {
  let small: TestServer;
  beforeAll(async () => {
    small = await startTestServer({ UPLOAD_MAX_BYTES: 4096 });
  });
  afterAll(async () => {
    await small.stop();
  });

  it('answers 413 past UPLOAD_MAX_BYTES, stores nothing, and keeps serving', async () => {
    const c = await ApiClient.login(small.url, 'clerk');
    const { id } = await createCase(c);
    const before = storeCounts(small);
    const big = await upload(c, id, 'ID_CARD_FRONT', jpegBytes(200_000));
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('UPLOAD_TOO_LARGE');
    expect(storeCounts(small)).toEqual(before);
    const atLimit = await upload(c, id, 'ID_CARD_FRONT', jpegBytes(4096));
    expect(atLimit.status).toBe(201);
    expect((await upload(c, id, 'ID_CARD_BACK', jpegBytes(4097))).status).toBe(413);
    expect((await c.get(`/api/cases/${id}`)).body.materials).toHaveLength(1);
  });
});
