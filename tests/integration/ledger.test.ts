import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import type { DecisionRequest } from '@tongban/shared/review/session';
import { APPLICANT, createCase, ITEM_HN, ITEM_SC, precheckCase } from '../support/caseFixtures';
import { decideByReview } from '../support/reviewFixtures';
import { expectReadable } from '../support/readable';
import { chinaDate, chinaDateTime } from '@tongban/shared/cases/chinaTime';

let srv: TestServer;
let clerk: ApiClient;
let clerk2: ApiClient;
let reviewer: ApiClient;
let supervisor: ApiClient;
let admin: ApiClient;
const ids: Record<string, string> = {};

/** Moves a case's intake time back so the decision took `hours` (the real clock runs in ms here). */
function decidedAfter(caseId: string, hours: number) {
  const decided = srv.ctx.db.prepare('SELECT decided_at FROM cases WHERE id = ?').pluck().get(caseId) as string;
  srv.ctx.db
    .prepare('UPDATE cases SET created_at = ? WHERE id = ?')
    .run(new Date(Date.parse(decided) - hours * 3600_000).toISOString(), caseId);
}

beforeAll(async () => {
  // Decided cases go through the pre-check first; it reads the generated scans by their printed text (not about OCR).
  srv = await startTestServer({}, { ocr: 'printed-text' });
  clerk = await ApiClient.login(srv.url, 'clerk');
  clerk2 = await ApiClient.login(srv.url, 'clerk2');
  reviewer = await ApiClient.login(srv.url, 'reviewer');
  supervisor = await ApiClient.login(srv.url, 'supervisor');
  admin = await ApiClient.login(srv.url, 'admin');
  // Three decided cases at the Shaoguan window (2 h, 4 h, 30 h to decision), one still open and overdue,
  // one with a name that needs CSV quoting, and one at the Shenzhen window handled in Chengdu.
  const decisions: Array<[string, number, DecisionRequest]> = [
    ['a', 2, { outcome: 'accept' }],
    ['b', 4, { outcome: 'request_correction', items: [{ slotCode: 'ID_CARD_BACK', reason: '身份证背面模糊，请重新扫描' }] }],
    ['c', 30, { outcome: 'reject', reason: '不属于本事项受理范围' }],
  ];
  for (const [key, hours, decision] of decisions) {
    const id = (await createCase(clerk)).id;
    ids[key] = id;
    await precheckCase(clerk, id);
    await decideByReview(clerk, reviewer, id, decision);
    decidedAfter(id, hours);
  }
  ids.overdue = (await createCase(clerk, ITEM_SC)).id;
  srv.ctx.db.prepare("UPDATE cases SET deadline = '2020-01-03' WHERE id = ?").run(ids.overdue);
  ids.quoted = (await createCase(clerk, ITEM_HN, { ...APPLICANT, name: '=王"大,锤' })).id;
  ids.elsewhere = (await createCase(clerk2, ITEM_SC)).id;
});
afterAll(async () => {
  await srv.stop();
});

