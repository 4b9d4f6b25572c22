import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { AppError } from '@tongban/shared';
import { MediaTypeGate, sniffStoredType } from '@tongban/server/materials/mediaType';
import { contentDisposition } from '@tongban/server/materials/sendStoredFile';
import { verifyBag } from '@tongban/server/handoff/bag/bagVerifier';
import { PDF_BYTES, PNG_1PX, jpegBytes } from '../support/caseFixtures';

const ebml = (docType: string) => Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84]), Buffer.from(docType)]);

describe('stored bytes are typed by their first bytes', () => {
  it('scans, bags, recordings, and anything else as opaque bytes', () => {
    expect(sniffStoredType(PNG_1PX)).toBe('image/png');
    expect(sniffStoredType(jpegBytes(64))).toBe('image/jpeg');
    expect(sniffStoredType(PDF_BYTES)).toBe('application/pdf');
    expect(sniffStoredType(Buffer.from('PK\x03\x04rest', 'latin1'))).toBe('application/zip');
    expect(sniffStoredType(ebml('webm'))).toBe('video/webm');
    expect(sniffStoredType(ebml('matroska'))).toBe('video/x-matroska');
    expect(sniffStoredType(Buffer.from('<!doctype html><script>alert(1)</script>'))).toBe('application/octet-stream');
    expect(sniffStoredType(Buffer.alloc(0))).toBe('application/octet-stream');
  });

  it('inline only for images and PDF; the name as ASCII fallback plus RFC 5987', () => {
    expect(contentDisposition('image/png', '身份证 "正面".png')).toBe(
      `inline; filename="___ ____.png"; filename*=UTF-8''%E8%BA%AB%E4%BB%BD%E8%AF%81%20%22%E6%AD%A3%E9%9D%A2%22.png`,
    );
    expect(contentDisposition('application/octet-stream', "it's (1)*.html")).toBe(
      `attachment; filename="it's (1)*.html"; filename*=UTF-8''it%27s%20%281%29%2A.html`,
    );
    expect(contentDisposition('video/webm', 'a\\b\r\n.webm')).toMatch(/^attachment; filename="a_b__\.webm"; /);
  });

  it('a gate can name its own refusal, before a byte is passed on', async () => {
    const gate = new MediaTypeGate((sniffed) => (sniffed === 'image/png' ? undefined : new AppError('BAG_MATERIAL_TYPE_MISMATCH')));
    await expect(
      pipeline(Readable.from([Buffer.from('<html>not a png</html>')]), gate, async function* (src) {
        for await (const chunk of src) yield chunk;
      }),
    ).rejects.toMatchObject({ code: 'BAG_MATERIAL_TYPE_MISMATCH' });
    const ok = new MediaTypeGate();
    const out = buffer(Readable.from([PNG_1PX.subarray(0, 3), PNG_1PX.subarray(3)]).pipe(ok));
    expect((await out).equals(PNG_1PX)).toBe(true);
    expect(ok.mediaType).toBe('image/png');
  });

  it('an unreadable zip is reported without the path it was read from', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stored-file-'));
    const file = path.join(dir, 'transfer-123.zip');
    fs.writeFileSync(file, 'not a zip');
    const r = await verifyBag(file, { trusted: [] });
    expect(r.problems[0]).toMatchObject({ code: 'BAG_ZIP_UNREADABLE', file: 'bag.zip' });
    expect(JSON.stringify(r)).not.toContain(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
