import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetailResponse } from '@tongban/shared';
import { renderDemoScan } from '@tongban/server/cases/demo/demoScans';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import { APPLICANT, cardHolder, createCase, upload, uploadMissingScans, waitForPrecheck } from '../support/caseFixtures';
import { registerPrintedScan } from '../support/printedTextRecogniser';

/**
 * A wrong scan is replaced, not added to: the replacement is pre-checked and becomes the slot's
 * scan, the replaced one stays in the case's history and audit trail but no longer counts, and
 * the replacement must really be a different file.
 */
let srv: TestServer;
let clerk: ApiClient;

beforeAll(async () => {
  srv = await startTestServer({}, { ocr: 'printed-text' });
  clerk = await ApiClient.login(srv.url, 'clerk');
});
afterAll(async () => {
  await srv.stop();
});

const detail = async (caseId: string) => (await clerk.get(`/api/cases/${caseId}`)).body as CaseDetailResponse;
const SLOT = 'ID_CARD_FRONT';

/** A white sheet scanned by mistake (the back of the form): the pre-check blocks it as blank. */
async function blankScan() {
  const bytes = await sharp({ create: { width: 1012, height: 638, channels: 3, background: '#ffffff' } })
    .png()
    .toBuffer();
  registerPrintedScan({ fileName: 'blank.png', bytes, printed: [] });
  return bytes;
}

async function cardScan(caseId: string) {
  const d = await detail(caseId);
  const slot = d.item.materials.find((m) => m.code === SLOT)!;
  const scan = await renderDemoScan(slot, { item: d.item, applicant: cardHolder(APPLICANT), today: new Date().toISOString().slice(0, 10) });
  registerPrintedScan(scan);
  return scan;
}

describe('replacing a scan', () => {
  it('the replacement is pre-checked and counts; the blank page stays on record only', async () => {
    const { id } = await createCase(clerk);
    const blank = await blankScan();
    const first = await upload(clerk, id, SLOT, blank, 'blank.png');
    expect(first.status).toBe(201);
    const bad = first.body.material.id as string;
    await uploadMissingScans(clerk, id);
    const before = await waitForPrecheck(clerk, id);
    expect(before.ready).toBe(false);
    expect(before.materials.find((m) => m.materialId === bad)!.findings.map((f) => f.code)).toContain('BLANK_PAGE');

    const card = await cardScan(id);
    const r = await clerk.request('POST', `/api/cases/${id}/materials/${SLOT}?replaces=${bad}`, formWith(card.bytes, card.fileName));
    expect(r.status).toBe(201);
    const replacement = r.body.material.id as string;

    const after = await waitForPrecheck(clerk, id);
    expect(after.ready).toBe(true);
    expect(after.materials.map((m) => m.materialId)).not.toContain(bad);
    expect(after.materials.map((m) => m.materialId)).toContain(replacement);

    const d = await detail(id);
    expect(d.materials.filter((m) => m.slotCode === SLOT).map((m) => m.id)).toEqual([replacement]);
    expect(d.replacedMaterials).toMatchObject([{ id: bad, slotCode: SLOT, fileName: 'blank.png', replacedBy: replacement }]);
    const replaced = srv.ctx.ledger.forCase(id).filter((e) => e.action === 'material.replaced');
    expect(replaced).toHaveLength(1);
    expect(replaced[0]!.details).toMatchObject({ materialId: bad, replacedBy: replacement, slotCode: SLOT, fileName: 'blank.png' });
    // The old bytes are still there for the record (the clerk opens them from the history).
    expect((await clerk.get(`/api/cases/${id}/materials/${bad}/content`)).status).toBe(200);
  });

  it('refuses the same bytes, a scan already replaced, another slot, and bringing a replaced scan back; nothing changes', async () => {
    const { id } = await createCase(clerk);
    const blank = await blankScan();
    const bad = (await upload(clerk, id, SLOT, blank, 'blank.png')).body.material.id as string;
    const codeOf = async (path: string, bytes: Buffer) => (await clerk.request('POST', path, formWith(bytes, 'x.png'))).body.error?.code;

    expect(await codeOf(`/api/cases/${id}/materials/${SLOT}?replaces=${bad}`, blank)).toBe('MATERIAL_REPLACE_UNCHANGED');
    const card = await cardScan(id);
    expect(await codeOf(`/api/cases/${id}/materials/ID_CARD_BACK?replaces=${bad}`, card.bytes)).toBe('MATERIAL_REPLACE_OTHER_SLOT');
    expect(await codeOf(`/api/cases/${id}/materials/${SLOT}?replaces=no-such-scan`, card.bytes)).toBe('MATERIAL_NOT_FOUND');
    const events = srv.ctx.ledger.forCase(id).length;
    expect((await detail(id)).materials.map((m) => m.id)).toEqual([bad]);

    const ok = await clerk.request('POST', `/api/cases/${id}/materials/${SLOT}?replaces=${bad}`, formWith(card.bytes, 'card.png'));
    expect(ok.status).toBe(201);
    const current = ok.body.material.id as string;
    expect(srv.ctx.ledger.forCase(id).length).toBe(events + 2); // uploaded + replaced
    // The card again over itself changes nothing.
    expect(await codeOf(`/api/cases/${id}/materials/${SLOT}?replaces=${current}`, card.bytes)).toBe('MATERIAL_REPLACE_UNCHANGED');
    const other = await sharp({ create: { width: 900, height: 600, channels: 3, background: '#fefefe' } })
      .png()
      .toBuffer();
    expect(await codeOf(`/api/cases/${id}/materials/${SLOT}?replaces=${bad}`, other)).toBe('MATERIAL_ALREADY_REPLACED');
    // Uploading the replaced blank page again does not quietly bring it back as a duplicate.
    expect(await codeOf(`/api/cases/${id}/materials/${SLOT}`, blank)).toBe('MATERIAL_REPLACE_UNCHANGED');
    expect((await detail(id)).replacedMaterials.map((m) => m.id)).toEqual([bad]);
    // A scan kept on record cannot be deleted from the history.
    expect((await clerk.request('DELETE', `/api/cases/${id}/materials/${bad}`)).body.error?.code).toBe('MATERIAL_ALREADY_REPLACED');
  });
});

function formWith(bytes: Buffer, fileName: string): FormData {
  const fd = new FormData();
  fd.append('file', new Blob([new Uint8Array(bytes)]), fileName);
  return fd;
}
