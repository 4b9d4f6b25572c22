import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import {
  connectRtc,
  createPrecheckedCase,
  nextEvent,
  openActiveSession,
  rtcRequest,
  sfuTestConfig,
  type RtcClient,
} from '../support/reviewFixtures';

let srv: TestServer;
let clerk: ApiClient;
let reviewer: ApiClient;
let sessionId: string;
const sockets: RtcClient[] = [];
const connect = async (auth: { cookie?: string; token?: string }) => {
  const s = await connectRtc(srv.url, auth);
  sockets.push(s);
  return s;
};

beforeAll(async () => {
  srv = await startTestServer({ ...sfuTestConfig(44200), OCR_WORKERS: 1 });
  clerk = await ApiClient.login(srv.url, 'clerk');
  reviewer = await ApiClient.login(srv.url, 'reviewer');
  sessionId = await openActiveSession(clerk, reviewer, (await createPrecheckedCase(clerk)).id);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await srv?.stop();
});

const joinReq = (clientId: string) => ({ sessionId, clientId });
const sfuTotals = async () => (await srv.ctx.call.sfu.stats()).totals;
const waitFor = async (fn: () => Promise<boolean>, ms = 3000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
};

describe('/rtc signalling', () => {
  it('refuses a handshake without a login or an applicant key', async () => {
    await expect(connectRtc(srv.url, {})).rejects.toMatchObject({ code: 'AUTH_REQUIRED' });
    await expect(connectRtc(srv.url, { token: 'ak_nonsense' })).rejects.toMatchObject({ code: 'REVIEW_TOKEN_INVALID' });
  });

  it('the clerk joins with transports and router capabilities in one round trip; payloads are validated', async () => {
    const s = await connect({ cookie: clerk.cookieHeader });
    const bad = await rtcRequest(s, 'rtc:join', { sessionId: 42 } as never);
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await rtcRequest(s, 'rtc:createTransport', { direction: 'recv' })).toMatchObject({
      ok: false,
      error: { code: 'RTC_NOT_JOINED' },
    });

    const r = await rtcRequest(s, 'rtc:join', joinReq('clerk-tab'));
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.data.role).toBe('clerk');
    expect(r.data.routerRtpCapabilities).toHaveProperty('codecs');
    expect(r.data.recvTransport.iceCandidates.length).toBeGreaterThanOrEqual(2); // UDP + TCP
    expect(r.data.recvTransport.iceCandidates.map((c) => c['protocol']).sort()).toEqual(['tcp', 'udp']);
    expect(r.data.sendTransport).not.toBeNull();
    expect(r.data.session).toMatchObject({ id: sessionId, status: 'active' });
    expect(
      await rtcRequest(s, 'rtc:produce', {
        transportId: r.data.sendTransport!.id,
        kind: 'video',
        rtpParameters: {},
        source: 'hologram',
      } as never),
    ).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    s.close();
  });

  it("a join carrying the browser's DTLS parameters gets its transports connected in the same round trip", async () => {
    // The fingerprint of a certificate the browser made before joining (dtlsIdentity.ts).
    const dtlsParameters = {
      role: 'client' as const,
      fingerprints: [{ algorithm: 'sha-256' as const, value: Array(32).fill('AB').join(':') }],
    };
    const s = await connect({ cookie: clerk.cookieHeader });
    const r = await rtcRequest(s, 'rtc:join', { ...joinReq('clerk-dtls'), dtlsParameters });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.data.transportsConnected).toBe(true);
    // Connected already: mediasoup refuses a second connect of either transport.
    for (const t of [r.data.recvTransport, r.data.sendTransport!]) {
      expect(await rtcRequest(s, 'rtc:connectTransport', { transportId: t.id, dtlsParameters })).toMatchObject({
        ok: false,
        error: { code: 'RTC_REQUEST_FAILED' },
      });
    }
    // Without them the client connects each transport by asking, as before.
    const plain = await rtcRequest(s, 'rtc:join', joinReq('clerk-dtls'));
    if (!plain.ok) throw new Error(JSON.stringify(plain.error));
    expect(plain.data.transportsConnected).toBe(false);
    expect(await rtcRequest(s, 'rtc:connectTransport', { transportId: plain.data.recvTransport.id, dtlsParameters })).toEqual({
      ok: true,
      data: {},
    });
    expect(await rtcRequest(s, 'rtc:join', { ...joinReq('clerk-dtls'), dtlsParameters: 'not json' } as never)).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    s.close();
    expect(await waitFor(async () => (await sfuTotals()).transports === 0)).toBe(true);
  });

  it("a join carrying the browser's RTP capabilities gets the room's producers consumed, resumed, in the same round trip", async () => {
    const sender = await connect({ cookie: clerk.cookieHeader });
    const sent = await rtcRequest(sender, 'rtc:join', joinReq('clerk-sends'));
    if (!sent.ok) throw new Error(JSON.stringify(sent.error));
    const produced = await rtcRequest(sender, 'rtc:produce', {
      transportId: sent.data.sendTransport!.id,
      kind: 'video',
      rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 }], encodings: [{ ssrc: 4242 }] },
      source: 'camera',
    });
    if (!produced.ok) throw new Error(JSON.stringify(produced.error));
    const { producerId } = produced.data;
    const consumersBefore = (await sfuTotals()).consumers;

    const receiver = await connect({ cookie: reviewer.cookieHeader });
    const vp8 = { codecs: sent.data.routerRtpCapabilities.codecs!.filter((c) => c.mimeType === 'video/VP8') };
    const r = await rtcRequest(receiver, 'rtc:join', { ...joinReq('reviewer-caps'), produce: false, rtpCapabilities: vp8 });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.data.producers.map((p) => p.producerId)).toEqual([producerId]);
    expect(r.data.consumers).toEqual([
      expect.objectContaining({ producerId, kind: 'video', source: 'camera', peerId: sent.data.peerId, producerPaused: false }),
    ]);
    expect(r.data.consumers[0]!.rtpParameters.codecs.map((c) => c.mimeType)).toEqual(['video/VP8']);
    expect((await sfuTotals()).consumers).toBe(consumersBefore + 1);
    // A consumer of this peer's: it answers for it by id.
    expect(await rtcRequest(receiver, 'rtc:pauseConsumer', { consumerId: r.data.consumers[0]!.id })).toEqual({ ok: true, data: {} });

    // What the browser cannot decode is left for it to ask for (and to be told why not).
    const opusOnly = { codecs: sent.data.routerRtpCapabilities.codecs!.filter((c) => c.mimeType === 'audio/opus') };
    const audio = await rtcRequest(receiver, 'rtc:join', { ...joinReq('reviewer-caps'), produce: false, rtpCapabilities: opusOnly });
    if (!audio.ok) throw new Error(JSON.stringify(audio.error));
    expect(audio.data.producers.map((p) => p.producerId)).toEqual([producerId]);
    expect(audio.data.consumers).toEqual([]);
    expect(await rtcRequest(receiver, 'rtc:consume', { transportId: audio.data.recvTransport.id, producerId })).toMatchObject({
      ok: false,
      error: { code: 'SFU_CANNOT_CONSUME' },
    });
    // Without capabilities nothing is consumed in the join.
    const plain = await rtcRequest(receiver, 'rtc:join', { ...joinReq('reviewer-caps'), produce: false });
    expect(plain.ok && plain.data.consumers).toEqual([]);
    receiver.close();
    sender.close();
    expect(await waitFor(async () => (await sfuTotals()).transports === 0)).toBe(true);
  });

  it('only the intake office, the handling office and the applicant may join', async () => {
    for (const username of ['clerk2', 'reviewer2', 'admin']) {
      const other = await ApiClient.login(srv.url, username);
      const s = await connect({ cookie: other.cookieHeader });
      const r = await rtcRequest(s, 'rtc:join', joinReq(`${username}-tab`));
      expect(r, username).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_OFFICE' } });
    }
    const rev = await connect({ cookie: reviewer.cookieHeader });
    expect((await rtcRequest(rev, 'rtc:join', joinReq('reviewer-tab'))).ok).toBe(true);

    const link = await clerk.post(`/api/review/sessions/${sessionId}/applicant-link`);
    const pass = await new ApiClient(srv.url).post('/api/review/applicant/redeem', { token: link.body.token });
    const applicant = await connect({ token: pass.body.key });
    const joined = await rtcRequest(applicant, 'rtc:join', { ...joinReq('phone'), produce: true });
    expect(joined).toMatchObject({ ok: true, data: { role: 'applicant' } });
    // An applicant may not publish the document camera, nor steer the shared viewer.
    const sendId = joined.ok ? joined.data.sendTransport!.id : '';
    expect(
      await rtcRequest(applicant, 'rtc:produce', { transportId: sendId, kind: 'video', rtpParameters: { codecs: [] }, source: 'document' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN_ROLE' },
    });
    expect(await rtcRequest(applicant, 'viewer:update', { materialId: null, page: 1, zoom: 1, pointer: null })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN_ROLE' },
    });
    // The consent question is the applicant's to answer on the phone, once; staff record theirs with the checklist.
    expect(await rtcRequest(rev, 'review:consent', { recordingAllowed: false, snapshotsAllowed: true })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN_ROLE' },
    });
    expect(
      await rtcRequest(applicant, 'review:consent', { recordingAllowed: false, snapshotsAllowed: true, extra: 1 } as never),
    ).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    const updated = nextEvent(rev, 'review:updated');
    expect(await rtcRequest(applicant, 'review:consent', { recordingAllowed: false, snapshotsAllowed: true })).toEqual({
      ok: true,
      data: {},
    });
    expect((await updated).consent).toMatchObject({
      snapshotsAllowed: true,
      recordingAllowed: false,
      recordedBy: expect.stringMatching(/^申请人 .+（本人手机确认）$/),
    });
    const consentEvents = [...srv.ctx.ledger.all()].filter(
      (e) => e.action === 'review.consent_recorded' && (e.details as { sessionId?: string }).sessionId === sessionId,
    );
    expect(consentEvents.map((e) => [e.actor_role, (e.details as { via?: string }).via])).toEqual([['applicant', 'applicant_phone']]);
    expect(await rtcRequest(applicant, 'review:consent', { recordingAllowed: true, snapshotsAllowed: true })).toMatchObject({
      ok: false,
      error: { code: 'REVIEW_CONSENT_ALREADY_RECORDED' },
    });
    // The key opens this session only.
    const otherSession = await openActiveSession(clerk, reviewer, (await createPrecheckedCase(clerk)).id);
    expect(await rtcRequest(applicant, 'rtc:join', { sessionId: otherSession, clientId: 'phone' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN_OFFICE' },
    });
    rev.close();
    applicant.close();
  });

  it('refuses an expired applicant key at the handshake', async () => {
    const link = await clerk.post(`/api/review/sessions/${sessionId}/applicant-link`);
    const pass = await new ApiClient(srv.url).post('/api/review/applicant/redeem', { token: link.body.token });
    srv.ctx.db.prepare("UPDATE review_applicant_tokens SET expires_at = '2000-01-01T00:00:00.000Z' WHERE kind = 'key'").run();
    await expect(connectRtc(srv.url, { token: pass.body.key })).rejects.toMatchObject({ code: 'REVIEW_TOKEN_EXPIRED' });
  });

  it('closing a socket frees its transports; a rejoin with the same client id replaces the stale peer', async () => {
    expect(await waitFor(async () => (await sfuTotals()).transports === 0)).toBe(true);
    const a = await connect({ cookie: clerk.cookieHeader });
    const b = await connect({ cookie: reviewer.cookieHeader });
    await rtcRequest(a, 'rtc:join', joinReq('clerk-tab'));
    const peerJoined = nextEvent(a, 'rtc:peerJoined');
    await rtcRequest(b, 'rtc:join', joinReq('reviewer-tab'));
    expect((await peerJoined).role).toBe('reviewer');
    expect((await sfuTotals()).transports).toBe(4);

    // Same tab, new socket (as after a network loss): the old socket is replaced, not duplicated.
    const a2 = await connect({ cookie: clerk.cookieHeader });
    const joined = await rtcRequest(a2, 'rtc:join', joinReq('clerk-tab'));
    expect(joined.ok && joined.data.peers.map((p) => p.role)).toEqual(['reviewer']);
    expect((await sfuTotals()).transports).toBe(4);
    expect(await waitFor(async () => !a.connected)).toBe(true);

    const left = nextEvent(b, 'rtc:peerLeft');
    a2.close();
    expect((await left).peerId).toBe(joined.ok ? joined.data.peerId : '');
    expect(await waitFor(async () => (await sfuTotals()).transports === 2)).toBe(true);
    b.close();
    expect(await waitFor(async () => (await sfuTotals()).transports === 0)).toBe(true);
    expect((await sfuTotals()).rooms).toBe(0);
  });

  it('exposes worker stats in /api/health and, to supervisors, per-room figures', async () => {
    const health = await new ApiClient(srv.url).get('/api/health');
    expect(health.body.sfu.workers).toHaveLength(1);
    expect(health.body.sfu.workers[0]).toMatchObject({ alive: true, pid: expect.any(Number), routers: expect.any(Number) });
    expect((await clerk.get('/api/sfu/stats')).body.error.code).toBe('FORBIDDEN_ROLE');
    const supervisor = await ApiClient.login(srv.url, 'supervisor');
    const stats = await supervisor.get('/api/sfu/stats');
    expect(stats.status).toBe(200);
    expect(stats.body.totals).toMatchObject({ rooms: expect.any(Number), consumers: expect.any(Number) });
    expect(stats.body.workers[0].cpu).toHaveProperty('user');
  });

  it('pushes the decision to the clerk, and queue changes to the handling office', async () => {
    const rev = await connect({ cookie: reviewer.cookieHeader });
    const queue = await rtcRequest(rev, 'queue:subscribe', {});
    expect(queue.ok).toBe(true);
    const c = await createPrecheckedCase(clerk);
    const changed = nextEvent(rev, 'queue:changed');
    const req = await clerk.post(`/api/cases/${c.id}/review`);
    expect((await changed).map((e) => e.sessionId)).toContain(req.body.id);
    await reviewer.post(`/api/review/sessions/${req.body.id}/accept`);

    const cs = await connect({ cookie: clerk.cookieHeader });
    await rtcRequest(cs, 'rtc:join', { sessionId: req.body.id, clientId: 'clerk-x' });
    const update = nextEvent(cs, 'review:updated');
    await reviewer.post(`/api/review/sessions/${req.body.id}/decision`, { outcome: 'reject', reason: '不属于本事项受理范围' });
    expect((await update).decision).toMatchObject({ outcome: 'reject', reason: '不属于本事项受理范围' });
    const clerkCannotSubscribe = await rtcRequest(cs, 'queue:subscribe', {});
    expect(clerkCannotSubscribe).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_ROLE' } });
  });
});
