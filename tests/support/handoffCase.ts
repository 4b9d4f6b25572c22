import { Readable } from 'node:stream';
import { ApiClient, type TestServer } from './testServer';
import { createCase, precheckCase } from './caseFixtures';
import { idNumber } from './precheckFixtures';
import { decideByReview } from './reviewFixtures';

/** POSTs one file as multipart field `file`; throws unless the server stored it. */
export async function uploadTo(c: ApiClient, path: string, bytes: Buffer, name: string, type: string) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const r = await c.request('POST', path, form);
  if (r.status >= 300) throw new Error(`upload ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * Drives a case at the intake window up to 受理 (accepted) through the REST API: the clerk opens
 * it for 养老保险关系转移 (handled by hn-cs-office), scans every required material (real OCR
 * pre-check: start the server with OCR_WORKERS ≥ 1), pre-checks it, asks for a video co-review;
 * the reviewer takes the session, records the identity checks and decides 受理. `extra` adds to
 * the create request (an agent, the result channel, the mailing address).
 */
export async function acceptedCase(
  srv: TestServer,
  extra: Record<string, unknown> = {},
): Promise<{ caseId: string; caseNo: string; clerk: ApiClient }> {
  const clerk = await ApiClient.login(srv.url, 'clerk');
  const applicant = { name: '王浩然', idNumber: idNumber('44020219800101123'), phone: '13800138000' };
  const created = await createCase(clerk, 'TB-YLBX-ZY', applicant, extra);
  await precheckCase(clerk, created.id);
  const reviewer = await ApiClient.login(srv.url, 'reviewer');
  await decideByReview(clerk, reviewer, created.id, { outcome: 'accept' });
  return { caseId: created.id, caseNo: created.caseNo, clerk };
}

/** Puts bytes in a site's blob store with their `blobs` row, as the services that keep evidence do. */
export async function storeBlob(site: TestServer, bytes: Buffer, mediaType: string): Promise<{ sha256: string; size: number }> {
  const stored = await site.ctx.blobs.put(Readable.from([bytes]));
  site.ctx.db
    .prepare('INSERT OR IGNORE INTO blobs (sha256, size, media_type, created_at) VALUES (?, ?, ?, ?)')
    .run(stored.sha256, stored.size, mediaType, new Date().toISOString());
  return stored;
}

/** The id of the case's decided co-review session at a site. */
export function decidedSessionId(site: TestServer, caseId: string): string {
  return site.ctx.db.prepare("SELECT id FROM review_sessions WHERE case_id = ? AND status = 'decided'").pluck().get(caseId) as string;
}
