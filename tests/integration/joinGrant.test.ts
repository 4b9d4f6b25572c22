import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOIN_GRANT_TTL_MS, grantUsable, type JoinGrant } from '@tongban/shared/review/crossSite';
import { GRANT_API, grantAuthorization } from '@tongban/shared/review/grantAccess';
import type { SessionUser } from '@tongban/server/auth/AuthService';
import { SiteKeyring } from '@tongban/server/handoff/siteKeys';
import { JOIN_GRANTS_PATH } from '@tongban/server/review/joinGrants';
import { ApiClient, type TestServer } from '../support/testServer';
import { postSignedJson, startTwoSites } from '../support/twoSites';
import {
  connectRtc,
  createPrecheckedCase,
  nextEvent,
  requestReview,
  rtcRequest,
  sfuTestConfig,
  type RtcClient,
} from '../support/reviewFixtures';

/**
 * Issue 11, parts 2 and 3: the handling site's reviewer, logged in only at hn, joins the call of a
 * co-review requested at gd with a join grant gd issued on hn's signed request — and reads that
 * case's shared materials through it while the session is live, nothing else.
 */

let gd: TestServer;
let hn: TestServer;
let clerk: ApiClient;
let hnReviewer: SessionUser;
let caseId: string;
let sessionId: string;
let otherSessionId: string;
let otherCaseMaterialId: string;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tongban-grant-'));
/** gd's clock, moved by the tests (grant expiry, two sites' clocks apart). */
const gdClock = { offsetMs: 0, now: () => new Date(Date.now() + gdClock.offsetMs) };
const gdLog: string[] = [];
/** Every grant and rejoin key seen, to look for in gd's log and audit trail. */
const secrets: string[] = [];
const sockets: RtcClient[] = [];

const connect = async (auth: Parameters<typeof connectRtc>[1]) => {
  const s = await connectRtc(gd.url, auth);
  sockets.push(s);
  return s;
};
const newGrant = async (sid = sessionId): Promise<JoinGrant> => {
  const g = await hn.ctx.grants.request('gd', sid, hnReviewer, { accept: true });
  secrets.push(g.grantId);
  return g;
};
const joinRequest = (message: { sessionId: string; reviewer: Record<string, string> }) => ({
  kind: 'tongban.coreview.join-request.v1',
  ...message,
});
const reviewerOf = (site: string, officeId: string) => ({ userId: 'u-1', displayName: '赵审核', officeId, siteId: site });
const grantGet = (p: string, grantId: string | undefined, origin?: string) =>
  new ApiClient(gd.url).request('GET', p, undefined, {
    ...(grantId ? { authorization: grantAuthorization(grantId) } : {}),
    ...(origin ? { origin } : {}),
  });

