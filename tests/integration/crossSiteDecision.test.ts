import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_STEPS } from '@tongban/shared/review/checklist';
import type { SignedDecision } from '@tongban/shared/review/crossSite';
import { GRANT_API, grantAuthorization, type RemoteCallTicket } from '@tongban/shared/review/grantAccess';
import { SYSTEM_ACTOR } from '@tongban/server/audit/AuditLedger';
import { COREVIEW_PATHS } from '@tongban/server/federation/coReviewMessages';
import { SiteKeyring } from '@tongban/server/handoff/siteKeys';
import { signEnvelope } from '@tongban/server/handoff/siteSigning';
import { auditVerify } from '../support/auditCli';
import { ApiClient, TEST_PASSWORD, startTestServer, type TestServer } from '../support/testServer';
import { postSignedJson, startTwoSites } from '../support/twoSites';
import { createPrecheckedCase, requestReview } from '../support/reviewFixtures';

/**
 * Issue 11, part 4: the decision lives at both sites. The Hunan reviewer (logged in at hn only)
 * accepts gd's request at hn, records consent, liveness, checks and a snapshot at gd with the join
 * grant, and decides 补正 at hn; hn signs it and sends it to gd, which records it under the same
 * decision id. gd refuses decisions signed by a key it does not trust, tampered ones, and ones
 * from a trusted site that does not host the case's handling office.
 */
let gd: TestServer;
let hn: TestServer;
let gdClerk: ApiClient;
let hnReviewer: ApiClient;
let hnReviewer2: ApiClient;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tongban-decision-'));

const events = (site: TestServer, action: string, sessionId: string) =>
  (
    site.ctx.db
      .prepare('SELECT actor_name, actor_role, case_id, details_json FROM audit_events WHERE action = ? ORDER BY seq')
      .all(action) as Array<{
      actor_name: string;
      actor_role: string;
      case_id: string | null;
      details_json: string;
    }>
  )
    .map((e) => ({ ...e, details: JSON.parse(e.details_json) as Record<string, unknown> }))
    .filter((e) => e.details['sessionId'] === sessionId);

/** Waits until gd's request for `sessionId` has reached hn's queue. */
async function delivered(sessionId: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (hn.ctx.db.prepare('SELECT 1 FROM remote_review_requests WHERE session_id = ?').get(sessionId)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`request ${sessionId} never reached hn`);
}

/** A co-review of a new case requested at gd and arrived in hn's queue. */
async function requestedAtGd(): Promise<{ caseId: string; caseNo: string; sessionId: string }> {
  const { id: caseId, caseNo } = await createPrecheckedCase(gdClerk);
  const sessionId = await requestReview(gdClerk, caseId);
  await delivered(sessionId);
  return { caseId, caseNo, sessionId };
}

const accept = (reviewer: ApiClient, sessionId: string) => reviewer.post(`/api/review/remote/${sessionId}/accept`);

/** What the reviewer's page at hn sends to gd with the grant: from hn's origin, no cookie. */
const withGrant = (ticket: RemoteCallTicket, method: string, p: string, body?: unknown, headers: Record<string, string> = {}) =>
  new ApiClient(ticket.intakeUrl).request(method, p, body, { authorization: grantAuthorization(ticket.grant), origin: hn.url, ...headers });

/** What hn's reviewer records at gd with the grant before 受理: consent, a liveness prompt, every identity check passed. */
async function verifyWithGrant(t: RemoteCallTicket): Promise<void> {
  const consent = await withGrant(t, 'POST', GRANT_API.consent, { recordingAllowed: false, snapshotsAllowed: true });
  expect([consent.status, consent.body.consent?.recordedBy]).toEqual([200, '王审核（湖南省站点）']);
  const prompt = await withGrant(t, 'POST', GRANT_API.liveness);
  expect(prompt.status).toBe(201);
  expect(prompt.body.kind).toBeTruthy();
  for (const step of IDENTITY_STEPS) {
    const r = await withGrant(t, 'POST', GRANT_API.checks, { step, passed: true, note: '测试：核验通过' });
    expect([step, r.status]).toEqual([step, 200]);
  }
}

const png = () =>
  sharp({ create: { width: 320, height: 240, channels: 3, background: '#2a6' } })
    .png()
    .toBuffer();

