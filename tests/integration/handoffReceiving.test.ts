import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHandoffQr } from '@tongban/shared/handoff/schemas';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import { startTwoSites } from '../support/twoSites';
import { acceptedCase } from '../support/handoffCase';

/**
 * 收件签收 at the handling office: the receiving desk's look-up by cover sheet QR or case number,
 * 签收 of the paper envelope with its waybill checked, 开始办理, and — for an online transfer whose
 * item has originals marked 原件需邮寄 — the originals mailed at the window and signed for at the
 * handling site, reported back to the window with the result.
 */

type Res = { status: number; body: any };
const lookup = (c: ApiClient, code: string) => c.get(`/api/handoff/receiving?code=${encodeURIComponent(code)}`);
const sign = (c: ApiClient, caseId: string, body: unknown) => c.post(`/api/cases/${caseId}/handoff/envelope/received`, body);
const start = (c: ApiClient, caseId: string) => c.post(`/api/cases/${caseId}/handoff/start`);
const refused = (r: Res, status: number, code: string) =>
  expect([r.status, r.body?.error?.code], JSON.stringify(r.body)).toEqual([status, code]);

describe('one site: a courier handoff received, signed for and started at the handling office', () => {
  let srv: TestServer;
  let caseId: string;
  let caseNo: string;
  let qr: string;
  const as = {} as Record<'anon' | 'clerk' | 'reviewer' | 'reviewer2' | 'admin', ApiClient>;

  beforeAll(async () => {
    srv = await startTestServer({ OCR_WORKERS: 1 });
    let clerk: ApiClient;
    ({ caseId, caseNo, clerk } = await acceptedCase(srv));
    as.anon = new ApiClient(srv.url);
    as.clerk = clerk;
    for (const u of ['reviewer', 'reviewer2', 'admin'] as const) as[u] = await ApiClient.login(srv.url, u);
  });
  afterAll(async () => {
    await srv?.stop();
  });

  it('refuses a case that has not been handed off yet', async () => {
    const r = await lookup(as.reviewer, caseNo);
    refused(r, 409, 'RECEIVING_NOT_HANDED_OFF');
    expect(r.body.error.message_zh).toContain('已受理');
  });

  it('finds the case by the cover sheet QR once the window has mailed it, with its bag and envelope', async () => {
    const sent = await as.clerk.post(`/api/cases/${caseId}/handoff/courier`, { courierCompany: '顺丰速运', waybillNo: 'SF1234567890' });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.envelope).toMatchObject({ status: 'mailed', courierCompany: '顺丰速运', waybillNo: 'SF1234567890', receivedAt: null });
    qr = formatHandoffQr(caseNo, sent.body.handoff.tagmanifestSha256);

    const r = await lookup(as.reviewer, qr);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      case: {
        id: caseId,
        caseNo,
        state: 'handed_off',
        itemName: '企业职工基本养老保险关系转移接续',
        applicantName: '王浩然',
        intakeOfficeName: '韶关市政务服务中心跨省通办专窗',
        handlingOfficeName: '长沙市政务服务中心业务属地审批窗口',
      },
      mode: 'courier',
      coverSheetChecked: true,
      envelope: { status: 'mailed', courierCompany: '顺丰速运', waybillNo: 'SF1234567890' },
    });
    expect(r.body.case.applicantIdMasked).toMatch(/^4402\*+/);
    const materials = new Map((r.body.materials as any[]).map((m) => [m.code, m]));
    expect(materials.get('CONTRIBUTION_CERT')).toMatchObject({ original: true, scans: 1 });
    expect(materials.get('ID_CARD_FRONT')).toMatchObject({ original: false, scans: 1 });

    // Typed by hand, in any letter case: the same case, with no cover sheet to compare.
    const typed = await lookup(as.reviewer, `  ${caseNo.toLowerCase()} `);
    expect([typed.status, typed.body.case?.id, typed.body.coverSheetChecked]).toEqual([200, caseId, false]);
  });

  it('answers bad input, unknown cases and a cover sheet of another bag with their own codes', async () => {
    refused(await as.reviewer.get('/api/handoff/receiving'), 400, 'VALIDATION_FAILED');
    refused(await lookup(as.reviewer, 'https://example.com/not-a-cover-sheet'), 400, 'RECEIVING_CODE_INVALID');
    const unknown = await lookup(as.reviewer, 'GD-SG-20990101-0001');
    refused(unknown, 404, 'RECEIVING_CASE_UNKNOWN');
    expect(unknown.body.error.message_zh).toContain('GD-SG-20990101-0001');
    const otherBag = qr.replace(/.$/, (ch) => (ch === '0' ? '1' : '0'));
    refused(await lookup(as.reviewer, otherBag), 409, 'RECEIVING_COVER_SHEET_MISMATCH');
  });

  it('lets only the handling office look up and sign for it', async () => {
    refused(await lookup(as.anon, qr), 401, 'AUTH_REQUIRED');
    refused(await lookup(as.clerk, qr), 403, 'FORBIDDEN_ROLE');
    refused(await lookup(as.admin, qr), 403, 'FORBIDDEN_ROLE');
    const stranger = await lookup(as.reviewer2, qr);
    refused(stranger, 403, 'FORBIDDEN_OFFICE');
    expect(stranger.body.error.message_zh).toContain('长沙市政务服务中心业务属地审批窗口');
    refused(await sign(as.reviewer2, caseId, { courierCompany: '顺丰速运', waybillNo: 'SF1234567890' }), 403, 'FORBIDDEN_OFFICE');
    refused(await sign(as.clerk, caseId, { courierCompany: '顺丰速运', waybillNo: 'SF1234567890' }), 403, 'FORBIDDEN_ROLE');
    refused(await start(as.clerk, caseId), 403, 'FORBIDDEN_ROLE');
    refused(await start(as.reviewer2, caseId), 403, 'FORBIDDEN_OFFICE');
  });

  it('starts handling only after 签收, whose waybill must be the one the window recorded', async () => {
    refused(await start(as.reviewer, caseId), 409, 'RECEIVING_NOT_SIGNED');
    refused(await sign(as.reviewer, caseId, { courierCompany: '顺丰速运', waybillNo: '运单?' }), 400, 'VALIDATION_FAILED');
    const wrong = await sign(as.reviewer, caseId, { courierCompany: '顺丰速运', waybillNo: 'SF0000000000' });
    refused(wrong, 422, 'RECEIVING_WAYBILL_MISMATCH');
    expect(wrong.body.error.message_zh).toContain('SF1234567890');
    const before = srv.ctx.ledger.forCase(caseId).length;

    // A scanner may type the waybill in lower case: the same number.
    const signed = await sign(as.reviewer, caseId, { courierCompany: '顺丰速运', waybillNo: 'sf1234567890' });
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    expect(signed.body.envelope).toMatchObject({ status: 'received', receivedBy: '王审核' });
    expect(signed.body.case.state).toBe('handed_off');
    refused(await sign(as.reviewer, caseId, { courierCompany: '顺丰速运', waybillNo: 'SF1234567890' }), 409, 'RECEIVING_ALREADY_SIGNED');

    const started = await start(as.reviewer, caseId);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body.case.state).toBe('in_handling');
    expect(srv.ctx.cases.get(caseId).state).toBe('in_handling');
    refused(await start(as.reviewer, caseId), 409, 'RECEIVING_ALREADY_STARTED');

    // One audit event per change: the signature, then the transition.
    const events = srv.ctx.ledger.forCase(caseId).slice(before);
    expect(events.map((e) => e.action)).toEqual(['handoff.envelope_received', 'case.start_handling']);
    expect(events[0]).toMatchObject({ actor_name: 'reviewer', details: { mode: 'courier', waybillNo: 'SF1234567890' } });
    expect(events[1]).toMatchObject({ details: { from: 'handed_off', to: 'in_handling' } });
  });

  it('then the result is recorded as before, and the window sees the envelope signed for', async () => {
    expect((await as.reviewer.get(`/api/cases/${caseId}`)).body.allowedActions).toContain('complete');
    const r = await as.reviewer.post(`/api/cases/${caseId}/handoff/result`, {
      outcome: 'approved',
      summary: '准予转移',
      delivery: 'mail',
      courierCompany: '中国邮政EMS',
      waybillNo: 'EMS98765432',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(srv.ctx.cases.get(caseId).state).toBe('completed');
    const status = await as.clerk.get(`/api/cases/${caseId}/handoff`);
    expect(status.body.envelope).toMatchObject({ status: 'received', receivedBy: '王审核' });
    // The cover sheet of a completed case can still be looked up; there is nothing left to do.
    expect((await lookup(as.reviewer, qr)).body.case.state).toBe('completed');
    refused(await start(as.reviewer, caseId), 409, 'RECEIVING_ALREADY_STARTED');
  });
});

