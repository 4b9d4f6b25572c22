import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetailResponse } from '@tongban/shared';
import { renderDemoScan } from '@tongban/server/cases/demo/demoScans';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import { APPLICANT, cardHolder, precheckCase, upload } from '../support/caseFixtures';
import { createPrecheckedCase, decideByReview } from '../support/reviewFixtures';
import { registerPrintedScan } from '../support/printedTextRecogniser';
import { readZip } from '../support/handoffZip';

/**
 * Issue 13, item 3: 补正后重新提交. In 待补正 only the listed materials take a new scan; the
 * replacement is pre-checked, the second co-review is told to look at the listed ones, 受理 follows;
 * the bag holds the notice and both the replaced and the new scans with the history. A case whose
 * deadline passes without the corrections is closed as 补正逾期 by the server, as the system.
 */
const DAY = 86_400_000;
const clock = { offset: 0, now: () => new Date(Date.now() + clock.offset) };
let srv: TestServer;
let clerk: ApiClient;
let reviewer: ApiClient;
let tmp: string;

beforeAll(async () => {
  srv = await startTestServer({}, { ocr: 'printed-text', clock });
  clerk = await ApiClient.login(srv.url, 'clerk');
  reviewer = await ApiClient.login(srv.url, 'reviewer');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'resubmit-'));
});
afterAll(async () => {
  await srv?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const detail = async (caseId: string) => (await clerk.get(`/api/cases/${caseId}`)).body as CaseDetailResponse;

/** A second, different scan of the same page (another JPEG quality): what the applicant brings back. */
async function rescan(caseId: string, slotCode: string) {
  const d = await detail(caseId);
  const slot = d.item.materials.find((m) => m.code === slotCode)!;
  const scan = await renderDemoScan(slot, { item: d.item, applicant: cardHolder(APPLICANT), today: new Date().toISOString().slice(0, 10) });
  const bytes = await sharp(scan.bytes).jpeg({ quality: 83 }).toBuffer();
  registerPrintedScan({ ...scan, bytes, fileName: 'rescan.jpg' });
  return { bytes, fileName: 'rescan.jpg' };
}

describe('补正 round trip', () => {
  it('replaces only the listed scan, pre-checks it, reviews it again and accepts; the bag keeps both scans', async () => {
    const { id, caseNo } = await createPrecheckedCase(clerk);
    const before = await detail(id);
    const [listed, other] = before.item.materials;
    await decideByReview(clerk, reviewer, id, {
      outcome: 'request_correction',
      items: [{ slotCode: listed!.code, reason: '复印件不清晰，请重新提供' }],
    });

    const wrong = await rescan(id, other!.code);
    const refused = await upload(clerk, id, other!.code, wrong.bytes, wrong.fileName);
    expect([refused.status, refused.body.error.code]).toEqual([409, 'CORRECTION_SLOT_NOT_LISTED']);
    expect(refused.body.error.message_zh).toContain(listed!.name);

    const old = before.materials.find((m) => m.slotCode === listed!.code)!;
    const fresh = await rescan(id, listed!.code);
    const form = new FormData();
    form.append('file', new Blob([fresh.bytes], { type: 'image/jpeg' }), fresh.fileName);
    const replaced = await clerk.request('POST', `/api/cases/${id}/materials/${listed!.code}?replaces=${old.id}`, form);
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(201);

    expect((await clerk.post(`/api/cases/${id}/transitions`, { action: 'resubmit' })).status).toBe(200);
    await precheckCase(clerk, id); // the replacement is read by the pre-check like any scan
    const second = await decideByReview(clerk, reviewer, id, { outcome: 'accept' });
    expect(second.decision?.outcome).toBe('accept');
    const request = srv.ctx.ledger.forCase(id).filter((e) => e.action === 'case.request_review');
    expect(request.map((e) => e.details.correctionRound)).toEqual([undefined, [listed!.code]]);

    const after = await detail(id);
    expect(after.case.state).toBe('accepted');
    expect(after.replacedMaterials.map((m) => m.id)).toEqual([old.id]);
    const current = after.materials.find((m) => m.slotCode === listed!.code)!;

    const handoff = await clerk.post(`/api/cases/${id}/handoff/courier`, { courierCompany: '顺丰速运', waybillNo: 'SF2026120299' });
    expect(handoff.status, JSON.stringify(handoff.body)).toBe(200);
    const zip = path.join(tmp, 'bag.zip');
    fs.writeFileSync(zip, Buffer.from((await clerk.get(`/api/cases/${id}/handoff/bag.zip`)).body as ArrayBuffer));
    const entries = await readZip(zip);
    const base = `${caseNo}/data/corrections`;
    expect(entries.has(`${base}/notice-1.pdf`)).toBe(true);
    const history = JSON.parse(entries.get(`${base}/replaced.json`)!.toString('utf8'));
    expect(history).toEqual([expect.objectContaining({ slotCode: listed!.code, sha256: old.sha256, replacedBy: current.id })]);
    const oldBytes = fs.readFileSync(srv.ctx.blobs.localPath(old.sha256)!);
    expect(entries.get(`${caseNo}/data/${history[0].file.replace(/^/, 'corrections/')}`)).toEqual(oldBytes);
    const materialsDir = [...entries.keys()].filter((k) => k.startsWith(`${caseNo}/data/materials/`));
    expect(materialsDir.some((k) => entries.get(k)!.equals(fresh.bytes))).toBe(true);
  });

  it('closes a case past its correction deadline as 补正逾期, and not one before it', async () => {
    const { id: late } = await createPrecheckedCase(clerk);
    const { id: early } = await createPrecheckedCase(clerk);
    for (const id of [late, early]) {
      const slot = (await detail(id)).item.materials[0]!.code;
      await decideByReview(clerk, reviewer, id, { outcome: 'request_correction', items: [{ slotCode: slot, reason: '缺签名' }] });
    }
    // The other one's applicant was given longer (as if the catalogue set more days): out of reach.
    srv.ctx.db.prepare("UPDATE correction_notices SET resubmit_by = '2099-12-31' WHERE case_id = ?").run(early);
    expect(srv.ctx.corrections.expireOverdue()).toEqual([]);
    clock.offset = 30 * DAY;
    expect(srv.ctx.corrections.expireOverdue()).toEqual([late]);
    const clerkNow = await ApiClient.login(srv.url, 'clerk');
    expect((await clerkNow.get(`/api/cases/${late}`)).body.case.state).toBe('correction_expired');
    expect((await clerkNow.get(`/api/cases/${early}`)).body.case.state).toBe('needs_correction');
    const event = srv.ctx.ledger.forCase(late).find((e) => e.action === 'case.expire_correction')!;
    expect(event.actor_role).toBe('system');
    expect(event.details).toMatchObject({ to: 'correction_expired', correctionNotice: 1 });
    // Nothing more can be done to it but reading.
    const slot = ((await clerkNow.get(`/api/cases/${late}`)).body as CaseDetailResponse).item.materials[0]!.code;
    const upload2 = await upload(clerkNow, late, slot, Buffer.from('x'), 'x.jpg');
    expect([upload2.status, upload2.body.error?.code]).toEqual([409, 'CASE_MATERIALS_LOCKED']);
  });
});
