import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import { connectRtc, createPrecheckedCase, openActiveSession, rtcRequest, sfuTestConfig, type RtcClient } from '../support/reviewFixtures';

/** Resource limits on /rtc (one account cannot take the SFU's ports) and rejoining a room one was alone in. */

let srv: TestServer;
let clerk: ApiClient;
let reviewer: ApiClient;
let sessionId: string;
let sockets: RtcClient[] = [];
const connect = async (auth: { cookie?: string; token?: string }) => {
  const s = await connectRtc(srv.url, auth);
  sockets.push(s);
  return s;
};
const sfuTotals = async () => (await srv.ctx.call.sfu.stats()).totals;
const waitFor = async (fn: () => Promise<boolean>, ms = 5000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
};
/** The server has seen every closed socket go: no peers, transports or rooms left. */
const allFreed = () => waitFor(async () => Object.values(await sfuTotals()).every((n) => n === 0));
const selfTest = (s: RtcClient, clientId = 'check-tab') => rtcRequest(s, 'rtc:join', { selfTest: true, clientId });
const joinSession = (s: RtcClient, clientId: string) => rtcRequest(s, 'rtc:join', { sessionId, clientId });

beforeAll(async () => {
  srv = await startTestServer({ ...sfuTestConfig(46800), OCR_WORKERS: 1 });
  clerk = await ApiClient.login(srv.url, 'clerk');
  reviewer = await ApiClient.login(srv.url, 'reviewer');
  sessionId = await openActiveSession(clerk, reviewer, (await createPrecheckedCase(clerk)).id);
});
afterEach(async () => {
  for (const s of sockets) s.close();
  sockets = [];
  expect(await allFreed()).toBe(true);
});
afterAll(async () => {
  await srv?.stop();
});

