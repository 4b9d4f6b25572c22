import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ID_DOCUMENTS, maskIdNumber, normalizeIdDocument, type CaseDetailResponse, type IdType } from '@tongban/shared';
import { ApiClient, type TestServer } from '../support/testServer';
import { forgeCaseBag, postSignedBag, startTwoSites } from '../support/twoSites';
import { acceptedCase } from '../support/handoffCase';
import { createCase, ITEM_HN, jpegBytes, transition, upload, uploadMissingScans, waitForPrecheck } from '../support/caseFixtures';
import { idNumber } from '../support/precheckFixtures';
import { expectReadable } from '../support/readable';

/**
 * Service-hall basics at intake: the applicant's ID document of any type, a 代办人 with their own ID
 * and the 授权委托书, the mailing address and how the result comes back — checked at creation,
 * asked for in the materials, printed on the receipt, carried in the bag and imported at the
 * handling site, and never on the public status page.
 */
const run = async (cmd: string, args: string[]) =>
  (await promisify(execFile)(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })).stdout;

const NUMBERS: Record<IdType, { good: string; bad: string }> = {
  'resident-id': { good: idNumber('44030419900101152'), bad: '440304199001011520' },
  'hk-macao-permit': { good: 'h1234 5678', bad: 'K12345678' },
  'taiwan-permit': { good: '1234567801(B)', bad: '1234567' },
  'foreign-permanent-id': { good: 'USA110075001234', bad: idNumber('93315619900101001').slice(0, 17) + 'Y' },
};
const AGENT = { name: '李秀英', idType: 'hk-macao-permit', idNumber: 'M87654321', phone: '13900139000', relation: 'child' };
const ADDRESS = {
  province: '湖南省',
  city: '长沙市',
  district: '岳麓区',
  detail: '麓山南路12号3栋201室',
  recipient: '王浩然',
  phone: '13800138000',
};

let gd: TestServer;
let hn: TestServer;
let tmp: string;
let clerk: ApiClient;
const gdLog: string[] = [];

