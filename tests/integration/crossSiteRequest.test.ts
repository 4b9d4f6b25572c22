import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { CASE_CHANGED_EVENT, type CaseChangedEvent } from '@tongban/shared/cases/caseEvents';
import { maskIdNumber } from '@tongban/shared/cases/masking';
import type { CoReviewRequest } from '@tongban/shared/review/crossSite';
import type { ReviewQueueEntry, ReviewSessionView } from '@tongban/shared/review/session';
import { COREVIEW_PATHS } from '@tongban/server/federation/coReviewMessages';
import { OUTBOX_CONTENT_TYPE } from '@tongban/server/federation/outboxDelivery';
import { signRequestHeaders } from '@tongban/server/handoff/siteSigning';
import { SiteKeyring } from '@tongban/server/handoff/siteKeys';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import { startTwoSites } from '../support/twoSites';
import { APPLICANT } from '../support/caseFixtures';
import { connectRtc, createPrecheckedCase, nextEvent, requestReview, rtcRequest, type RtcClient } from '../support/reviewFixtures';

/**
 * 跨站会审请求: the clerk at the Guangdong intake site (gd) requests a co-review of a case handled
 * by a Hunan office, which the Hunan site (hn) hosts. The request travels signed to hn and shows in
 * its reviewer's own queue; withdrawing or timing out at gd removes it there; while hn is down gd
 * shows it retrying and delivers it once hn is back. hn refuses requests it should not take.
 */
let gd: TestServer;
let hn: TestServer;
let gdClerk: ApiClient;
let hnReviewer: ApiClient;
let caseId: string;
let caseNo: string;
const dataDirs: string[] = [];

const session = async (id: string) => (await gdClerk.get(`/api/review/sessions/${id}`)).body as ReviewSessionView;
const hnQueue = async () => (await hnReviewer.get('/api/review/queue')).body as ReviewQueueEntry[];
const remoteRows = (sessionId: string) =>
  hn.ctx.db.prepare('SELECT COUNT(*) FROM remote_review_requests WHERE session_id = ?').pluck().get(sessionId) as number;
const events = (site: TestServer, action: string) =>
  site.ctx.db.prepare('SELECT actor_name, case_id, details_json FROM audit_events WHERE action = ? ORDER BY seq').all(action) as Array<{
    actor_name: string;
    case_id: string | null;
    details_json: string;
  }>;
const eventsFor = (site: TestServer, action: string, sessionId: string) =>
  events(site, action).filter((e) => (JSON.parse(e.details_json) as { sessionId?: string }).sessionId === sessionId);

/** POSTs a co-review message to hn as gd's delivery loop does (signed with `key` for `site`). */
function postSigned(body: string, opts: { path?: string; key?: SiteKeyring; site?: string; idempotencyKey: string }) {
  const p = opts.path ?? COREVIEW_PATHS.request;
  const bytes = Buffer.from(body, 'utf8');
  const headers = signRequestHeaders((opts.key ?? gd.ctx.handoff.keys).signingKey(), opts.site ?? 'gd', {
    method: 'POST',
    path: p,
    bodySha256: createHash('sha256').update(bytes).digest('hex'),
    idempotencyKey: opts.idempotencyKey,
    now: new Date(),
  });
  return new ApiClient(hn.url).request('POST', p, new Uint8Array(bytes), { ...headers, 'content-type': OUTBOX_CONTENT_TYPE });
}

/** The request gd queued for a session, as it was sent. */
const sentRequest = (sessionId: string) =>
  gd.ctx.db
    .prepare("SELECT body_json FROM site_outbox WHERE session_id = ? AND kind = 'coreview.request'")
    .pluck()
    .get(sessionId) as string;

async function startHn(port: number, dataDir: string): Promise<TestServer> {
  return startTestServer(
    { SITE_ID: 'hn', PORT: port, PEER_SITES: [{ id: 'gd', url: gd.url }] },
    { dataDir, keepData: true, ocr: 'printed-text' },
  );
}

