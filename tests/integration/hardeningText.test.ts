import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderIdCardFront } from '@tongban/server/demo/scanRenderer';
import type { Actor } from '@tongban/server/audit/AuditLedger';
import type { CasePrecheckResponse } from '@tongban/shared/precheck/api';
import { IDENTITY_STEPS } from '@tongban/shared/review/checklist';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import { APPLICANT, applicantCard, createCase, transition, upload, uploadMissingScans, waitForPrecheck } from '../support/caseFixtures';
import { wrongCheck } from '../support/precheckFixtures';
import { requestReview } from '../support/reviewFixtures';
import { readZip } from '../support/handoffZip';

/**
 * Hardening of typed text and identity: ID numbers staff type into reasons and notes are masked
 * before they are stored (audit trail, the bag's events.jsonl), admins see masked identity and
 * download no files, transition details are only the fields an action defines, the applicant's
 * link ignores a forged Host, and names carry no control characters.
 */
const FULL = APPLICANT.idNumber;
const MASKED = '1101**********002X';
/** The number printed on the scanned card (a wrong check digit, so the pre-check blocks and the clerk overrides). */
const CARD_ID = wrongCheck(FULL);

let srv: TestServer;
let tmp: string;
let clerk: ApiClient;
let reviewer: ApiClient;
let supervisor: ApiClient;
let admin: ApiClient;
let caseId: string;
let sessionId: string;
let precheck: CasePrecheckResponse;

const audit = async (id: string) =>
  (await clerk.get(`/api/cases/${id}/audit`)).body.events as Array<{ action: string; details: Record<string, unknown> }>;

