import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CORRECTION_DAYS } from '@tongban/shared/cases/correctionNotice';
import { addWorkingDays } from '@tongban/shared/cases/workdays';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import { createPrecheckedCase, decideByReview } from '../support/reviewFixtures';

/** Tools run asynchronously: the server under test lives in this process and must keep answering. */
const run = async (cmd: string, args: string[]) =>
  (await promisify(execFile)(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })).stdout;

/**
 * Issue 13, part 2: 补正材料通知书 (一次性告知). The 补正 decision issues it in its transaction
 * with every item; the window prints it (A4, the items, the date to bring them by, where, a QR of
 * the status page); a changed list withdraws it with a reason; the corrected materials answer it;
 * the bag carries every notice.
 */
let srv: TestServer;
let tmp: string;
let clerk: ApiClient;
let reviewer: ApiClient;
let caseId: string;
let caseNo: string;
let slots: Array<{ code: string; name: string }>;

const pdfText = async (body: unknown, name: string) => {
  const file = path.join(tmp, `${name}.pdf`);
  fs.writeFileSync(file, Buffer.from(body as ArrayBuffer));
  return { file, text: await run('pdftotext', ['-layout', file, '-']) };
};
const dateZh = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number);
  return `${y}年${m}月${d}日`;
};

beforeAll(async () => {
  srv = await startTestServer({}, { ocr: 'printed-text' });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'notice-'));
  clerk = await ApiClient.login(srv.url, 'clerk');
  reviewer = await ApiClient.login(srv.url, 'reviewer');
  ({ id: caseId, caseNo } = await createPrecheckedCase(clerk));
  slots = srv.ctx.catalog.getItem(srv.ctx.cases.get(caseId).itemCode).materials.slice(0, 2);
  await decideByReview(clerk, reviewer, caseId, {
    outcome: 'request_correction',
    items: [
      { slotCode: slots[0]!.code, reason: '复印件不清晰，请重新提供清晰复印件' },
      { slotCode: slots[1]!.code, reason: '缺少申请人签名，请签名后提交' },
    ],
    note: '其余材料无需重新提交',
  });
}, 120_000);
afterAll(async () => {
  await srv?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the one-time correction notice', () => {
  it('is issued by the 补正 decision itself, in its audit event, with every item and the date to bring them by', async () => {
    const event = srv.ctx.ledger.forCase(caseId).find((e) => e.action === 'case.request_correction')!;
    expect(event.details).toMatchObject({ correctionNotice: 1, queryCodeIssued: true, to: 'needs_correction' });
    const r = await clerk.get(`/api/cases/${caseId}/correction-notice`);
    expect(r.status).toBe(200);
    const [notice] = r.body.notices;
    expect(notice).toMatchObject({
      seq: 1,
      items: [
        { slotCode: slots[0]!.code, materialName: slots[0]!.name, reason: '复印件不清晰，请重新提供清晰复印件' },
        { slotCode: slots[1]!.code, materialName: slots[1]!.name, reason: '缺少申请人签名，请签名后提交' },
      ],
      note: '其余材料无需重新提交',
      issuedByName: '王审核',
    });
    expect(notice.resubmitBy).toBe(addWorkingDays(new Date(notice.issuedAt), DEFAULT_CORRECTION_DAYS, srv.ctx.calendar.current()));
  });

  it('prints as an A4 sheet with the case, every item, the deadline, where to bring them and a QR of the status page', async () => {
    const before = srv.ctx.ledger.forCase(caseId).length;
    const res = await clerk.get(`/api/cases/${caseId}/correction-notice.pdf`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(
      srv.ctx.ledger
        .forCase(caseId)
        .slice(before)
        .map((e) => e.action),
    ).toEqual(['correction.notice_printed']);
    const { file, text } = await pdfText(res.body, 'notice-1');
    expect(await run('pdfinfo', [file])).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
    const c = srv.ctx.cases.get(caseId);
    const notice = (await clerk.get(`/api/cases/${caseId}/correction-notice`)).body.notices[0];
    const intake = srv.ctx.catalog.getOffice(c.intakeOfficeId);
    for (const s of [
      '补正材料通知书',
      '一次性告知',
      caseNo,
      srv.ctx.catalog.getItem(c.itemCode).name,
      slots[0]!.name,
      '复印件不清晰，请重新提供清晰复印件',
      slots[1]!.name,
      '缺少申请人签名，请签名后提交',
      '其余材料无需重新提交',
      dateZh(notice.resubmitBy),
      intake.name,
      intake.address!,
      intake.phone!,
      srv.ctx.catalog.getOffice(c.handlingOfficeId).name,
    ])
      expect(text.replace(/\s+/g, ''), s).toContain(s.replace(/\s+/g, ''));
    // The applicant's ID number appears masked only.
    expect(text).not.toContain(c.applicant.idNumber);
    const code = srv.ctx.db.prepare('SELECT query_code FROM cases WHERE id = ?').pluck().get(caseId) as string;
    expect(text).toContain(code);
    await run('pdftoppm', ['-r', '200', '-png', '-singlefile', file, path.join(tmp, 'notice-1')]);
    const qr = (await run('zbarimg', ['-q', '--raw', path.join(tmp, 'notice-1.png')])).trim();
    expect(qr).toBe(`${srv.url}/status/${code}`);
    const status = await new ApiClient(srv.url).get(`/api/status/${code}`);
    expect([status.status, status.body.status.state]).toEqual([200, 'needs_correction']);
  });

  it('a changed list: only the handling office, only with a reason, never the same list; the first is withdrawn, both audited', async () => {
    const items = [{ slotCode: slots[0]!.code, reason: '复印件不清晰，请重新提供清晰复印件' }];
    expect((await clerk.post(`/api/cases/${caseId}/correction-notice`, { items, reason: '漏列' })).body.error.code).toBe('FORBIDDEN_ROLE');
    const noReason = await reviewer.post(`/api/cases/${caseId}/correction-notice`, { items });
    expect([noReason.status, noReason.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const same = await reviewer.post(`/api/cases/${caseId}/correction-notice`, {
      items: [
        { slotCode: slots[0]!.code, reason: '复印件不清晰，请重新提供清晰复印件' },
        { slotCode: slots[1]!.code, reason: '缺少申请人签名，请签名后提交' },
      ],
      note: '其余材料无需重新提交',
      reason: '重新出具',
    });
    expect([same.status, same.body.error.code]).toEqual([409, 'CORRECTION_NOTICE_SAME_LIST']);
    const unknown = await reviewer.post(`/api/cases/${caseId}/correction-notice`, {
      items: [{ slotCode: 'NO_SUCH_SLOT', reason: 'x' }],
      reason: '更正',
    });
    expect(unknown.body.error.code).toBe('MATERIAL_SLOT_UNKNOWN');

    const before = srv.ctx.ledger.forCase(caseId).length;
    const changed = await reviewer.post(`/api/cases/${caseId}/correction-notice`, {
      items: [...items, { slotCode: slots[1]!.code, reason: '缺少申请人签名及日期，请签名并写明日期' }],
      reason: '第 2 项漏写了日期要求',
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(201);
    expect(changed.body.seq).toBe(2);
    expect(
      srv.ctx.ledger
        .forCase(caseId)
        .slice(before)
        .map((e) => [e.action, e.details['seq']]),
    ).toEqual([
      ['correction.notice_withdrawn', 1],
      ['correction.notice_issued', 2],
    ]);
    const notices = (await clerk.get(`/api/cases/${caseId}/correction-notice`)).body.notices;
    expect(notices.map((n: { seq: number; withdrawn?: { reason: string; byName: string } }) => [n.seq, n.withdrawn?.reason])).toEqual([
      [2, undefined],
      [1, '第 2 项漏写了日期要求'],
    ]);
    const { text } = await pdfText((await clerk.get(`/api/cases/${caseId}/correction-notice.pdf`)).body, 'notice-2');
    expect(text).toContain('第 2 号');
    expect(text).toContain('缺少申请人签名及日期，请签名并写明日期');
  });

  it('the corrected materials answer it: no notice in force, the record kept, and every notice goes in the bag', async () => {
    const r = await clerk.post(`/api/cases/${caseId}/transitions`, { action: 'resubmit' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(srv.ctx.ledger.forCase(caseId).find((e) => e.action === 'case.resubmit')!.details).toMatchObject({
      correctionNoticeAnswered: 2,
    });
    const gone = await clerk.get(`/api/cases/${caseId}/correction-notice.pdf`);
    expect([gone.status, gone.body.error.code]).toEqual([404, 'CORRECTION_NOTICE_NONE']);
    expect((await clerk.get(`/api/cases/${caseId}/correction-notice`)).body.notices).toHaveLength(2);

    const files = await srv.ctx.handoff.evidence.collect(caseId);
    const names = files.map((f) => f.path).filter((p) => p.startsWith('corrections/'));
    expect(names).toEqual(['corrections/notices.json', 'corrections/notice-1.pdf', 'corrections/notice-2.pdf']);
    const kept = files.find((f) => f.path === 'corrections/notices.json')!;
    const json = JSON.parse(('content' in kept ? kept.content : Buffer.alloc(0)).toString('utf8'));
    expect(json.map((n: { seq: number; withdrawn?: unknown }) => [n.seq, n.withdrawn !== undefined])).toEqual([
      [1, true],
      [2, false],
    ]);
  });

  it('another office’s clerk cannot read it', async () => {
    const stranger = await ApiClient.login(srv.url, 'clerk2');
    expect((await stranger.get(`/api/cases/${caseId}/correction-notice`)).body.error.code).toBe('FORBIDDEN_OFFICE');
  });
});