describe('work ledger (工作台账)', () => {
  it('counts the supervisor’s office cases by item, office and state, with overdue cases and the median time to decision', async () => {
    const r = await supervisor.get('/api/ledger');
    expect(r.status).toBe(200);
    const s = r.body;
    expect(s.scopeOfficeIds).toEqual(['gd-sg-window']);
    expect(s.total).toBe(5);
    expect(s.byItem).toEqual([
      { itemCode: ITEM_HN, itemName: '社会保障卡申领', count: 4 },
      { itemCode: ITEM_SC, itemName: '异地就医登记备案', count: 1 },
    ]);
    expect(s.byOffice).toEqual([{ officeId: 'gd-sg-window', officeName: expect.stringContaining('韶关'), intake: 5, handling: 0 }]);
    const byState = Object.fromEntries(s.byState.map((x: any) => [x.state, x.count]));
    expect(byState).toMatchObject({ accepted: 1, needs_correction: 1, rejected: 1, draft: 2, in_review: 0 });
    expect(s.overdue).toEqual([expect.objectContaining({ id: ids.overdue, deadline: '2020-01-03', state: 'draft' })]);
    expect(s.overdue[0].workingDaysOverdue).toBeGreaterThan(1000);
    expect(s.decisions).toEqual({ count: 3, medianHoursToDecision: 4 });
  });

  it('gives admins every office', async () => {
    const s = (await admin.get('/api/ledger')).body;
    expect(s.total).toBe(6);
    expect(s.byOffice.find((o: any) => o.officeId === 'sc-cd-office')).toMatchObject({ intake: 0, handling: 2 });
    expect(s.byOffice.find((o: any) => o.officeId === 'gd-sz-window')).toMatchObject({ intake: 1, handling: 0 });
  });

  it('exports CSV with a BOM, proper quoting, formula guarding and masked ID numbers', async () => {
    const r = await supervisor.get('/api/ledger.csv');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="work-ledger-\d{4}-\d{2}-\d{2}\.csv"; filename\*=UTF-8''/);
    const bytes = Buffer.from(r.body as ArrayBuffer);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    const lines = text.split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toMatch(/^办件编号 Case no\.,事项编码 Item code,事项名称 Item,/);
    expect(lines).toHaveLength(1 + 5 + 1);
    const quoted = lines.find((l) => l.includes('大'))!;
    expect(quoted).toContain(`,"'=王""大,锤",1101**********002X,`);
    expect(text).not.toContain(APPLICANT.idNumber);
    expect(lines.find((l) => l.includes('2020-01-03'))).toMatch(/,是,$/);
  });

  it('shows China time and office names in the CSV, and dates its file name by the China day', async () => {
    const r = await supervisor.get('/api/ledger.csv');
    expect(r.headers.get('content-disposition')).toContain(`filename="work-ledger-${chinaDate(new Date())}.csv"`);
    const text = Buffer.from(r.body as ArrayBuffer).toString('utf8');
    expectReadable(text, 'the work-ledger CSV');
    const [header, ...rows] = text.split('\r\n');
    expect(header).toContain('收件时间（北京时间）');
    expect(header).toContain('受理决定时间（北京时间）');
    const created = srv.ctx.cases.get(ids.a!).createdAt;
    expect(rows.find((l) => l.includes(srv.ctx.cases.get(ids.a!).caseNo))).toContain(`,${chinaDateTime(created)},`);
    expect(rows[0]).toContain('韶关市政务服务中心跨省通办专窗');
  });

  it('lets another module add a section and a CSV column (the ratings hook)', async () => {
    srv.ctx.workLedger.addSection('ratings', (rows) => ({ rated: 0, cases: rows.length }));
    srv.ctx.workLedger.addCsvColumn({ header: '评价 Rating', value: () => null });
    const sections = (await supervisor.get('/api/ledger')).body.sections;
    // 环节时限 registers its 超时环节 section at start; the new one comes after it.
    expect(Object.keys(sections)).toEqual(['steps', 'ratings']);
    expect(sections.ratings).toEqual({ rated: 0, cases: 5 });
    const csv = Buffer.from((await supervisor.get('/api/ledger.csv')).body as ArrayBuffer).toString('utf8');
    expect(csv.split('\r\n')[0]).toMatch(/,评价 Rating$/);
  });

  it('reads the audit events of many cases at once exactly as case by case (the steps section uses it)', () => {
    const caseIds = [...Object.values(ids), 'no-such-case'];
    const many = srv.ctx.ledger.forCases(caseIds);
    expect([...many.keys()]).toEqual(caseIds);
    for (const id of caseIds) expect(many.get(id)).toEqual(srv.ctx.ledger.forCase(id));
    expect(many.get('no-such-case')).toEqual([]);
    expect(many.get(ids.a!)!.length).toBeGreaterThan(3);
  });

  it('is for supervisors and admins only', async () => {
    expect((await clerk.get('/api/ledger')).body.error.code).toBe('FORBIDDEN_ROLE');
    expect((await reviewer.get('/api/ledger.csv')).status).toBe(403);
  });
});