beforeAll(async () => {
  // Quick backoff at gd, so the unreachable-peer case retries several times within a second.
  ({ gd, hn } = await startTwoSites({
    gd: { PEER_RETRY_INITIAL_MS: 20, PEER_RETRY_MAX_MS: 200 },
    server: { keepData: true, ocr: 'printed-text' },
  }));
  dataDirs.push(gd.dataDir, hn.dataDir);
  gdClerk = await ApiClient.login(gd.url, 'clerk');
  hnReviewer = await ApiClient.login(hn.url, 'reviewer');
  ({ id: caseId, caseNo } = await createPrecheckedCase(gdClerk));
}, 120_000);

afterAll(async () => {
  await gd?.stop();
  await hn?.stop();
  for (const d of dataDirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('a co-review request travels to the handling site', () => {
  let sessionId: string;

  it("appears live in the hn reviewer's queue with the case, the masked ID and the pre-check findings", async () => {
    const socket: RtcClient = await connectRtc(hn.url, { cookie: hnReviewer.cookieHeader });
    try {
      expect((await rtcRequest(socket, 'queue:subscribe', {})).ok).toBe(true);
      const pushed = nextEvent(socket, 'queue:changed', 15_000);
      sessionId = await requestReview(gdClerk, caseId);
      const live = (await pushed).find((e) => e.sessionId === sessionId);
      expect(live?.remote?.site).toBe('gd');
    } finally {
      socket.close();
    }

    const entry = (await hnQueue()).find((e) => e.sessionId === sessionId)!;
    const gdCase = gd.ctx.cases.get(caseId);
    const standing = gd.ctx.precheck
      .precheckExport(caseId)
      .materials.flatMap((m) => m.findings.filter((f) => !f.override).map((f) => ({ materialId: m.materialId, code: f.code })));
    expect(entry).toMatchObject({
      caseId,
      caseNo,
      applicantName: APPLICANT.name,
      intakeOfficeId: 'gd-sg-window',
      remote: {
        site: 'gd',
        intakeOfficeName: '韶关市政务服务中心跨省通办专窗',
        intakeProvince: '广东省',
        applicantIdMasked: maskIdNumber(APPLICANT.idNumber),
      },
    });
    expect(standing.length).toBeGreaterThan(0); // the generated scans' low resolution: a warning
    expect(entry.remote!.precheck.findings.map((f) => ({ materialId: f.materialId, code: f.code }))).toEqual(standing);
    expect(entry.remote!.precheck.verdict).not.toBe('none');
    expect(entry.remote!.materials.map((m) => m.id).sort()).toEqual(
      gd.ctx.materials
        .list(caseId)
        .map((m) => m.id)
        .sort(),
    );
    expect(entry.waitingSeconds).toBeGreaterThanOrEqual(0);
    expect(gdCase.handlingOfficeId).toBe('hn-cs-office');

    // Neither the message sent nor what hn keeps holds the full ID number.
    expect(sentRequest(sessionId)).not.toContain(APPLICANT.idNumber);
    const kept = hn.ctx.db.prepare('SELECT request_json FROM remote_review_requests WHERE session_id = ?').pluck().get(sessionId) as string;
    expect(kept).not.toContain(APPLICANT.idNumber);
    expect(JSON.stringify(entry)).not.toContain(APPLICANT.idNumber);

    // The clerk sees it delivered; both ledgers say what happened, once each.
    await expect.poll(async () => (await session(sessionId)).peer?.state).toBe('delivered');
    expect((await session(sessionId)).peer).toMatchObject({ site: 'hn', attempts: 1 });
    const requested = events(gd, 'case.request_review').filter((e) => e.case_id === caseId);
    expect(requested.map((e) => JSON.parse(e.details_json).peerSite)).toEqual(['hn']);
    expect(eventsFor(gd, 'site.message_delivered', sessionId)).toHaveLength(1);
    expect(eventsFor(gd, 'site.message_retrying', sessionId)).toHaveLength(0);
    const received = eventsFor(hn, 'review.remote_requested', sessionId);
    expect(received).toHaveLength(1);
    expect(received[0]!.actor_name).toBe('site:gd');
  });

  it('a retry of the same signed message changes nothing; other content under the same session is refused', async () => {
    const body = sentRequest(sessionId);
    for (let i = 0; i < 2; i++) {
      const r = await postSigned(body, { idempotencyKey: sessionId });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ sessionId, status: 'waiting' });
    }
    expect(remoteRows(sessionId)).toBe(1);
    expect(eventsFor(hn, 'review.remote_requested', sessionId)).toHaveLength(1);
    expect((await hnQueue()).filter((e) => e.sessionId === sessionId)).toHaveLength(1);

    const altered: CoReviewRequest = { ...(JSON.parse(body) as CoReviewRequest), caseNo: 'GD-SG-20260101-9999' };
    const r = await postSigned(JSON.stringify(altered), { idempotencyKey: sessionId });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('TRANSFER_IDEMPOTENCY_CONFLICT');
  });

  it('withdrawing at gd removes it from the hn queue', async () => {
    expect((await gdClerk.post(`/api/review/sessions/${sessionId}/cancel`)).status).toBe(200);
    await expect.poll(async () => (await hnQueue()).some((e) => e.sessionId === sessionId)).toBe(false);
    const withdrawn = eventsFor(hn, 'review.remote_withdrawn', sessionId);
    expect(withdrawn.map((e) => JSON.parse(e.details_json).reason)).toEqual(['withdrawn']);
    expect(withdrawn[0]!.actor_name).toBe('site:gd');
  });

  it('a request that waits too long times out at gd and leaves the hn queue', async () => {
    const id = await requestReview(gdClerk, caseId);
    await expect.poll(async () => (await hnQueue()).some((e) => e.sessionId === id)).toBe(true);
    // As if it had waited longer than REVIEW_REQUEST_TIMEOUT_MINUTES (30).
    const longAgo = new Date(Date.now() - 31 * 60_000).toISOString();
    gd.ctx.db.prepare('UPDATE review_sessions SET requested_at = ? WHERE id = ?').run(longAgo, id);
    gd.ctx.federation.kick();
    await expect.poll(async () => (await session(id)).status).toBe('cancelled');
    expect(eventsFor(gd, 'review.timed_out', id)).toHaveLength(1);
    await expect.poll(async () => (await hnQueue()).some((e) => e.sessionId === id)).toBe(false);
    expect(eventsFor(hn, 'review.remote_withdrawn', id).map((e) => JSON.parse(e.details_json).reason)).toEqual(['timed_out']);
  });

  it('while hn is down the clerk sees it retrying; it is delivered once hn is back', async () => {
    const port = Number(new URL(hn.url).port);
    const hnDir = hn.dataDir;
    await hn.stop();

    const clerkSocket: Socket = connect(gd.url, {
      transports: ['websocket'],
      forceNew: true,
      extraHeaders: { cookie: gdClerk.cookieHeader },
    });
    const heard: CaseChangedEvent[] = [];
    clerkSocket.on(CASE_CHANGED_EVENT, (e: CaseChangedEvent) => heard.push(e));
    await new Promise<void>((resolve) => clerkSocket.once('connect', () => resolve()));
    try {
      const id = await requestReview(gdClerk, caseId);
      await expect.poll(async () => (await session(id)).peer?.attempts ?? 0).toBeGreaterThanOrEqual(3);
      const retrying = (await session(id)).peer!;
      expect(retrying).toMatchObject({ site: 'hn', state: 'retrying', lastError: { code: 'PEER_SITE_UNREACHABLE' } });
      expect(retrying.nextAttemptAt).toBeDefined();
      // The case page hears of it without reloading.
      expect(heard.some((e) => e.caseId === caseId && e.kinds.includes('review'))).toBe(true);

      hn = await startHn(port, hnDir);
      await expect.poll(async () => (await session(id)).peer?.state, { timeout: 10_000 }).toBe('delivered');
      expect((await hnQueue()).some((e) => e.sessionId === id)).toBe(true);
      // One event per state change: retrying once (however many attempts), delivered once.
      expect(eventsFor(gd, 'site.message_retrying', id)).toHaveLength(1);
      expect(eventsFor(gd, 'site.message_delivered', id)).toHaveLength(1);
      expect(remoteRows(id)).toBe(1);
      expect((await gdClerk.post(`/api/review/sessions/${id}/cancel`)).status).toBe(200);
    } finally {
      clerkSocket.close();
    }
  });
  it('withdrawn while hn is down: the withdrawal waits behind its request, then both arrive in order', async () => {
    const port = Number(new URL(hn.url).port);
    const hnDir = hn.dataDir;
    await hn.stop();
    const id = await requestReview(gdClerk, caseId);
    await expect.poll(async () => (await session(id)).peer?.attempts ?? 0).toBeGreaterThanOrEqual(2);
    expect((await gdClerk.post(`/api/review/sessions/${id}/cancel`)).status).toBe(200);
    const outbox = () =>
      gd.ctx.db.prepare('SELECT kind, state, attempts FROM site_outbox WHERE session_id = ? ORDER BY seq').all(id) as Array<{
        kind: string;
        state: string;
        attempts: number;
      }>;
    await expect.poll(async () => (await session(id)).peer?.attempts ?? 0).toBeGreaterThanOrEqual(4);
    expect(outbox()[1]).toEqual({ kind: 'coreview.withdrawal', state: 'pending', attempts: 0 });

    hn = await startHn(port, hnDir);
    await expect.poll(() => outbox().map((m) => m.state), { timeout: 10_000 }).toEqual(['delivered', 'delivered']);
    expect(hn.ctx.db.prepare('SELECT status FROM remote_review_requests WHERE session_id = ?').pluck().get(id)).toBe('withdrawn');
    expect((await hnQueue()).some((e) => e.sessionId === id)).toBe(false);
  });
});

describe('the handling site refuses what it should not take', () => {
  const counts = () => hn.ctx.db.prepare('SELECT COUNT(*) FROM remote_review_requests').pluck().get() as number;
  const template = (): CoReviewRequest => {
    const any = gd.ctx.db.prepare("SELECT body_json FROM site_outbox WHERE kind = 'coreview.request' LIMIT 1").pluck().get() as string;
    return { ...(JSON.parse(any) as CoReviewRequest), sessionId: `forged-${Date.now()}` };
  };

  it('a request signed by a key hn does not trust', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'untrusted-key-'));
    dataDirs.push(dir);
    const before = counts();
    const msg = template();
    const r = await postSigned(JSON.stringify(msg), { key: new SiteKeyring(dir, 'gd', undefined), idempotencyKey: msg.sessionId });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('TRANSFER_KEY_UNTRUSTED');
    expect(counts()).toBe(before);
  });

  it('a request naming a handling office hn does not host', async () => {
    const before = counts();
    const audit = events(hn, 'review.remote_requested').length;
    const msg = { ...template(), handlingOfficeId: 'sc-cd-office' };
    const r = await postSigned(JSON.stringify(msg), { idempotencyKey: msg.sessionId });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('REVIEW_PEER_OFFICE_MISMATCH');
    expect(counts()).toBe(before);
    expect(events(hn, 'review.remote_requested')).toHaveLength(audit);
  });

  it('a request carrying a full ID number', async () => {
    const before = counts();
    const t = template();
    const msg = { ...t, applicant: { ...t.applicant, idNumberMasked: APPLICANT.idNumber } };
    const r = await postSigned(JSON.stringify(msg), { idempotencyKey: msg.sessionId });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION_FAILED');
    expect(counts()).toBe(before);
  });
});