beforeAll(async () => {
  ({ gd, hn } = await startTwoSites({
    gd: { LOG_LEVEL: 'debug' },
    server: { ocr: 'printed-text' },
    sites: { gd: { logTo: { write: (line: string) => void gdLog.push(line) } } },
  }));
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-'));
  clerk = await ApiClient.login(gd.url, 'clerk');
}, 120_000);
afterAll(async () => {
  await gd?.stop();
  await hn?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const applicant = (idType: IdType, n: string) => ({ name: '陈大文', idType, idNumber: n, phone: '13800138000' });

describe('the applicant’s ID document', () => {
  it('takes every type; lists and the audit trail show the number masked, never whole', async () => {
    const admin = await ApiClient.login(gd.url, 'admin');
    for (const [type, { good }] of Object.entries(NUMBERS) as Array<[IdType, { good: string }]>) {
      const full = normalizeIdDocument(good);
      const c = await createCase(clerk, ITEM_HN, applicant(type, good));
      expect(c.body.case.applicant).toMatchObject({ idType: type, idNumber: full, idNumberMasked: maskIdNumber(full) });
      expect(maskIdNumber(full)).not.toContain(full.slice(0, -3));
      const created = gd.ctx.ledger.forCase(c.id).find((e) => e.action === 'case.created')!;
      expect(created.details).toMatchObject({ applicant: { idType: type, idNumber: maskIdNumber(full) } });
      expect(JSON.stringify(gd.ctx.ledger.forCase(c.id))).not.toContain(full);

      const seen = (await admin.get(`/api/cases/${c.id}`)).body as CaseDetailResponse;
      expect(seen.case.applicant.idNumber).toBeUndefined();
      expect(seen.case.applicant.idNumberMasked).toBe(maskIdNumber(full));
      const listed = ((await clerk.get('/api/cases?scope=mine')).body.cases as CaseDetailResponse['case'][]).find((x) => x.id === c.id)!;
      expect([listed.applicant.idType, listed.applicant.idNumber, listed.applicant.idNumberMasked]).toEqual([
        type,
        undefined,
        maskIdNumber(full),
      ]);
    }
  });

  it('refuses a wrong number with its type’s own code at its field, the applicant’s or the agent’s', async () => {
    for (const [type, { bad }] of Object.entries(NUMBERS) as Array<[IdType, { bad: string }]>) {
      const r = await clerk.post('/api/cases', { itemCode: ITEM_HN, applicant: applicant(type, bad) });
      expect([r.status, r.body.error.code, r.body.error.details]).toEqual([
        400,
        ID_DOCUMENTS[type].errorCode,
        { path: 'applicant.idNumber' },
      ]);
      expect(r.body.error.message_zh).toMatch(/[\u4e00-\u9fff]/);
      const asAgent = await clerk.post('/api/cases', {
        itemCode: ITEM_HN,
        applicant: applicant('resident-id', NUMBERS['resident-id'].good),
        agent: { ...AGENT, idType: type, idNumber: bad },
      });
      expect([asAgent.status, asAgent.body.error.code, asAgent.body.error.details]).toEqual([
        400,
        ID_DOCUMENTS[type].errorCode,
        { path: 'agent.idNumber' },
      ]);
    }
    // A number of one type under another type is refused too.
    const mixed = await clerk.post('/api/cases', { itemCode: ITEM_HN, applicant: applicant('taiwan-permit', NUMBERS['resident-id'].good) });
    expect(mixed.body.error.code).toBe('TAIWAN_PERMIT_INVALID');
    const self = await clerk.post('/api/cases', {
      itemCode: ITEM_HN,
      applicant: applicant('hk-macao-permit', 'H12345678'),
      agent: { ...AGENT, idType: 'hk-macao-permit', idNumber: 'h12345678' },
    });
    expect([self.status, self.body.error.code]).toEqual([400, 'AGENT_IS_APPLICANT']);
  });

  it('the server log masks every type’s number, in messages and in logged records', () => {
    const numbers = ['H12345678', 'USA110075001234', normalizeIdDocument(NUMBERS['resident-id'].good)];
    gd.ctx.log.warn({ agent: { idNumber: AGENT.idNumber } }, `核对证件 ${numbers.join('、')}，台胞证 12345678`);
    const line = gdLog.at(-1)!;
    for (const n of [...numbers, AGENT.idNumber, '12345678']) expect(line).not.toContain(n);
    for (const n of numbers) expect(line).toContain(maskIdNumber(n));
    expect(line).toContain('台胞证 *****678');
  });
});

describe('how the result comes back', () => {
  it('EMS needs the mailing address; a way the item does not offer is refused', async () => {
    const base = { itemCode: ITEM_HN, applicant: applicant('resident-id', NUMBERS['resident-id'].good) };
    const noAddress = await clerk.post('/api/cases', { ...base, resultChannel: 'ems' });
    expect([noAddress.status, noAddress.body.error.code, noAddress.body.error.details]).toEqual([
      400,
      'MAILING_ADDRESS_REQUIRED',
      { path: 'mailingAddress' },
    ]);
    expect(gd.ctx.db.prepare('SELECT COUNT(*) FROM cases WHERE result_channel = ?').pluck().get('ems')).toBe(0);
    // 住房公积金转移 answers online only (短信告知、电子回执).
    const notOffered = await clerk.post('/api/cases', { ...base, itemCode: 'TB-GJJ-ZY', resultChannel: 'window' });
    expect([notOffered.status, notOffered.body.error.code]).toEqual([400, 'RESULT_CHANNEL_NOT_OFFERED']);
    expect(notOffered.body.error.details.offered).toEqual(['online']);

    const ok = await createCase(clerk, ITEM_HN, base.applicant, { resultChannel: 'ems', mailingAddress: ADDRESS });
    expect(ok.body.case).toMatchObject({ resultChannel: 'ems', mailingAddress: { ...ADDRESS, phoneMasked: '138****8000' } });
    // Lists and the audit trail keep the region, not the street or the phone.
    const listed = ((await clerk.get('/api/cases?scope=mine')).body.cases as CaseDetailResponse['case'][]).find((x) => x.id === ok.id)!;
    expect(listed.mailingAddress).toEqual({
      province: '湖南省',
      city: '长沙市',
      district: '岳麓区',
      recipient: '王浩然',
      phoneMasked: '138****8000',
    });
    const trail = JSON.stringify(gd.ctx.ledger.forCase(ok.id));
    expect(trail).toContain('"resultChannel":"ems"');
    expect(trail).not.toContain(ADDRESS.detail);
  });
});

describe('a 代办人', () => {
  it('adds the 授权委托书 and the agent’s ID as required materials; the pre-check gate waits for the letter', async () => {
    const c = await createCase(clerk, ITEM_HN, applicant('resident-id', NUMBERS['resident-id'].good), { agent: AGENT });
    const detail = (await clerk.get(`/api/cases/${c.id}`)).body as CaseDetailResponse;
    expect(detail.case.agent).toMatchObject({ name: '李秀英', idType: 'hk-macao-permit', idNumber: 'M87654321', relation: 'child' });
    const slots = detail.item.materials.filter((m) => m.code.startsWith('AGENT_'));
    expect(slots.map((m) => [m.code, m.required])).toEqual([
      ['AGENT_AUTHORIZATION', true],
      ['AGENT_ID', true],
    ]);
    // The catalogue itself stays as it was: the slots belong to the agent's case.
    expect(
      (await clerk.get(`/api/catalog/items/${ITEM_HN}`)).body.item.materials.some((m: { code: string }) => m.code.startsWith('AGENT_')),
    ).toBe(false);

    await uploadMissingScans(clerk, c.id, ['AGENT_AUTHORIZATION']);
    const waiting = await waitForPrecheck(clerk, c.id);
    expect(waiting.missingSlots.map((m) => m.code)).toEqual(['AGENT_AUTHORIZATION']);
    const refused = await transition(clerk, c.id, 'precheck');
    expect([refused.status, refused.body.error.code, refused.body.error.details.missingSlots]).toEqual([
      409,
      'PRECHECK_INCOMPLETE',
      ['AGENT_AUTHORIZATION'],
    ]);

    await uploadMissingScans(clerk, c.id);
    expect((await waitForPrecheck(clerk, c.id)).ready).toBe(true);
    expect((await transition(clerk, c.id, 'precheck')).status).toBe(200);
  });

  it('a case without an agent has no slot for the letter', async () => {
    const c = await createCase(clerk, ITEM_HN, applicant('resident-id', NUMBERS['resident-id'].good));
    const r = await upload(clerk, c.id, 'AGENT_AUTHORIZATION', jpegBytes());
    expect([r.status, r.body.error.code]).toEqual([400, 'MATERIAL_SLOT_UNKNOWN']);
  });

  it('a 港澳通行证 holder hands in the permit in the ID slots and gets through the pre-check', async () => {
    const c = await createCase(clerk, ITEM_HN, applicant('hk-macao-permit', 'H12345678'));
    const detail = (await clerk.get(`/api/cases/${c.id}`)).body as CaseDetailResponse;
    expect(detail.item.materials.find((m) => m.code === 'ID_CARD_FRONT')!.name).toBe('申请人港澳居民来往内地通行证（正面）');
    await uploadMissingScans(clerk, c.id);
    const s = await waitForPrecheck(clerk, c.id);
    expect(s.missingSlots).toEqual([]);
    expect(s.ready, JSON.stringify(s.materials.map((m) => [m.slotCode, m.findings.map((f) => f.code)]))).toBe(true);
  });
});

describe('an agent’s EMS case: receipt, status page, bag and import', () => {
  let caseId: string;
  let caseNo: string;

  beforeAll(async () => {
    ({ caseId, caseNo } = await acceptedCase(gd, { agent: AGENT, resultChannel: 'ems', mailingAddress: ADDRESS }));
  }, 180_000);

  it('the receipt says the result goes by EMS, to which address, and who applied for the applicant', async () => {
    const res = await clerk.get(`/api/cases/${caseId}/receipt.pdf`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const pdfFile = path.join(tmp, 'receipt.pdf');
    fs.writeFileSync(pdfFile, Buffer.from(res.body as ArrayBuffer));
    const text = await run('pdftotext', ['-layout', pdfFile, '-']);
    // Long values wrap onto the next line: read the sheet without its layout spaces.
    const flat = text.replace(/\s+/g, '');
    expect(flat).toContain('结果送达：EMS邮寄');
    expect(flat).toContain('收件地址：湖南省长沙市岳麓区麓山南路12号3栋201室（收件人王浩然，电话138****8000）');
    expect(flat).toContain('代办人：李秀英（子女，受申请人委托办理）');
    expect(flat).toContain('授权委托书');
    expect(text).not.toContain(AGENT.idNumber);
    expect(text).not.toContain('13800138000');
    expectReadable(text, 'the receipt');
  });

  it('the public status page shows none of it', async () => {
    const code = gd.ctx.db.prepare('SELECT query_code FROM cases WHERE id = ?').pluck().get(caseId) as string;
    const r = await new ApiClient(gd.url).get(`/api/status/${code}`);
    expect(r.status).toBe(200);
    const json = JSON.stringify(r.body);
    for (const s of [AGENT.name, AGENT.idNumber, AGENT.phone, ADDRESS.detail, ADDRESS.recipient, ADDRESS.district])
      expect(json, s).not.toContain(s);
    expect(json).not.toMatch(/"(agent|mailingAddress|resultChannel)"/);
  });

  it('travels in the bag and is imported at the handling site, with the agent’s materials', async () => {
    const r = await clerk.post(`/api/cases/${caseId}/handoff/transfer`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const here = gd.ctx.cases.get(caseId);
    const there = hn.ctx.cases.findByCaseNo(caseNo)!;
    expect(there.agent).toEqual(here.agent);
    expect(there.agent).toMatchObject({ name: AGENT.name, idNumber: AGENT.idNumber, relation: 'child' });
    expect(there.resultChannel).toBe('ems');
    expect(there.mailingAddress).toEqual(ADDRESS);
    expect(hn.ctx.materials.list(there.id).map((m) => m.slotCode)).toEqual(expect.arrayContaining(['AGENT_AUTHORIZATION', 'AGENT_ID']));

    // The handling office's reviewer sees them on the case in full; its admin sees them masked.
    const reviewer = await ApiClient.login(hn.url, 'reviewer');
    const seen = (await reviewer.get(`/api/cases/${there.id}`)).body as CaseDetailResponse;
    expect(seen.case).toMatchObject({
      resultChannel: 'ems',
      mailingAddress: ADDRESS,
      agent: { idNumber: AGENT.idNumber, phone: AGENT.phone },
    });
    expect(seen.item.materials.filter((m) => m.code.startsWith('AGENT_')).length).toBe(2);
    const admin = (await (await ApiClient.login(hn.url, 'admin')).get(`/api/cases/${there.id}`)).body as CaseDetailResponse;
    expect(admin.case.agent).toMatchObject({ idNumberMasked: 'M*****321', phoneMasked: '139****9000' });
    expect(admin.case.agent?.idNumber).toBeUndefined();
    expect(admin.case.mailingAddress?.detail).toBeUndefined();
  });

  it('a bag whose agent fails its ID check is refused at that field', async () => {
    const other = await acceptedCase(gd, { agent: AGENT });
    const file = path.join(tmp, 'forged.zip');
    const bytes = await forgeCaseBag(gd, other.caseId, file, ({ caseJson }) => {
      caseJson.case.agent.idNumber = 'M1234';
    });
    const r = await postSignedBag(hn, bytes, { key: gd.ctx.handoff.keys, site: 'gd', idempotencyKey: 'k-forged-agent' });
    expect([r.status, r.body.error.code, r.body.error.details.path]).toEqual([422, 'BAG_CASE_INVALID', 'case.agent.idNumber']);
    expect(hn.ctx.cases.findByCaseNo(other.caseNo)).toBeUndefined();
  }, 180_000);
});
