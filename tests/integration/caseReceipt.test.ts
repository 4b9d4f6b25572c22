import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUERY_CODE_ALPHABET, QUERY_CODE_LENGTH } from '@tongban/shared/cases/queryCode';
import { STATUS_MAX_WRONG } from '@tongban/server/receipt/ReceiptService';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import { acceptedCase } from '../support/handoffCase';
import { createCase } from '../support/caseFixtures';
import { expectReadable } from '../support/readable';

/** Tools run asynchronously: the server under test lives in this process and must keep answering. */
const run = async (cmd: string, args: string[]) =>
  (await promisify(execFile)(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })).stdout;

/** 收件回执 printed once the case is accepted, and the public status page its query code opens. */
let srv: TestServer;
let tmp: string;
let caseId: string;
let caseNo: string;
let clerk: ApiClient;
let code: string;
const APPLICANT_NAME = '王浩然';

beforeAll(async () => {
  srv = await startTestServer({}, { ocr: 'printed-text' });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'receipt-'));
  ({ caseId, caseNo, clerk } = await acceptedCase(srv));
  code = srv.ctx.db.prepare('SELECT query_code FROM cases WHERE id = ?').pluck().get(caseId) as string;
}, 120_000);
afterAll(async () => {
  await srv?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the query code', () => {
  it('is issued with 受理, and its audit event says so without the code', () => {
    expect(code).toMatch(new RegExp(`^[${QUERY_CODE_ALPHABET}]{${QUERY_CODE_LENGTH}}$`));
    const accept = srv.ctx.ledger.forCase(caseId).find((e) => e.action === 'case.accept')!;
    expect(accept.details).toMatchObject({ queryCodeIssued: true, to: 'accepted' });
    expect(JSON.stringify(srv.ctx.ledger.forCase(caseId))).not.toContain(code);
  });
});