beforeAll(async () => {
  srv = await startTestServer({ OCR_WORKERS: 1 });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hardening-text-'));
  clerk = await ApiClient.login(srv.url, 'clerk');
  reviewer = await ApiClient.login(srv.url, 'reviewer');
  supervisor = await ApiClient.login(srv.url, 'supervisor');
  admin = await ApiClient.login(srv.url, 'admin');
  caseId = (await createCase(clerk)).id;
  const card = applicantCard(CARD_ID);
  expect((await upload(clerk, caseId, 'ID_CARD_FRONT', await renderIdCardFront(card), 'front.png')).status).toBe(201);
  await uploadMissingScans(clerk, caseId);
  precheck = await waitForPrecheck(clerk, caseId);
});
afterAll(async () => {
  await srv?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('ID numbers in typed text', () => {
  it('stores an override reason masked: the override, its audit event and the pre-check view', async () => {
    const front = precheck.materials.find((m) => m.slotCode === 'ID_CARD_FRONT')!;
    const blocks = front.findings.filter((f) => f.severity === 'block').map((f) => f.key);
    expect(blocks).toContain('ID_NUMBER_CHECKSUM:idNumber');
    for (const key of blocks) {
      const o = await clerk.post(`/api/cases/${caseId}/precheck/overrides`, {
        materialId: front.materialId,
        findingCode: key,
        reason: `原件号码 ${FULL} 已核对`,
      });
      expect(o.status, JSON.stringify(o.body)).toBe(200);
    }
    const overridden = (await audit(caseId)).filter((e) => e.action === 'precheck.finding_overridden');
    expect(overridden.length).toBe(blocks.length);
    for (const e of overridden) expect(e.details.reason).toBe(`原件号码 ${MASKED} 已核对`);
    const stored = srv.ctx.db.prepare('SELECT reason FROM precheck_overrides WHERE case_id = ?').pluck().all(caseId) as string[];
    expect(stored.every((r) => r === `原件号码 ${MASKED} 已核对`)).toBe(true);
    expect((await transition(clerk, caseId, 'precheck')).status).toBe(200);
  });

  it('admins see the OCR idNumber masked in the pre-check; the case’s clerk sees it in full', async () => {
    const idField = (r: CasePrecheckResponse) => r.materials.flatMap((m) => m.fields).find((f) => f.key === 'idNumber');
    const byClerk = (await clerk.get(`/api/cases/${caseId}/precheck`)).body as CasePrecheckResponse;
    expect(idField(byClerk)?.value).toBe(CARD_ID);
    const byAdmin = await admin.get(`/api/cases/${caseId}/precheck`);
    expect(byAdmin.status).toBe(200);
    expect(idField(byAdmin.body)?.value).toBe(`${CARD_ID.slice(0, 4)}**********${CARD_ID.slice(-4)}`);
    const text = JSON.stringify(byAdmin.body);
    expect(text).not.toContain(CARD_ID);
    expect(text).not.toContain(FULL);
    // OCR's lines and words are masked even where OCR added a character to the number.
    const ocrTexts: string[] = [];
    JSON.parse(text, (key, value: unknown) => (key === 'text' && typeof value === 'string' && ocrTexts.push(value), value));
    expect(ocrTexts.length).toBeGreaterThan(0);
    expect(ocrTexts.filter((t) => /\d{10}/.test(t))).toEqual([]);
  });

  it('stores an identity check note masked; a forged Host header does not change the applicant link', async () => {
    sessionId = await requestReview(clerk, caseId);
    const link = await forgedHostPost(`/api/review/sessions/${sessionId}/applicant-link`, 'evil.example:666');
    expect(link.status, JSON.stringify(link.body)).toBe(201);
    expect(link.body.url).toBe(`${srv.url}/join/${link.body.token}`);

    for (const [step, body] of [['accept'], ['consent', { recordingAllowed: false, snapshotsAllowed: false }], ['liveness']] as const) {
      const r = await reviewer.post(`/api/review/sessions/${sessionId}/${step}`, body);
      expect(r.status, `${step}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
    }
    for (const step of IDENTITY_STEPS) {
      const r = await reviewer.post(`/api/review/sessions/${sessionId}/checks`, { step, passed: true, note: `证件号 ${FULL} 与本人一致` });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    expect((await reviewer.post(`/api/review/sessions/${sessionId}/decision`, { outcome: 'accept' })).status).toBe(200);
    const checks = (await audit(caseId)).filter((e) => e.action === 'review.identity_check');
    expect(checks).toHaveLength(IDENTITY_STEPS.length);
    for (const e of checks) expect(e.details.note).toBe(`证件号 ${MASKED} 与本人一致`);
    const notes = srv.ctx.db.prepare('SELECT note FROM review_identity_checks WHERE session_id = ?').pluck().all(sessionId) as string[];
    expect(notes.every((n) => n === `证件号 ${MASKED} 与本人一致`)).toBe(true);
  });

  it('the bag’s audit/events.jsonl carries the masked reason and note, and no full ID number', async () => {
    const r = await clerk.post(`/api/cases/${caseId}/handoff/courier`, { courierCompany: '顺丰速运', waybillNo: 'SF1234567890' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const zip = await clerk.get(`/api/cases/${caseId}/handoff/bag.zip`);
    expect(zip.status).toBe(200);
    const file = path.join(tmp, 'bag.zip');
    fs.writeFileSync(file, Buffer.from(zip.body as ArrayBuffer));
    const entries = await readZip(file);
    const name = [...entries.keys()].find((n) => n.endsWith('data/audit/events.jsonl'))!;
    const events = entries
      .get(name)!
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { action: string; details: Record<string, unknown> });
    expect(events.find((e) => e.action === 'precheck.finding_overridden')?.details.reason).toBe(`原件号码 ${MASKED} 已核对`);
    expect(events.find((e) => e.action === 'review.identity_check')?.details.note).toBe(`证件号 ${MASKED} 与本人一致`);
    expect(entries.get(name)!.toString('utf8')).not.toContain(FULL);
  });

  it('stores a follow-up note masked', async () => {
    // Handling and 办结 at the handling site stand in for a peer site here, as trusted server code.
    const peer: Actor = { id: null, name: 'site:test', role: 'peer-site', officeId: null };
    srv.ctx.db.transaction(() => {
      srv.ctx.cases.applyTransition(caseId, 'start_handling', peer);
      srv.ctx.cases.applyTransition(caseId, 'complete', peer);
    })();
    const rated = await clerk.post(`/api/cases/${caseId}/rating`, { level: 1 });
    expect(rated.status, JSON.stringify(rated.body)).toBe(200);
    const followUp = rated.body.followUp.id as string;
    const closed = await supervisor.post(`/api/follow-ups/${followUp}/close`, { note: `已回访申请人（${FULL}）` });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    const e = (await audit(caseId)).find((x) => x.action === 'rating.follow_up_closed');
    expect(e?.details.note).toBe(`已回访申请人（${MASKED}）`);
    expect(srv.ctx.db.prepare('SELECT note FROM rating_follow_ups WHERE id = ?').pluck().get(followUp)).toBe(`已回访申请人（${MASKED}）`);
    expect(JSON.stringify(await audit(caseId))).not.toContain(FULL);
    expect(srv.ctx.ledger.verify().ok).toBe(true);
  });
});

describe('admins download no files of a case', () => {
  it('refuses scans, page images, the ID photo, snapshots, recordings, the bag, received files and the result document with 403 CASE_FILES_PARTICIPANTS_ONLY', async () => {
    const front = precheck.materials.find((m) => m.slotCode === 'ID_CARD_FRONT')!;
    const downloads = [
      `/api/cases/${caseId}/materials/${front.materialId}/content`,
      `/api/cases/${caseId}/materials/${front.materialId}/pages/1.png`,
      `/api/cases/${caseId}/id-photo.png`,
      `/api/review/sessions/${sessionId}/snapshots/none`,
      `/api/review/sessions/${sessionId}/recordings/none`,
      `/api/cases/${caseId}/handoff/bag.zip`,
      `/api/cases/${caseId}/handoff/received/files/snapshots/none.jpg`,
      `/api/cases/${caseId}/handoff/result/document`,
    ];
    for (const p of downloads) {
      const r = await admin.get(p);
      expect([r.status, r.body?.error?.code], p).toEqual([403, 'CASE_FILES_PARTICIPANTS_ONLY']);
    }
    // The case's own clerk gets them (or the file's own answer, for the ids that do not exist).
    expect((await clerk.get(downloads[0]!)).status).toBe(200);
    expect((await clerk.get(downloads[1]!)).status).toBe(200);
    expect((await clerk.get(downloads[3]!)).body.error.code).toBe('NOT_FOUND');
    expect((await clerk.get(downloads[5]!)).status).toBe(200);
    // Admins still read the case itself, masked.
    expect((await admin.get(`/api/cases/${caseId}`)).body.case.applicant).toMatchObject({ idNumberMasked: MASKED });
  });
});

describe('transition details', () => {
  it('accepts only the fields an action defines; deep, oversized or unknown details are 400, not 500', async () => {
    const { id } = await createCase(clerk);
    const post = (body: unknown) => clerk.post(`/api/cases/${id}/transitions`, body);
    const deep = '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000);
    const bodies: Array<[string, unknown]> = [
      ['deep', `{"action":"withdraw","details":${deep}}`],
      ['deep note', `{"action":"withdraw","note":${deep}}`],
      ['unknown field', { action: 'withdraw', details: { channel: '窗口', blob: 'x' } }],
      ['restating the machine', { action: 'withdraw', details: { channel: '窗口', from: 'completed', to: 'rated' } }],
      ['oversized', { action: 'withdraw', details: { channel: 'x'.repeat(900_000) } }],
      ['note too long', { action: 'withdraw', note: 'x'.repeat(2001) }],
      ['details on an action that takes none', { action: 'reopen', details: { why: 1 } }],
      ['unknown top-level field', { action: 'withdraw', extra: true }],
    ];
    for (const [label, body] of bodies) {
      const r =
        typeof body === 'string'
          ? await clerk.request('POST', `/api/cases/${id}/transitions`, body, { 'content-type': 'application/json' })
          : await post(body);
      expect([r.status, r.body?.error?.code], label).toEqual([400, 'VALIDATION_FAILED']);
    }
    expect(srv.ctx.ledger.forCase(id).map((e) => e.action)).toEqual(['case.created']);
    const ok = await post({ action: 'withdraw', note: `申请人来电撤回 ${FULL}`, details: { channel: '电话' } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(srv.ctx.ledger.forCase(id).at(-1)).toMatchObject({
      action: 'case.withdraw',
      details: { channel: '电话', note: `申请人来电撤回 ${MASKED}`, from: 'draft', to: 'withdrawn' },
    });
  });
});

describe('applicant names', () => {
  it('refuses CR/LF and control characters with 400 VALIDATION_FAILED on applicant.name', async () => {
    for (const name of ['张三\r\n李四', '张\n三', '张\u0000三', '张\u001b[31m三', '张\u202e三']) {
      const r = await clerk.post('/api/cases', { itemCode: 'TB-SBK-SL', applicant: { ...APPLICANT, name } });
      expect([r.status, r.body.error.code], JSON.stringify(name)).toEqual([400, 'VALIDATION_FAILED']);
      expect(r.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'applicant.name' })]));
    }
    const trimmed = await clerk.post('/api/cases', { itemCode: 'TB-SBK-SL', applicant: { ...APPLICANT, name: '  张三  ' } });
    expect(trimmed.body.case.applicant.name).toBe('张三');
  });
});

/** POST as the clerk with a Host header of the attacker's choosing (fetch does not let one set it). */
function forgedHostPost(p: string, host: string): Promise<{ status: number; body: any }> {
  const u = new URL(srv.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, path: p, method: 'POST', headers: { host, cookie: clerk.cookieHeader, 'content-length': '0' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