beforeAll(async () => {
  // Quick backoff at hn, so a decision sent while gd is down is retried soon after gd is back.
  ({ gd, hn } = await startTwoSites({
    hn: { PEER_RETRY_INITIAL_MS: 50, PEER_RETRY_MAX_MS: 200 },
    server: { keepData: true, ocr: 'printed-text' },
  }));
  gdClerk = await ApiClient.login(gd.url, 'clerk');
  hnReviewer = await ApiClient.login(hn.url, 'reviewer');
  await hn.ctx.auth.createUser(
    { username: 'reviewer-hn2', displayName: '赵审核', role: 'reviewer', officeId: 'hn-cs-office', password: TEST_PASSWORD },
    SYSTEM_ACTOR,
  );
  hnReviewer2 = await ApiClient.login(hn.url, 'reviewer-hn2');
}, 120_000);

afterAll(async () => {
  await gd?.stop();
  await hn?.stop();
  for (const d of [gd?.dataDir, hn?.dataDir, tmp]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

describe('a cross-site co-review decided at the handling site', () => {
  let caseId: string;
  let caseNo: string;
  let sessionId: string;
  let ticket: RemoteCallTicket;

  it('hn’s reviewer accepts at hn: a ticket with the grant, the session active at gd, audited at both', async () => {
    ({ caseId, caseNo, sessionId } = await requestedAtGd());
    const r = await accept(hnReviewer, sessionId);
    expect(r.status).toBe(200);
    ticket = r.body as RemoteCallTicket;
    expect(ticket).toMatchObject({
      sessionId,
      caseNo,
      itemCode: 'TB-SBK-SL',
      intakeSite: 'gd',
      intakeSiteName: '广东省站点',
      intakeUrl: gd.url,
    });
    expect(ticket.grant).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const atGd = (await gdClerk.get(`/api/review/sessions/${sessionId}`)).body;
    expect(atGd).toMatchObject({ status: 'active', acceptedBy: '王审核（湖南省站点）' });
    expect(events(gd, 'review.accepted', sessionId)).toEqual([
      expect.objectContaining({
        actor_name: '王审核（湖南省站点）',
        actor_role: 'reviewer',
        case_id: caseId,
        details: expect.objectContaining({ via: 'site:hn' }),
      }),
    ]);
    expect(events(hn, 'review.remote_accepted', sessionId)).toEqual([expect.objectContaining({ actor_name: 'reviewer' })]);
    expect((await hnReviewer.get('/api/review/queue')).body.some((e: { sessionId: string }) => e.sessionId === sessionId)).toBe(false);

    // A reload of the reviewer's page: a fresh grant, nothing changes; another reviewer: refused.
    const again = await accept(hnReviewer, sessionId);
    expect(again.status).toBe(200);
    expect(again.body.grant).not.toBe(ticket.grant);
    expect(events(gd, 'review.accepted', sessionId)).toHaveLength(1);
    const second = await accept(hnReviewer2, sessionId);
    expect([second.status, second.body.error.code]).toEqual([409, 'REVIEW_ALREADY_ACCEPTED']);
  });

  it('consent, liveness, checks and a snapshot are recorded at gd with the grant, as the peer reviewer', async () => {
    const view = await withGrant(ticket, 'GET', GRANT_API.session);
    expect([view.status, view.body.id, view.body.status]).toEqual([200, sessionId, 'active']);
    expect(view.headers.get('access-control-allow-origin')).toBe(hn.url);
    const preflight = await new ApiClient(gd.url).request('OPTIONS', GRANT_API.consent, undefined, {
      origin: hn.url,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    });
    expect([preflight.status, preflight.headers.get('access-control-allow-headers')]).toEqual([204, 'Authorization, Content-Type']);

    await verifyWithGrant(ticket);
    const snap = await withGrant(ticket, 'POST', `${GRANT_API.snapshots}?label=id_front`, new Uint8Array(await png()), {
      'content-type': 'image/png',
    });
    expect([snap.status, snap.body.takenBy]).toEqual([201, '王审核（湖南省站点）']);

    const atGd = (await gdClerk.get(`/api/review/sessions/${sessionId}`)).body;
    expect(atGd.checklist.allPassed).toBe(true);
    expect(atGd.checks.every((c: { checkedBy: string }) => c.checkedBy === '王审核（湖南省站点）')).toBe(true);
    for (const action of ['review.consent_recorded', 'review.liveness_prompt_issued', 'review.identity_check', 'review.snapshot'])
      expect(events(gd, action, sessionId).every((e) => e.actor_name === '王审核（湖南省站点）' && e.details['via'] === 'site:hn')).toBe(
        true,
      );
  });

  it('a grant acts on its own session only', async () => {
    const other = await requestedAtGd();
    // A grant for the other session (asked without accepting) cannot act there: that session is not accepted by this reviewer.
    const hnUser = hn.ctx.auth.userByName('reviewer')!;
    const otherGrant = await hn.ctx.grants.request('gd', other.sessionId, hnUser);
    const refused = await withGrant({ ...ticket, grant: otherGrant.grantId }, 'POST', GRANT_API.consent, {
      recordingAllowed: false,
      snapshotsAllowed: false,
    });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'REVIEW_STATE']);
    // And this session's grant, held against the other session at gd's service, is refused by name.
    const who = gd.ctx.grants.peerFor(ticket.grant);
    expect(() => gd.ctx.review.recordConsent(who, other.sessionId, { recordingAllowed: false, snapshotsAllowed: false })).toThrow(
      expect.objectContaining({ code: 'GRANT_WRONG_SESSION' }),
    );
    expect((await gdClerk.get(`/api/review/sessions/${other.sessionId}`)).body.consent).toBeUndefined();
  });

  it('补正 decided at hn is signed, delivered and recorded at gd under the same decision id', async () => {
    const decision = {
      outcome: 'request_correction',
      items: [{ slotCode: 'ID_CARD_BACK', reason: '身份证背面反光，有效期看不清' }],
      note: '请补正后重新提交',
    };
    const r = await hnReviewer.post(`/api/review/remote/${sessionId}/decision`, decision);
    expect(r.status).toBe(200);
    expect(r.body, JSON.stringify(r.body)).toMatchObject({ delivery: 'delivered' });
    const decisionId = r.body.decisionId as string;

    expect(gd.ctx.cases.get(caseId).state).toBe('needs_correction');
    const atGd = (await gdClerk.get(`/api/review/sessions/${sessionId}`)).body;
    expect(atGd).toMatchObject({
      status: 'decided',
      decision: { decisionId, outcome: 'request_correction', items: decision.items, decidedByName: '王审核（湖南省站点）' },
    });
    const gdEvents = gd.ctx.ledger.forCase(caseId).filter((e) => (e.details as { decisionId?: string }).decisionId === decisionId);
    expect(gdEvents.map((e) => [e.action, e.actor_name])).toEqual([['case.request_correction', '王审核（湖南省站点）']]);
    expect(events(hn, 'review.remote_decided', sessionId)).toEqual([
      expect.objectContaining({ actor_name: 'reviewer', details: expect.objectContaining({ decisionId, outcome: 'request_correction' }) }),
    ]);
    // gd keeps the decision as hn signed it.
    const kept = JSON.parse(
      gd.ctx.db.prepare('SELECT signed_decision_json FROM review_sessions WHERE id = ?').pluck().get(sessionId) as string,
    ) as SignedDecision;
    expect(kept.payload).toMatchObject({ decisionId, decidedBy: { siteId: 'hn', officeId: 'hn-cs-office' } });

    // Decided: the grant reads nothing more, and hn does not decide twice.
    expect((await withGrant(ticket, 'GET', GRANT_API.session)).body.error.code).toBe('GRANT_SESSION_CLOSED');
    expect((await hnReviewer.post(`/api/review/remote/${sessionId}/decision`, decision)).body.error.code).toBe('REVIEW_STATE');
    // A redelivery of the same decision changes nothing at gd.
    const body = hn.ctx.db
      .prepare('SELECT decision_json FROM remote_review_requests WHERE session_id = ?')
      .pluck()
      .get(sessionId) as string;
    const again = await postSignedJson(gd, COREVIEW_PATHS.decision, JSON.parse(body), {
      key: hn.ctx.handoff.keys,
      site: 'hn',
      idempotencyKey: 'redeliver',
    });
    expect([again.status, again.body.decisionId]).toEqual([200, decisionId]);
    expect(gd.ctx.ledger.forCase(caseId).filter((e) => (e.details as { decisionId?: string }).decisionId === decisionId)).toHaveLength(1);
  });

  it('gd refuses decisions signed by an untrusted key, tampered ones, and ones from a site not hosting the handling office', async () => {
    const { sessionId: sid, caseId: cid } = await requestedAtGd();
    expect((await accept(hnReviewer, sid)).status).toBe(200);
    const decisionOf = (reviewer: Record<string, string>) => ({
      kind: 'tongban.coreview.decision.v1',
      decisionId: '5f3a8c2e-0000-4000-8000-000000000001',
      sessionId: sid,
      caseNo: gd.ctx.cases.get(cid).caseNo,
      decision: { outcome: 'reject', reason: '材料不符' },
      decidedBy: reviewer,
      decidedAt: new Date().toISOString(),
    });
    const hnReviewerId = hn.ctx.auth.userByName('reviewer')!.id;
    const asHn = { userId: hnReviewerId, displayName: '王审核', officeId: 'hn-cs-office', siteId: 'hn' };

    const sc = new SiteKeyring(path.join(tmp, 'sc-keys'), 'sc', undefined);
    const scDecision = signEnvelope(sc.signingKey(), decisionOf({ ...asHn, siteId: 'sc', officeId: 'sc-cd-office' }));
    const untrusted = await postSignedJson(gd, COREVIEW_PATHS.decision, scDecision, { key: sc, site: 'sc', idempotencyKey: 'sc-1' });
    expect([untrusted.status, untrusted.body.error.code]).toEqual([403, 'TRANSFER_KEY_UNTRUSTED']);

    // Signed by hn, then altered (the request re-signed, as a relay could): the decision's own signature fails.
    const signed = signEnvelope(hn.ctx.handoff.keys.signingKey(), decisionOf(asHn));
    const tampered = { ...signed, payload: { ...signed.payload, decision: { outcome: 'accept' } } };
    const t = await postSignedJson(gd, COREVIEW_PATHS.decision, tampered, { key: hn.ctx.handoff.keys, site: 'hn', idempotencyKey: 'hn-t' });
    expect([t.status, t.body.error.code]).toEqual([403, 'REVIEW_DECISION_SIGNATURE_INVALID']);
    const unsigned = await postSignedJson(
      gd,
      COREVIEW_PATHS.decision,
      { payload: decisionOf(asHn) },
      {
        key: hn.ctx.handoff.keys,
        site: 'hn',
        idempotencyKey: 'hn-u',
      },
    );
    expect([unsigned.status, unsigned.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);

    // sc trusted now, signing its own decision — or claiming hn's office: sc does not host the case's handling office.
    gd.ctx.handoff.keys.trust(sc.exportLine());
    for (const [reviewer, key] of [
      [{ ...asHn, siteId: 'sc', officeId: 'sc-cd-office' }, 'sc-2'],
      [{ ...asHn, siteId: 'sc' }, 'sc-3'],
    ] as const) {
      const r = await postSignedJson(gd, COREVIEW_PATHS.decision, signEnvelope(sc.signingKey(), decisionOf(reviewer)), {
        key: sc,
        site: 'sc',
        idempotencyKey: key,
      });
      expect([r.status, r.body.error.code]).toEqual([403, 'REVIEW_DECISION_SITE_MISMATCH']);
    }
    // Nothing of these was recorded: the session is still open, the case still in review.
    expect(gd.ctx.review.sessionForPeer(sid).open).toBe(true);
    expect(gd.ctx.cases.get(cid).state).toBe('in_review');
  });

  it('with gd down, hn keeps the decision and says it is retrying; it is recorded at gd once gd is back', async () => {
    const { sessionId: sid, caseId: cid } = await requestedAtGd();
    const later = await requestedAtGd();
    expect((await accept(hnReviewer, sid)).status).toBe(200);
    const port = new URL(gd.url).port;
    await gd.stop();
    // 接单 needs gd's grant: refused with what to do, and the request stays in hn's queue.
    const down = await accept(hnReviewer, later.sessionId);
    expect([down.status, down.body.error.code]).toEqual([502, 'PEER_SITE_UNREACHABLE']);
    expect(down.body.error.message_zh).toContain('请稍后再点“接单”');
    expect(hn.ctx.db.prepare('SELECT status FROM remote_review_requests WHERE session_id = ?').pluck().get(later.sessionId)).toBe(
      'waiting',
    );
    const r = await hnReviewer.post(`/api/review/remote/${sid}/decision`, { outcome: 'reject', reason: '不属于本事项受理范围' });
    expect([r.status, r.body.delivery, r.body.error?.code]).toEqual([200, 'retrying', 'PEER_SITE_UNREACHABLE']);

    gd = await startTestServer(
      { SITE_ID: 'gd', PORT: Number(port), PEER_SITES: [{ id: 'hn', url: hn.url }] },
      { dataDir: gd.dataDir, keepData: true, ocr: 'printed-text' },
    );
    for (let i = 0; i < 400 && gd.ctx.cases.get(cid).state !== 'rejected'; i++) await new Promise((res) => setTimeout(res, 25));
    expect(gd.ctx.cases.get(cid).state).toBe('rejected');
    expect(gd.ctx.review.sessionForPeer(sid).open).toBe(false);
    expect(gd.ctx.ledger.forCase(cid).filter((e) => (e.details as { decisionId?: string }).decisionId === r.body.decisionId)).toHaveLength(
      1,
    );
    // gd back: the request is taken as usual.
    expect((await accept(hnReviewer, later.sessionId)).status).toBe(200);
  }, 30_000);

  it('受理 at hn travels in gd’s bag: hn links the bag’s decision to its own record; a bag with another decision is refused', async () => {
    /** A case accepted by hn's reviewer at gd; the decision id hn signed. */
    const acceptedAtHn = async () => {
      const c = await requestedAtGd();
      const t = await accept(hnReviewer, c.sessionId);
      expect(t.status).toBe(200);
      await verifyWithGrant(t.body as RemoteCallTicket);
      const d = await hnReviewer.post(`/api/review/remote/${c.sessionId}/decision`, { outcome: 'accept', note: '材料齐全，身份核验通过' });
      expect([d.status, d.body.delivery], JSON.stringify(d.body)).toEqual([200, 'delivered']);
      expect(gd.ctx.cases.get(c.caseId).state).toBe('accepted');
      return { ...c, decisionId: d.body.decisionId as string };
    };
    const linked = (sid: string) => events(hn, 'review.remote_decision_linked', sid);

    const ok = await acceptedAtHn();
    const sent = await gdClerk.post(`/api/cases/${ok.caseId}/handoff/transfer`);
    expect([sent.status, sent.body.transfer?.status], JSON.stringify(sent.body)).toEqual([200, 'sent']);
    expect(linked(ok.sessionId)).toEqual([
      expect.objectContaining({
        actor_name: 'site:gd',
        case_id: ok.caseId,
        details: expect.objectContaining({ decisionId: ok.decisionId, transferId: sent.body.transfer.receipt.transferId }),
      }),
    ]);
    const received = await hnReviewer.get(`/api/cases/${ok.caseId}/handoff/received`);
    expect(received.status).toBe(200);
    expect(received.body.review.decision).toMatchObject({ decisionId: ok.decisionId, outcome: 'accept' });
    expect(received.body.ownDecision).toMatchObject({ decisionId: ok.decisionId, outcome: 'accept', decidedByName: '王审核' });

    // gd's record altered after hn signed it: the bag's decision is not hn's, so hn imports nothing.
    const bad = await acceptedAtHn();
    const row = gd.ctx.db.prepare('SELECT decision_json FROM review_sessions WHERE id = ?').pluck().get(bad.sessionId) as string;
    const altered = { ...JSON.parse(row), decisionId: '5f3a8c2e-0000-4000-8000-0000000000ff' };
    gd.ctx.db.prepare('UPDATE review_sessions SET decision_json = ? WHERE id = ?').run(JSON.stringify(altered), bad.sessionId);
    const refused = await gdClerk.post(`/api/cases/${bad.caseId}/handoff/transfer`);
    expect(JSON.stringify(refused.body)).toContain('BAG_DECISION_MISMATCH');
    expect(hn.ctx.cases.findByCaseNo(bad.caseNo)).toBeUndefined();
    expect(linked(bad.sessionId)).toEqual([]);
  }, 60_000);

  it('no grant is in either site’s audit trail, and `audit verify` passes on both', async () => {
    for (const site of [gd, hn]) expect(JSON.stringify([...site.ctx.ledger.all()])).not.toContain(ticket.grant);
    for (const site of [gd, hn]) {
      const r = await auditVerify(site.dataDir);
      expect([r.code, r.stderr]).toEqual([0, '']);
    }
  });
});