describe('the receipt', () => {
  it('is refused before 受理, and to a clerk of another office', async () => {
    const draft = await createCase(clerk);
    const early = await clerk.get(`/api/cases/${draft.id}/receipt.pdf`);
    expect([early.status, early.body.error.code]).toEqual([409, 'RECEIPT_NOT_READY']);
    const stranger = await ApiClient.login(srv.url, 'clerk2');
    const other = await stranger.get(`/api/cases/${caseId}/receipt.pdf`);
    expect([other.status, other.body.error.code]).toEqual([403, 'FORBIDDEN_OFFICE']);
    const reviewer = await ApiClient.login(srv.url, 'reviewer');
    expect((await reviewer.get(`/api/cases/${caseId}/receipt.pdf`)).body.error.code).toBe('FORBIDDEN_ROLE');
  });

  it('prints an A4 receipt with the case, the materials, the promised date and the query code; its QR opens the status page', async () => {
    const before = srv.ctx.ledger.forCase(caseId).length;
    const res = await clerk.get(`/api/cases/${caseId}/receipt.pdf`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const events = srv.ctx.ledger.forCase(caseId);
    expect(events.length).toBe(before + 1);
    expect(events.at(-1)!.action).toBe('receipt.printed');

    const pdfFile = path.join(tmp, 'receipt.pdf');
    fs.writeFileSync(pdfFile, Buffer.from(res.body as ArrayBuffer));
    expect(await run('pdfinfo', [pdfFile])).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
    const text = await run('pdftotext', ['-layout', pdfFile, '-']);
    const c = srv.ctx.cases.get(caseId);
    const item = srv.ctx.catalog.getItem(c.itemCode);
    const received = new Set((await clerk.get(`/api/cases/${caseId}`)).body.materials.map((m: { slotCode: string }) => m.slotCode));
    expect(received.size).toBeGreaterThan(0);
    expect(text).toContain(caseNo);
    expect(text).toContain(item.name);
    // Where the window is and how to call it, as the site registered its office.
    const intake = srv.ctx.catalog.getOffice(c.intakeOfficeId);
    for (const s of [intake.address!, intake.phone!]) expect(text.replace(/\s+/g, ''), s).toContain(s.replace(/\s+/g, ''));
    for (const m of item.materials.filter((s) => received.has(s.code))) expect(text).toContain(m.name);
    expect(text).toMatch(new RegExp(`承诺办结：\\s*${c.deadline} 前`));
    expect(c.deadline).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(text).toContain(code);
    expect(text).toContain(srv.ctx.catalog.getOffice(c.handlingOfficeId).name);
    expect(text).toContain(srv.ctx.catalog.getOffice(c.intakeOfficeId).name);
    expect(text).not.toContain(c.applicant.idNumber);
    expectReadable(text, 'the receipt');

    await run('pdftoppm', ['-r', '200', '-png', '-singlefile', pdfFile, path.join(tmp, 'receipt')]);
    const qr = (await run('zbarimg', ['-q', '--raw', path.join(tmp, 'receipt.png')])).trim();
    expect(qr).toBe(`${srv.url}/status/${code}`);
  });
});

describe('the public status page', () => {
  const personal = () => {
    const c = srv.ctx.cases.get(caseId);
    return [c.applicant.name, c.applicant.idNumber, c.applicant.idNumber.slice(0, 6), c.applicant.phone, c.id, caseNo];
  };

  it('shows the state, item, dates and handling office to anyone with the code, and nothing personal', async () => {
    const anon = new ApiClient(srv.url);
    const r = await anon.get(`/api/status/${code.toLowerCase().replace(/(.{5})/, '$1-')}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const c = srv.ctx.cases.get(caseId);
    expect(r.body.status).toMatchObject({
      state: 'accepted',
      stateLabel: { zh: '已受理' },
      itemName: srv.ctx.catalog.getItem(c.itemCode).name,
      handlingOffice: srv.ctx.catalog.getOffice(c.handlingOfficeId).name,
      receivedAt: c.createdAt,
      decidedAt: c.decidedAt,
      promisedDate: c.deadline,
    });
    expect(r.body.status.steps.map((s: { status: string }) => s.status)).toEqual(['done', 'current', 'todo', 'todo', 'todo']);
    const json = JSON.stringify(r.body);
    for (const p of personal()) expect(json).not.toContain(p);
    expect(json).not.toContain(APPLICANT_NAME);
    expect(json).not.toMatch(/\d{6,}/); // no run of an ID or phone number's digits
    // No internal ids: no key naming one, no office or case id among the values.
    expect(json).not.toMatch(/"(id|\w+Id)":/);
    for (const o of srv.ctx.catalog.listOffices()) expect(json).not.toContain(o.id);
  });

  it('serves the page itself without login and without personal data', async () => {
    const r = await fetch(`${srv.url}/status/${code}`);
    const html = await r.text();
    // The single page of the built client (a 404 without it): the data comes from the API above.
    for (const p of personal()) expect(html).not.toContain(p);
    expect(html).not.toMatch(/\d{17}[\dX]/); // no ID number
  });

  it('answers 404 for a wrong code, and 429 after repeated wrong codes', async () => {
    const anon = new ApiClient(srv.url);
    const wrong = await anon.get('/api/status/ZZZZZZZZZZ');
    expect([wrong.status, wrong.body.error.code]).toEqual([404, 'STATUS_CODE_NOT_FOUND']);
    for (let i = 1; i < STATUS_MAX_WRONG; i++) expect((await anon.get(`/api/status/WRONG${i}`)).status).toBe(404);
    const limited = await anon.get('/api/status/ZZZZZZZZZZ');
    expect([limited.status, limited.body.error.code]).toEqual([429, 'STATUS_RATE_LIMITED']);
    expect(limited.body.error.message_zh).toContain('请等待');
    expect(limited.body.error.details.retryAfterSeconds).toBeGreaterThan(0);
    // Even the right code waits: a known code must not let an address go on guessing.
    expect((await anon.get(`/api/status/${code}`)).status).toBe(429);
  });
});