describe('two sites: online transfer with the originals mailed, signed for at the handling site', () => {
  let gd: TestServer;
  let hn: TestServer;
  let gdClerk: ApiClient;
  let hnReviewer: ApiClient;

  beforeAll(async () => {
    ({ gd, hn } = await startTwoSites({ gd: { OCR_WORKERS: 1 } }));
    hnReviewer = await ApiClient.login(hn.url, 'reviewer');
  });
  afterAll(async () => {
    await gd?.stop();
    await hn?.stop();
  });

  it('transfers online and records the originals’ courier in one go; hn checks that waybill at 签收 and gd learns it with the result', async () => {
    const a = await acceptedCase(gd);
    gdClerk = a.clerk;
    const sent = await gdClerk.post(`/api/cases/${a.caseId}/handoff/transfer`, {
      originals: { courierCompany: '顺丰速运', waybillNo: 'SF5550001111' },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.handoff.mode).toBe('online');
    expect(sent.body.envelope).toMatchObject({ status: 'mailed', courierCompany: '顺丰速运', waybillNo: 'SF5550001111' });
    const handOff = gd.ctx.ledger.forCase(a.caseId).find((e) => e.action === 'case.hand_off')!;
    expect(handOff.details).toMatchObject({ mode: 'online', originalsCourierCompany: '顺丰速运', originalsWaybillNo: 'SF5550001111' });

    // At hn the case arrived in handling, and the bag told it which envelope to expect.
    const qr = formatHandoffQr(a.caseNo, sent.body.handoff.tagmanifestSha256);
    const found = await lookup(hnReviewer, qr);
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    expect(found.body).toMatchObject({
      case: { id: a.caseId, state: 'in_handling' },
      mode: 'online',
      coverSheetChecked: true,
      envelope: { status: 'mailed', waybillNo: 'SF5550001111' },
    });
    refused(await start(hnReviewer, a.caseId), 409, 'RECEIVING_ALREADY_STARTED');
    refused(await sign(hnReviewer, a.caseId, { courierCompany: '顺丰速运', waybillNo: 'SF5550002222' }), 422, 'RECEIVING_WAYBILL_MISMATCH');
    const signed = await sign(hnReviewer, a.caseId, { courierCompany: '顺丰速运', waybillNo: 'SF5550001111' });
    expect(signed.body.envelope, JSON.stringify(signed.body)).toMatchObject({ status: 'received' });
    expect(hn.ctx.ledger.forCase(a.caseId).find((e) => e.action === 'handoff.received')?.details).toMatchObject({
      envelopeWaybillNo: 'SF5550001111',
    });
    expect(hn.ctx.ledger.forCase(a.caseId).filter((e) => e.action === 'handoff.envelope_received')).toHaveLength(1);
    expect((await gdClerk.get(`/api/cases/${a.caseId}/handoff`)).body.envelope.status).toBe('mailed');

    const result = await hnReviewer.post(`/api/cases/${a.caseId}/handoff/result`, {
      outcome: 'approved',
      delivery: 'mail',
      courierCompany: '中国邮政EMS',
      waybillNo: 'EMS11112222',
    });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    const atGd = (await gdClerk.get(`/api/cases/${a.caseId}/handoff`)).body;
    expect(atGd.result).toMatchObject({ origin: 'peer' });
    expect(atGd.envelope).toMatchObject({ status: 'received', receivedBy: '湖南省站点' });
    expect(atGd.envelope.receivedAt).toBe(signed.body.envelope.receivedAt);
  });

  it('records originals mailed after a plain online transfer; hn, not told, takes the waybill from the envelope', async () => {
    const b = await acceptedCase(gd);
    const sent = await b.clerk.post(`/api/cases/${b.caseId}/handoff/transfer`);
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.envelope).toMatchObject({ status: 'pending', waybillNo: null });

    const mail = (c: ApiClient, body: unknown) => c.post(`/api/cases/${b.caseId}/handoff/envelope`, body);
    refused(await mail(b.clerk, { courierCompany: '京东物流', waybillNo: '?' }), 400, 'VALIDATION_FAILED');
    refused(
      await mail(await ApiClient.login(gd.url, 'reviewer'), { courierCompany: '京东物流', waybillNo: 'JD0001112223' }),
      403,
      'FORBIDDEN_ROLE',
    );
    refused(
      await mail(await ApiClient.login(gd.url, 'clerk2'), { courierCompany: '京东物流', waybillNo: 'JD0001112223' }),
      403,
      'FORBIDDEN_OFFICE',
    );
    const mailed = await mail(b.clerk, { courierCompany: '京东物流', waybillNo: 'JD0001112223' });
    expect(mailed.status, JSON.stringify(mailed.body)).toBe(200);
    expect(mailed.body.envelope).toMatchObject({ status: 'mailed', courierCompany: '京东物流', waybillNo: 'JD0001112223' });
    expect(gd.ctx.ledger.forCase(b.caseId).at(-1)).toMatchObject({
      action: 'handoff.originals_mailed',
      details: { waybillNo: 'JD0001112223' },
    });
    refused(await mail(b.clerk, { courierCompany: '京东物流', waybillNo: 'JD0001112224' }), 409, 'ORIGINALS_ALREADY_MAILED');

    const atHn = await lookup(hnReviewer, b.caseNo);
    expect(atHn.body.envelope, JSON.stringify(atHn.body)).toMatchObject({ status: 'pending', waybillNo: null });
    const signed = await sign(hnReviewer, b.caseId, { courierCompany: '京东物流', waybillNo: 'JD0001112223' });
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    expect(signed.body.envelope).toMatchObject({
      status: 'received',
      courierCompany: '京东物流',
      waybillNo: 'JD0001112223',
      mailedAt: null,
    });
  });

  it('tells the handling site that a case sent only by courier is still at the intake site', async () => {
    const c = await acceptedCase(gd);
    const sent = await c.clerk.post(`/api/cases/${c.caseId}/handoff/courier`, { courierCompany: '顺丰速运', waybillNo: 'SF7770001111' });
    expect(sent.status).toBe(200);
    refused(
      await c.clerk.post(`/api/cases/${c.caseId}/handoff/envelope`, { courierCompany: '顺丰速运', waybillNo: 'SF7770001112' }),
      409,
      'ORIGINALS_NOT_NEEDED',
    );
    const r = await lookup(hnReviewer, formatHandoffQr(c.caseNo, sent.body.handoff.tagmanifestSha256));
    refused(r, 404, 'RECEIVING_CASE_AT_OTHER_SITE');
    expect(r.body.error.message_zh).toContain('广东省站点');
    expect(r.body.error.message_en).toContain(c.caseNo);
    // The window's panel knows the record must follow online, and sends it: hn then finds the case and its envelope.
    expect((await c.clerk.get(`/api/cases/${c.caseId}/handoff`)).body.handlingAtPeerSite).toBe(true);
    const online = await c.clerk.post(`/api/cases/${c.caseId}/handoff/transfer`);
    expect(online.status, JSON.stringify(online.body)).toBe(200);
    const found = await lookup(hnReviewer, formatHandoffQr(c.caseNo, sent.body.handoff.tagmanifestSha256));
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    expect(found.body.case.caseNo).toBe(c.caseNo);
  });
});
