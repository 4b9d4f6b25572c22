import { createCanvas } from '@napi-rs/canvas';
import { ApiClient, type TestServer } from './testServer';

/** A valid 18-digit resident ID number (GB 11643 check digit) built from 17 digits. */
export function idNumberFrom(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i]!, 0);
  return first17 + '10X98765432'[sum % 11];
}

export function scanPng(label: string, w = 640, h = 400): Buffer {
  const canvas = createCanvas(w, h);
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, w, h);
  g.fillStyle = '#000';
  g.font = '28px sans-serif';
  g.fillText(label, 40, 80);
  for (let i = 0; i < 200; i++) g.fillRect((i * 37) % w, (i * 53) % h, 3, 3);
  return canvas.toBuffer('image/png');
}

export const FAKE_PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

async function uploadTo(c: ApiClient, path: string, bytes: Buffer, name: string, type: string) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const r = await c.request('POST', path, form);
  if (r.status >= 300) throw new Error(`upload ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * Drives a case at the intake window up to 受理 (accepted) through the REST API: clerk opens it
 * for 养老保险关系转移 (handled by hn-cs-office), uploads two scans, pre-check, review, accept.
 */
export async function acceptedCase(srv: TestServer): Promise<{ caseId: string; caseNo: string; clerk: ApiClient }> {
  const clerk = await ApiClient.login(srv.url, 'clerk');
  const created = await clerk.post('/api/cases', {
    itemCode: 'TB-YLBX-ZY',
    applicant: { name: '王浩然', idNumber: idNumberFrom('44020219800101123'), phone: '13800138000' },
  });
  if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
  const caseId = created.body.case.id as string;
  await uploadTo(clerk, `/api/cases/${caseId}/materials/ID_CARD_FRONT`, scanPng('居民身份证 人像面'), 'id-front.png', 'image/png');
  await uploadTo(clerk, `/api/cases/${caseId}/materials/CONTRIBUTION_CERT`, FAKE_PDF, '参保缴费凭证.pdf', 'application/pdf');
  const reviewer = await ApiClient.login(srv.url, 'reviewer');
  for (const [who, action] of [
    [clerk, 'precheck'],
    [clerk, 'request_review'],
    [reviewer, 'accept'],
  ] as const) {
    const r = await who.post(`/api/cases/${caseId}/transitions`, { action });
    if (r.status !== 200) throw new Error(`${action}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  return { caseId, caseNo: created.body.case.caseNo as string, clerk };
}

export { uploadTo };
