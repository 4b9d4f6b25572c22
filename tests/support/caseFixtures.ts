import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ApiClient } from './testServer';

/** Fixtures for the case-intake tests: a valid applicant, scan-like bytes, upload helpers. */

export const APPLICANT = { name: '张三', idNumber: '11010519491231002X', phone: '13800138000' };
/** Handled at hn-cs-office (reviewer), received at gd-sg-window (clerk). */
export const ITEM_HN = 'TB-SBK-SL';
/** Handled at sc-cd-office (reviewer2). */
export const ITEM_SC = 'TB-YDJY-BA';

export const PNG_1PX = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** JPEG-signature bytes of the given size, different on every call unless `fill` is given. */
export function jpegBytes(size = 2048, fill?: number): Buffer {
  const body = fill === undefined ? randomBytes(size) : Buffer.alloc(size, fill);
  Buffer.from([0xff, 0xd8, 0xff, 0xe0]).copy(body, 0);
  return body;
}

export const PDF_BYTES = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/** A Windows executable header, as in an .exe renamed .jpg. */
export const EXE_BYTES = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), randomBytes(1024)]);

export async function createCase(
  client: ApiClient,
  itemCode = ITEM_HN,
  applicant = APPLICANT,
): Promise<{ id: string; caseNo: string; body: any }> {
  const r = await client.post('/api/cases', { itemCode, applicant });
  if (r.status !== 201) throw new Error(`create case failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { id: r.body.case.id, caseNo: r.body.case.caseNo, body: r.body };
}

export function upload(client: ApiClient, caseId: string, slot: string, bytes: Buffer, fileName = 'scan.jpg') {
  const fd = new FormData();
  fd.append('file', new Blob([new Uint8Array(bytes)]), fileName);
  return client.request('POST', `/api/cases/${caseId}/materials/${slot}`, fd);
}

export function transition(client: ApiClient, caseId: string, action: string, note?: string) {
  return client.post(`/api/cases/${caseId}/transitions`, { action, ...(note ? { note } : {}) });
}

/** Every file under a directory, recursively (blob store and temp checks). */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name));
}