describe('/rtc resource limits', () => {
  it('refuses connections beyond the per-account cap with a coded error, and counts closed ones out', async () => {
    const max = srv.ctx.config.RTC_MAX_SOCKETS_PER_USER;
    const open = [];
    for (let i = 0; i < max; i++) open.push(await connect({ cookie: clerk.cookieHeader }));
    const refused = connectRtc(srv.url, { cookie: clerk.cookieHeader });
    await expect(refused).rejects.toMatchObject({ code: 'RTC_TOO_MANY_CONNECTIONS' });
    // Another account is not affected.
    const rev = await connect({ cookie: reviewer.cookieHeader });
    expect((await joinSession(rev, 'reviewer-tab')).ok).toBe(true);

    // Closing one tab frees its slot (once the server has seen it go).
    open[0]!.close();
    let again: RtcClient | undefined;
    expect(await waitFor(async () => Boolean((again = await connect({ cookie: clerk.cookieHeader }).catch(() => undefined))))).toBe(true);
    expect((await selfTest(again!)).ok).toBe(true);

    // After closing everything the account has all its slots back.
    for (const s of sockets) s.close();
    sockets = [];
    expect(await allFreed()).toBe(true);
    for (let i = 0; i < max; i++) await connect({ cookie: clerk.cookieHeader });
  });

  it('refuses the handshake message to say what to do', async () => {
    for (let i = 0; i < srv.ctx.config.RTC_MAX_SOCKETS_PER_USER; i++) await connect({ cookie: clerk.cookieHeader });
    const err = await connectRtc(srv.url, { cookie: clerk.cookieHeader }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'RTC_TOO_MANY_CONNECTIONS' });
    // connectRtc keeps only the code; the messages travel in connect_error's data.
    const raw = io(`${srv.url}/rtc`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: { cookie: clerk.cookieHeader },
    });
    const data = await new Promise<{ code: string; message_en: string; message_zh: string }>((resolve) =>
      raw.once('connect_error', (e) => resolve((e as unknown as { data: { code: string; message_en: string; message_zh: string } }).data)),
    );
    raw.close();
    expect(data.code).toBe('RTC_TOO_MANY_CONNECTIONS');
    expect(data.message_en).toMatch(/close the other/);
    expect(data.message_zh).toMatch(/关闭/);
  });

  it("counts all of one session's applicant keys together", async () => {
    const applicantKey = async (): Promise<string> => {
      const link = await clerk.post(`/api/review/sessions/${sessionId}/applicant-link`);
      return (await new ApiClient(srv.url).post('/api/review/applicant/redeem', { token: link.body.token })).body.key;
    };
    const first = await applicantKey();
    for (let i = 0; i < srv.ctx.config.RTC_MAX_SOCKETS_PER_APPLICANT; i++) await connect({ token: first });
    // A new QR code for the same session does not bring new slots.
    await expect(connectRtc(srv.url, { token: await applicantKey() })).rejects.toMatchObject({ code: 'RTC_TOO_MANY_CONNECTIONS' });
  });

  it('refuses transports beyond the per-peer cap, even when requested all at once', async () => {
    const max = srv.ctx.config.RTC_MAX_TRANSPORTS_PER_PEER;
    const s = await connect({ cookie: clerk.cookieHeader });
    expect((await selfTest(s)).ok).toBe(true); // recv + send
    // Sent back to back: each must see the ones still being made.
    const results = await Promise.all(Array.from({ length: max + 3 }, () => rtcRequest(s, 'rtc:createTransport', { direction: 'recv' })));
    expect(results.filter((r) => r.ok)).toHaveLength(max - 2);
    expect(results.find((r) => !r.ok)).toMatchObject({ ok: false, error: { code: 'RTC_TOO_MANY_TRANSPORTS' } });
    expect((await sfuTotals()).transports).toBe(max);
  });

  it('caps transports per account across tabs; another user can still join while the first is at the cap', async () => {
    const perPeer = srv.ctx.config.RTC_MAX_TRANSPORTS_PER_PEER;
    const perUser = srv.ctx.config.RTC_MAX_TRANSPORTS_PER_USER;
    expect(perUser % perPeer).toBe(0); // the test fills the account's cap with full tabs
    const tabs: RtcClient[] = [];
    for (let i = 0; i < perUser / perPeer; i++) {
      const s = await connect({ cookie: clerk.cookieHeader });
      expect((await joinSession(s, `clerk-tab-${i}`)).ok).toBe(true);
      for (let t = 2; t < perPeer; t++) expect((await rtcRequest(s, 'rtc:createTransport', { direction: 'send' })).ok).toBe(true);
      tabs.push(s);
    }
    const extra = await connect({ cookie: clerk.cookieHeader });
    expect(await joinSession(extra, 'clerk-extra')).toMatchObject({ ok: false, error: { code: 'RTC_TOO_MANY_TRANSPORTS' } });
    expect((await srv.ctx.call.sfu.stats()).totals.transports).toBe(perUser);

    const rev = await connect({ cookie: reviewer.cookieHeader });
    expect((await joinSession(rev, 'reviewer-tab')).ok).toBe(true);

    tabs[0]!.close();
    expect(await waitFor(async () => (await joinSession(extra, 'clerk-extra')).ok)).toBe(true);
  });

  it('caps open /check self-tests per account', async () => {
    const max = srv.ctx.config.RTC_MAX_SELF_TESTS_PER_USER;
    const tabs: RtcClient[] = [];
    for (let i = 0; i < max; i++) {
      const s = await connect({ cookie: clerk.cookieHeader });
      expect((await selfTest(s, `check-${i}`)).ok).toBe(true);
      tabs.push(s);
    }
    const extra = await connect({ cookie: clerk.cookieHeader });
    expect(await selfTest(extra, 'check-extra')).toMatchObject({ ok: false, error: { code: 'RTC_TOO_MANY_SELF_TESTS' } });
    // A call is not a self-test.
    expect((await joinSession(extra, 'clerk-tab')).ok).toBe(true);
    // Rejoining one's own self-test is not a new one.
    expect((await selfTest(tabs[0]!, 'check-0')).ok).toBe(true);
    expect((await rtcRequest(tabs[1]!, 'rtc:leave', {})).ok).toBe(true);
    expect((await selfTest(extra, 'check-extra')).ok).toBe(true);
  });

  it('one room at a time: two joins sent at once leave the socket a peer of the last room only', async () => {
    const s = await connect({ cookie: clerk.cookieHeader });
    const [a, b] = await Promise.all([selfTest(s), joinSession(s, 'clerk-tab')]);
    expect(a.ok && b.ok).toBe(true);
    expect(await sfuTotals()).toMatchObject({ rooms: 1, peers: 1, transports: 2 });
  });
});

describe('rejoining a room one was alone in', () => {
  it('succeeds every time, for a self-test and for a session room', async () => {
    const s = await connect({ cookie: clerk.cookieHeader });
    for (let i = 0; i < 10; i++) expect(await selfTest(s), `self-test rejoin ${i}`).toMatchObject({ ok: true });
    for (let i = 0; i < 10; i++) expect(await joinSession(s, 'clerk-tab'), `session rejoin ${i}`).toMatchObject({ ok: true });
    expect(await sfuTotals()).toMatchObject({ rooms: 1, peers: 1, transports: 2 });
  });

  it('succeeds when the leave and the join are sent back to back', async () => {
    const s = await connect({ cookie: clerk.cookieHeader });
    expect((await selfTest(s)).ok).toBe(true);
    for (let i = 0; i < 10; i++) {
      const [left, joined] = await Promise.all([rtcRequest(s, 'rtc:leave', {}), selfTest(s)]);
      expect(left.ok, `leave ${i}`).toBe(true);
      expect(joined, `rejoin ${i}`).toMatchObject({ ok: true });
    }
  });
});
