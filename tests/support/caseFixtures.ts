import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseIdNumber, type CaseDetailResponse } from '@tongban/shared';
import type { CasePrecheckResponse } from '@tongban/shared/precheck/api';
import type { DemoApplicant } from '@tongban/server/cases/demo/demoApplicant';
import { renderDemoScan } from '@tongban/server/cases/demo/demoScans';
import { registerPrintedScan } from './printedTextRecogniser';
import type { ApiClient } from './testServer';

/** Fixtures for the case-intake tests: a valid applicant, scan-like bytes, upload helpers. */

export const APPLICANT = { name: '张三', idNumber: '11010519491231002X', phone: '13800138000' };

/** The applicant's ID card as a generated scan shows it, with the number printed on it. */
export const applicantCard = (idNumber: string) => ({
  name: APPLICANT.name,
  sex: '女' as const,
  ethnicity: '汉',
  birth: '1949-12-31',
  address: '湖南省长沙市岳麓区麓山南路12号',
  idNumber,
});
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

/** `extra`: more of the request (agent, resultChannel, mailingAddress); `applicant` may name its idType. */
export async function createCase(
  client: ApiClient,
  itemCode = ITEM_HN,
  applicant: { name: string; idNumber: string; phone: string; idType?: string } = APPLICANT,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; caseNo: string; body: any }> {
  const r = await client.post('/api/cases', { itemCode, applicant, ...extra });
  if (r.status !== 201) throw new Error(`create case failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { id: r.body.case.id, caseNo: r.body.case.caseNo, body: r.body };
}

/** `source` (camera, scanner, upload) goes in the query, as the client sends it. */
export function upload(client: ApiClient, caseId: string, slot: string, bytes: Buffer, fileName = 'scan.jpg', source?: string) {
  const fd = new FormData();
  fd.append('file', new Blob([new Uint8Array(bytes)]), fileName);
  return client.request('POST', `/api/cases/${caseId}/materials/${slot}${source ? `?source=${encodeURIComponent(source)}` : ''}`, fd);
}

/**
 * The generic transition route. Co-review and its decision, handoff, result and rating refuse it
 * (CASE_ACTION_NEEDS_ENDPOINT): use reviewFixtures' `requestReview` / `decideByReview` or handoffCase.
 */
export function transition(client: ApiClient, caseId: string, action: string, note?: string) {
  return client.post(`/api/cases/${caseId}/transitions`, { action, ...(note ? { note } : {}) });
}

/**
 * A card holder consistent with the case's applicant: birth date and sex come from a resident ID
 * number; a holder of another document (no birth date in its number) gets fixed ones.
 */
export function cardHolder(a: { name: string; idNumber: string; phone: string; idType?: string }): DemoApplicant {
  const resident = !a.idType || a.idType === 'resident-id';
  const { birthDate, sex } = resident ? parseIdNumber(a.idNumber) : { birthDate: '1985-03-15', sex: 'M' };
  if (!birthDate) throw new Error(`cardHolder: ${a.idNumber} has no valid birth date`);
  return {
    name: a.name,
    sex: sex === 'M' ? '男' : '女',
    ethnicity: '汉',
    birth: birthDate,
    idNumber: a.idNumber,
    phone: a.phone,
    address: '湖南省长沙市岳麓区麓山南路12号3栋201室',
    currentAddress: '广东省韶关市浈江区解放路18号',
    idCard: { authority: '长沙市公安局岳麓分局', validFrom: '2016.05.20', validTo: '长期' },
    hometown: { province: '湖南省', city: '长沙市', district: '岳麓区' },
  };
}

/**
 * Uploads a generated scan, matching the applicant, of every required material whose slot is
 * still empty (but those in `except`); each upload starts its pre-check (the server needs
 * OCR_WORKERS ≥ 1, or the printed-text recogniser, which reads these scans).
 */
export async function uploadMissingScans(client: ApiClient, caseId: string, except: string[] = []): Promise<void> {
  const health = (await client.get('/api/health')).body as { ocr?: { configuredWorkers?: number } };
  if (!health.ocr?.configuredWorkers)
    throw new Error("uploadMissingScans: start the test server with OCR_WORKERS: 1 or ocr: 'printed-text'");
  const detail = (await client.get(`/api/cases/${caseId}`)).body as CaseDetailResponse;
  const { applicant, company } = detail.case;
  if (!applicant.idNumber || !applicant.phone) throw new Error('uploadMissingScans: log in as the case’s intake clerk');
  const holder = cardHolder({ name: applicant.name, idNumber: applicant.idNumber, phone: applicant.phone, idType: applicant.idType });
  const have = new Set([...detail.materials.map((m) => m.slotCode), ...except]);
  const subject = {
    item: detail.item,
    applicant: holder,
    company: company ? { ...company, legalRep: holder.name, address: holder.address } : undefined,
    today: new Date().toISOString().slice(0, 10),
  };
  for (const slot of detail.item.materials.filter((m) => m.required && !have.has(m.code))) {
    const scan = await renderDemoScan(slot, subject);
    registerPrintedScan(scan);
    const r = await upload(client, caseId, slot.code, scan.bytes, scan.fileName);
    if (r.status >= 300) throw new Error(`upload ${slot.code}: ${r.status} ${JSON.stringify(r.body)}`);
  }
}

/** The case's pre-check once no job is queued or running (up to 5 minutes). */
export async function waitForPrecheck(client: ApiClient, caseId: string): Promise<CasePrecheckResponse> {
  for (let i = 0; i < 1200; i++) {
    const s = (await client.get(`/api/cases/${caseId}/precheck`)).body as CasePrecheckResponse;
    if (s.materials.every((m) => m.status === 'done' || m.status === 'failed')) return s;
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new Error('pre-check did not finish within 5 minutes');
}

/** Makes a draft case genuinely ready for `precheck`: every required scan in, OCR done, nothing blocking. */
export async function makePrecheckReady(client: ApiClient, caseId: string): Promise<CasePrecheckResponse> {
  await uploadMissingScans(client, caseId);
  const s = await waitForPrecheck(client, caseId);
  if (!s.ready) {
    const findings = s.materials.map((m) => [m.slotCode, m.status, m.findings.filter((f) => !f.override).map((f) => f.key)]);
    throw new Error(`pre-check not ready: ${JSON.stringify({ missing: s.missingSlots, findings })}`);
  }
  return s;
}

/** A draft case made ready and pre-checked through the public `precheck` transition. */
export async function precheckCase(client: ApiClient, caseId: string) {
  await makePrecheckReady(client, caseId);
  const r = await transition(client, caseId, 'precheck');
  if (r.status !== 200) throw new Error(`precheck: ${r.status} ${JSON.stringify(r.body)}`);
  return r;
}

/** Every file under a directory, recursively (blob store and temp checks). */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name));
}
