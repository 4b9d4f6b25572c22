import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnnotationView } from '@tongban/shared/annotations/annotations';
import type { SessionUser } from '@tongban/server/auth/AuthService';
import { ApiClient, type TestServer } from '../support/testServer';
import { startTwoSites } from '../support/twoSites';
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
 * 批注 across sites: the handling site's reviewer, in the intake site's call with a join grant,
 * draws on the shared materials by the same socket rules as a reviewer with an account there —
 * named as their site vouched for them, the audit event saying through which site — and takes back
 * only their own marks, also after a reconnect with the rejoin key.
 */
let gd: TestServer;
let hn: TestServer;
let clerk: ApiClient;
let hnReviewer: SessionUser;
let caseId: string;
let sessionId: string;
let materialId: string;
const sockets: RtcClient[] = [];
const connect = async (auth: Parameters<typeof connectRtc>[1]) => {
  const s = await connectRtc(gd.url, auth);
  sockets.push(s);
  return s;
};
const box = { x0: 0.2, y0: 0.2, x1: 0.4, y1: 0.3 };

beforeAll(async () => {
  ({ gd, hn } = await startTwoSites({ gd: sfuTestConfig(49200), server: { ocr: 'printed-text' } }));
  clerk = await ApiClient.login(gd.url, 'clerk');
  hnReviewer = hn.ctx.auth.userByName('reviewer')!;
  caseId = (await createPrecheckedCase(clerk)).id;
  sessionId = await requestReview(clerk, caseId);
  materialId = gd.ctx.materials.list(caseId)[0]!.id;
}, 120_000);
afterAll(async () => {
  for (const s of sockets) s.close();
  await gd?.stop();
  await hn?.stop();
});

describe('marks drawn by a peer site’s reviewer', () => {
  it('are passed on, stored and audited as theirs (via site:hn); only they take them back, also after a reconnect', async () => {
    const grant = await hn.ctx.grants.request('gd', sessionId, hnReviewer, { accept: true });
    const clerkSocket = await connect({ cookie: clerk.cookieHeader });
    expect((await rtcRequest(clerkSocket, 'rtc:join', { sessionId, clientId: 'clerk-tab', produce: false })).ok).toBe(true);
    const peer = await connect({ grant: grant.grantId, origin: hn.url });
    const joined = await rtcRequest(peer, 'rtc:join', { sessionId, clientId: 'hn-tab', produce: false });
    if (!joined.ok) throw new Error(JSON.stringify(joined.error));

    const seen = nextEvent(clerkSocket, 'annot:added');
    const added = await rtcRequest(peer, 'annot:add', { materialId, page: 1, geometry: { kind: 'box', box }, note: '印章不清' });
    expect(added).toMatchObject({ ok: true, data: { authorName: '王审核（湖南省站点）', authorRole: 'reviewer', kind: 'box' } });
    const mark = (added as { data: AnnotationView }).data;
    expect((await seen).id).toBe(mark.id);
    const event = gd.ctx.ledger.forCase(caseId).find((e) => e.action === 'annotation.added')!;
    expect(event).toMatchObject({
      actor_id: null,
      actor_role: 'reviewer',
      details: { annotationId: mark.id, via: 'site:hn', reviewer: { siteId: 'hn', officeId: 'hn-cs-office' } },
    });
    expect(JSON.stringify(event.details)).not.toContain(grant.grantId);

    // The clerk may not take the reviewer's mark back.
    expect(await rtcRequest(clerkSocket, 'annot:remove', { annotationId: mark.id })).toMatchObject({
      ok: false,
      error: { code: 'ANNOTATION_NOT_AUTHOR' },
    });
    // A reconnect with the rejoin key: the reviewer's marks are theirs still.
    peer.close();
    const again = await connect({ rejoin: joined.data.rejoinKey!, origin: hn.url });
    const rejoined = await rtcRequest(again, 'rtc:join', { sessionId, clientId: 'hn-tab', produce: false });
    if (!rejoined.ok) throw new Error(JSON.stringify(rejoined.error));
    expect(rejoined.data.annotations.map((a) => a.id)).toEqual([mark.id]);
    expect(rejoined.data.ownAnnotationIds).toEqual([mark.id]);
    const told = nextEvent(clerkSocket, 'annot:removed');
    expect(await rtcRequest(again, 'annot:remove', { annotationId: mark.id })).toEqual({ ok: true, data: {} });
    expect(await told).toEqual({ annotationId: mark.id });
    expect(gd.ctx.ledger.forCase(caseId).filter((e) => e.action === 'annotation.removed')).toHaveLength(1);
  });
});