beforeAll(async () => {
  ({ gd, hn } = await startTwoSites({
    gd: { ...sfuTestConfig(47200), LOG_LEVEL: 'debug' },
    server: { ocr: 'printed-text' },
    sites: { gd: { clock: gdClock, logTo: { write: (line: string) => void gdLog.push(line) } } },
  }));
  clerk = await ApiClient.login(gd.url, 'clerk');
  hnReviewer = hn.ctx.auth.userByName('reviewer')!;
  caseId = (await createPrecheckedCase(clerk)).id;
  sessionId = await requestReview(clerk, caseId);
  const other = await createPrecheckedCase(clerk);
  otherSessionId = await requestReview(clerk, other.id);
  otherCaseMaterialId = gd.ctx.materials.list(other.id)[0]!.id;
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await gd?.stop();
  await hn?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('join grants: the handling site’s reviewer joins the intake site’s call', () => {
  it('hn asks gd, signed, for its reviewer’s grant: random, minutes long, single use, stored hashed, audited without it', async () => {
    const grant = await newGrant();
    expect(grant).toMatchObject({
      kind: 'tongban.coreview.join-grant.v1',
      sessionId,
      intakeSite: 'gd',
      singleUse: true,
      reviewer: { userId: hnReviewer.id, displayName: '王审核', officeId: 'hn-cs-office', siteId: 'hn' },
    });
    expect(grant.grantId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(grant.expiresAt) - Date.parse(grant.issuedAt)).toBe(JOIN_GRANT_TTL_MS);

    const rows = gd.ctx.db.prepare('SELECT * FROM review_join_grants WHERE session_id = ?').all(sessionId) as Array<
      Record<string, unknown>
    >;
    expect(rows.map((r) => r['grant_hash'])).toContain(createHash('sha256').update(grant.grantId).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(grant.grantId);
    const issued = gd.ctx.ledger.forCase(caseId).filter((e) => e.action === 'review.join_grant_issued');
    expect(issued.at(-1)).toMatchObject({
      actor_name: 'site:hn',
      actor_role: 'peer-site',
      details: { sessionId, expiresAt: grant.expiresAt, reviewer: { displayName: '王审核', officeId: 'hn-cs-office', siteId: 'hn' } },
    });
  });

  it('the reviewer’s browser joins with the grant from hn’s page; a second browser with it is refused; that connection rejoins', async () => {
    const grant = await newGrant();
    const clerkSocket = await connect({ cookie: clerk.cookieHeader });
    expect((await rtcRequest(clerkSocket, 'rtc:join', { sessionId, clientId: 'clerk-tab' })).ok).toBe(true);
    const peerJoined = nextEvent(clerkSocket, 'rtc:peerJoined');

    const s = await connect({ grant: grant.grantId, origin: hn.url });
    const joined = await rtcRequest(s, 'rtc:join', { sessionId, clientId: 'hn-reviewer-tab' });
    if (!joined.ok) throw new Error(JSON.stringify(joined.error));
    expect(joined.data).toMatchObject({ role: 'reviewer', session: { id: sessionId, caseId } });
    expect(joined.data.recvTransport.iceCandidates.length).toBeGreaterThan(0);
    expect(await peerJoined).toMatchObject({ role: 'reviewer', displayName: '王审核（湖南省站点）' });
    const rejoinKey = joined.data.rejoinKey!;
    expect(rejoinKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    secrets.push(rejoinKey);
    expect(gd.ctx.ledger.forCase(caseId).some((e) => e.action === 'review.join_grant_used' && e.actor_name === 'site:hn')).toBe(true);

    // Used once: another browser holding the same grant is refused at the handshake.
    await expect(connectRtc(gd.url, { grant: grant.grantId, origin: hn.url })).rejects.toMatchObject({ code: 'GRANT_USED' });
    // The same connection joins again (what it does after its room's worker died, or new transports).
    expect(await rtcRequest(s, 'rtc:join', { sessionId, clientId: 'hn-reviewer-tab' })).toMatchObject({ ok: true, data: { rejoinKey } });
    // A reconnect (network loss, gd restarting) hands the rejoin key to the handshake and replaces the stale peer.
    const stalePeer = s.id;
    const left = nextEvent(clerkSocket, 'rtc:peerLeft');
    const again = await connect({ rejoin: rejoinKey, grant: grant.grantId, origin: hn.url });
    expect(await rtcRequest(again, 'rtc:join', { sessionId, clientId: 'hn-reviewer-tab' })).toMatchObject({
      ok: true,
      data: { role: 'reviewer' },
    });
    expect(await left).toMatchObject({ peerId: stalePeer });

    // That session's call only, and nothing of this site's own users.
    expect(await rtcRequest(again, 'rtc:join', { sessionId: otherSessionId, clientId: 'hn-reviewer-tab' })).toMatchObject({
      ok: false,
      error: { code: 'GRANT_WRONG_SESSION' },
    });
    expect(await rtcRequest(again, 'queue:subscribe', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_ROLE' } });
    expect(await rtcRequest(again, 'rtc:join', { selfTest: true, clientId: 'hn-check' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN_ROLE' },
    });
    again.close();
    clerkSocket.close();
  });

  it('a grant asked for without accepting the session opens no call', async () => {
    const grant = await hn.ctx.grants.request('gd', otherSessionId, hnReviewer);
    secrets.push(grant.grantId);
    const s = await connect({ grant: grant.grantId, origin: hn.url });
    expect(await rtcRequest(s, 'rtc:join', { sessionId: otherSessionId, clientId: 'hn-unaccepted' })).toMatchObject({
      ok: false,
      error: { code: 'GRANT_NOT_ACCEPTED' },
    });
    s.close();
  });

  it('a peer site’s page gets nothing without a grant: not with this site’s cookie, not on the default namespace', async () => {
    await expect(connectRtc(gd.url, { cookie: clerk.cookieHeader, origin: hn.url })).rejects.toMatchObject({ code: 'ORIGIN_FORBIDDEN' });
    await expect(connectRtc(gd.url, { grant: 'x'.repeat(43), origin: hn.url })).rejects.toMatchObject({ code: 'GRANT_UNKNOWN' });
    const main = io(gd.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: { cookie: clerk.cookieHeader, origin: hn.url },
    });
    await expect(
      new Promise((resolve, reject) => {
        main.once('connect', () => resolve('connected'));
        main.once('connect_error', (e) => reject(e));
      }),
    ).rejects.toThrow('ORIGIN_FORBIDDEN');
    main.close();
    // A page of a site that is not a peer does not get past the handshake, grant or not.
    const grant = await newGrant();
    await expect(connectRtc(gd.url, { grant: grant.grantId, origin: 'http://evil.example' })).rejects.toThrow();
  });

  it('an expired grant is refused; with gd’s clock two minutes ahead of hn’s a grant still works', async () => {
    const late = await newGrant();
    gdClock.offsetMs = JOIN_GRANT_TTL_MS + 1000;
    try {
      await expect(connect({ grant: late.grantId, origin: hn.url })).rejects.toMatchObject({ code: 'GRANT_EXPIRED' });
      expect((await grantGet(GRANT_API.case, late.grantId)).body.error.code).toBe('GRANT_EXPIRED');
    } finally {
      gdClock.offsetMs = 0;
    }

    gdClock.offsetMs = 2 * 60_000;
    try {
      const grant = await newGrant();
      // Issued on gd's clock: two minutes in hn's future, which hn accepted only within the tolerated skew.
      expect(grantUsable(grant, new Date(), { skewMs: 0 })).toEqual({ ok: false, reason: 'not_yet_valid' });
      const s = await connect({ grant: grant.grantId, origin: hn.url });
      expect(await rtcRequest(s, 'rtc:join', { sessionId, clientId: 'hn-skewed-tab' })).toMatchObject({
        ok: true,
        data: { role: 'reviewer' },
      });
      s.close();
    } finally {
      gdClock.offsetMs = 0;
    }
  });

  it('a third site is refused: an untrusted key, or a trusted site that does not host the case’s handling office', async () => {
    const sc = new SiteKeyring(path.join(tmp, 'sc-keys'), 'sc', undefined);
    const asSc = (reviewer: Record<string, string>, idempotencyKey: string) =>
      postSignedJson(gd, JOIN_GRANTS_PATH, joinRequest({ sessionId, reviewer }), { key: sc, site: 'sc', idempotencyKey });
    const untrusted = await asSc(reviewerOf('sc', 'sc-cd-office'), 'sc-1');
    expect([untrusted.status, untrusted.body.error.code]).toEqual([403, 'TRANSFER_KEY_UNTRUSTED']);

    gd.ctx.handoff.keys.trust(sc.exportLine());
    for (const [reviewer, key] of [
      [reviewerOf('sc', 'sc-cd-office'), 'sc-2'],
      // Claiming the handling office does not make sc its host: the office registry says hn.
      [reviewerOf('sc', 'hn-cs-office'), 'sc-3'],
    ] as const) {
      const r = await asSc(reviewer, key);
      expect([r.status, r.body.error.code]).toEqual([403, 'GRANT_SITE_MISMATCH']);
    }
    // hn itself, for a reviewer of an office it does not host, or of another office than the case's.
    const asHn = (reviewer: Record<string, string>, idempotencyKey: string) =>
      postSignedJson(gd, JOIN_GRANTS_PATH, joinRequest({ sessionId, reviewer }), { key: hn.ctx.handoff.keys, site: 'hn', idempotencyKey });
    expect((await asHn(reviewerOf('hn', 'sc-cd-office'), 'hn-x1')).body.error.code).toBe('GRANT_SITE_MISMATCH');
    expect((await asHn(reviewerOf('sc', 'hn-cs-office'), 'hn-x2')).body.error.code).toBe('GRANT_SITE_MISMATCH');

    // A signed request is answered once: its replay gets no second grant.
    const first = await asHn(reviewerOf('hn', 'hn-cs-office'), 'hn-once');
    expect(first.status).toBe(201);
    secrets.push(first.body.payload.grantId);
    const replay = await asHn(reviewerOf('hn', 'hn-cs-office'), 'hn-once');
    expect([replay.status, replay.body.error.code]).toEqual([409, 'GRANT_REQUEST_REPEATED']);
  });

  it('the grant reads that case’s materials and pre-check, CORS for hn’s page only, and never the intake site’s API', async () => {
    const grant = await newGrant();
    const view = await grantGet(GRANT_API.case, grant.grantId, hn.url);
    expect(view.status).toBe(200);
    expect(view.headers.get('access-control-allow-origin')).toBe(hn.url);
    expect(view.headers.get('access-control-allow-credentials')).toBeNull();
    expect(view.body).toMatchObject({ sessionId, caseId });
    expect(view.body.materials.length).toBeGreaterThan(0);
    const paged = view.body.precheck.materials.find((m: { pages: unknown[] }) => m.pages.length > 0);
    const page = paged.pages[0];
    expect(page.imageUrl).toBe(GRANT_API.page(paged.materialId, page.index + 1));
    expect(paged.findings).toBeInstanceOf(Array);

    const png = await grantGet(page.imageUrl, grant.grantId, hn.url);
    expect([png.status, png.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect(png.headers.get('access-control-allow-origin')).toBe(hn.url);
    const material = view.body.materials[0];
    const content = await grantGet(GRANT_API.content(material.id), grant.grantId, hn.url);
    expect(content.status).toBe(200);
    expect(gd.ctx.ledger.forCase(caseId).some((e) => e.action === 'material.viewed' && e.actor_name === 'site:hn')).toBe(true);
    // The ID photo for the face comparison: the very crop the clerk's desk gets, with how it was found readable cross-origin.
    const photo = await grantGet(GRANT_API.idPhoto, grant.grantId, hn.url);
    const local = await clerk.request('GET', `/api/cases/${caseId}/id-photo.png`);
    expect([photo.status, photo.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect(Buffer.from(photo.body as ArrayBuffer).equals(Buffer.from(local.body as ArrayBuffer))).toBe(true);
    expect(photo.headers.get('access-control-expose-headers')).toContain('X-Id-Photo-Source');
    expect(photo.headers.get('x-id-photo-source')).toBe(local.headers.get('x-id-photo-source'));

    // Preflight from hn's page; nothing for any other page.
    const preflight = await new ApiClient(gd.url).request('OPTIONS', GRANT_API.case, undefined, {
      origin: hn.url,
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'authorization',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toBe('Authorization');
    expect((await grantGet(GRANT_API.case, grant.grantId, 'http://evil.example')).headers.get('access-control-allow-origin')).toBeNull();

    // No other case, and no grant no read.
    expect((await grantGet(GRANT_API.content(otherCaseMaterialId), grant.grantId)).body.error.code).toBe('MATERIAL_NOT_FOUND');
    expect((await grantGet(GRANT_API.case, undefined)).body.error.code).toBe('GRANT_UNKNOWN');
    for (const p of ['/api/cases', `/api/cases/${caseId}`, `/api/cases/${caseId}/precheck`, `/api/review/sessions/${sessionId}`]) {
      const r = await grantGet(p, grant.grantId, hn.url);
      expect([p, r.status, r.body.error.code]).toEqual([p, 401, 'AUTH_REQUIRED']);
    }
  });

  it('once the session is decided, the grant reads nothing, joins nothing, and no grant is issued for it', async () => {
    const grant = await newGrant();
    const s = await connect({ grant: grant.grantId, origin: hn.url });
    const joined = await rtcRequest(s, 'rtc:join', { sessionId, clientId: 'hn-late-tab' });
    if (!joined.ok) throw new Error(JSON.stringify(joined.error));
    s.close();
    // The session ends with the reviewer's decision, made at hn and signed there.
    for (let i = 0; i < 200 && !hn.ctx.db.prepare('SELECT 1 FROM remote_review_requests WHERE session_id = ?').get(sessionId); i++)
      await new Promise((r) => setTimeout(r, 25));
    const reviewerAtHn = await ApiClient.login(hn.url, 'reviewer');
    expect((await reviewerAtHn.post(`/api/review/remote/${sessionId}/accept`)).status).toBe(200);
    const decided = await reviewerAtHn.post(`/api/review/remote/${sessionId}/decision`, { outcome: 'reject', reason: '测试：会审结束' });
    expect(decided.body.delivery, JSON.stringify(decided.body)).toBe('delivered');

    expect((await grantGet(GRANT_API.case, grant.grantId, hn.url)).body.error.code).toBe('GRANT_SESSION_CLOSED');
    await expect(connectRtc(gd.url, { rejoin: joined.data.rejoinKey!, origin: hn.url })).rejects.toMatchObject({
      code: 'GRANT_SESSION_CLOSED',
    });
    await expect(hn.ctx.grants.request('gd', sessionId, hnReviewer)).rejects.toMatchObject({
      code: 'PEER_SITE_REFUSED',
      details: { peerError: { code: 'GRANT_SESSION_CLOSED' } },
    });
  });

  it('no grant or rejoin key is in gd’s log output or audit trail', () => {
    expect(secrets.length).toBeGreaterThan(5);
    expect(gdLog.length).toBeGreaterThan(0);
    const log = gdLog.join('');
    const audit = JSON.stringify([...gd.ctx.ledger.all()]);
    for (const secret of secrets) {
      expect(log).not.toContain(secret);
      expect(audit).not.toContain(secret);
    }
    expect(gd.ctx.ledger.verify().ok).toBe(true);
  });
});
