import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeHandler, testFakeParameters, type types } from 'mediasoup-client';
import type { Ack, AckError, JoinResponse } from '@tongban/shared/signalling/events';
import { CallClient, type CallState } from '../../client/src/features/call/rtc/CallClient';
import { DefaultReconnectPolicy, type ReconnectPolicy } from '../../client/src/features/call/rtc/ReconnectPolicy';
import { PeerSiteCredential, type RtcError, type RtcSocket } from '../../client/src/features/call/rtc/signalling';

/** What the fake server does with one request: answer it, or stay silent (the client times out). */
type Answer = Ack<unknown> | 'silent';

/**
 * The part of a socket.io client socket CallClient uses: on/off/once for server events, and
 * timeout(ms).emit(event, req, ack) for requests. The test plays the server through `answer`
 * and `serverSends`.
 */
class FakeSocket extends EventEmitter {
  connected = true;
  active = true;
  readonly requests: Array<{ event: string; req: unknown; at: number }> = [];

  constructor(private readonly answer: (event: string, req: unknown) => Answer) {
    super();
  }

  timeout(ms: number) {
    return {
      emit: (event: string, req: unknown, cb: (err: Error | null, ack?: Ack<unknown>) => void) => {
        this.requests.push({ event, req, at: Date.now() });
        const a = this.answer(event, req);
        if (a === 'silent') setTimeout(() => cb(new Error('operation has timed out')), ms);
        else queueMicrotask(() => cb(null, a));
      },
    };
  }

  joins(): number[] {
    return this.requests.filter((r) => r.event === 'rtc:join').map((r) => r.at);
  }

  serverSends(event: string, payload: unknown = {}): void {
    this.emit(event, payload);
  }

  /** The network drops: socket.io reports the disconnect and keeps trying (active stays true). */
  drop(): void {
    this.connected = false;
    this.emit('disconnect', 'transport close');
  }

  /** socket.io got through again. */
  reconnect(): void {
    this.connected = true;
    this.emit('connect');
  }

  connect(): this {
    this.active = true;
    if (!this.connected) this.reconnect();
    return this;
  }

  disconnect(): this {
    this.active = false;
    if (this.connected) {
      this.connected = false;
      this.emit('disconnect', 'io client disconnect');
    }
    return this;
  }

  close(): this {
    return this.disconnect();
  }
}

const refused = (code: string): Ack<unknown> => ({
  ok: false,
  error: { code, message_zh: `拒绝：${code}`, message_en: `refused: ${code}` } satisfies AckError,
});

let peerSeq = 0;
function joined(): Ack<JoinResponse> {
  return {
    ok: true,
    data: {
      peerId: `peer-${++peerSeq}`,
      role: 'reviewer',
      routerRtpCapabilities: testFakeParameters.generateRouterRtpCapabilities() as unknown as Record<string, unknown>,
      sendTransport: null,
      recvTransport: testFakeParameters.generateTransportRemoteParameters() as unknown as JoinResponse['recvTransport'],
      transportsConnected: false,
      producers: [],
      consumers: [],
      annotations: [],
      ownAnnotationIds: [],
      peers: [],
      viewer: null,
      session: null,
    },
  };
}

const ok: Ack<unknown> = { ok: true, data: {} };

/** Lets promise chains (acks, mediasoup's device and transport set-up) run without moving the clock. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await vi.advanceTimersByTimeAsync(0);
}

function start(answer: (event: string, req: unknown) => Answer, reconnectPolicy?: ReconnectPolicy) {
  const socket = new FakeSocket(answer);
  const handlers: FakeHandler[] = [];
  const base = FakeHandler.createFactory(testFakeParameters);
  const handlerFactory: types.HandlerFactory = {
    ...base,
    factory: (options) => {
      const h = base.factory(options) as FakeHandler;
      handlers.push(h);
      return h;
    },
  };
  const client = new CallClient({
    target: { sessionId: 'session-1' },
    produce: false,
    socketFactory: () => socket as unknown as RtcSocket,
    handlerFactory,
    ...(reconnectPolicy ? { reconnectPolicy } : {}),
  });
  const states: CallState[] = [];
  const errors: RtcError[] = [];
  client.on('state', (s) => states.push(s));
  client.on('error', (e) => errors.push(e));
  const joining = client.join();
  joining.catch(() => undefined); // asserted where a test expects the rejection
  return { socket, client, states, errors, handlers, joining };
}

describe('CallClient reconnecting (fake socket, mediasoup FakeHandler)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('retries a transient failure (a timeout, a refusal) with the policy’s backoff, then connects', async () => {
    let attempt = 0;
    const { socket, client, states, errors, joining } = start((event) => {
      if (event !== 'rtc:join') return ok;
      attempt++;
      if (attempt === 1) return 'silent';
      if (attempt === 2) return refused('RTC_UNAVAILABLE');
      return joined();
    });
    await vi.advanceTimersByTimeAsync(7000);
    await settle();
    const res = await joining;
    // 6 s request timeout, then 250 ms; a refusal, then 500 ms.
    expect(socket.joins()).toEqual([0, 6250, 6750]);
    expect(res.peerId).toBe(client.peerId);
    expect(states).toEqual(['reconnecting', 'connected']);
    expect(errors).toEqual([]);
  });

  it('a refusal retrying cannot fix fails at once, with the server’s message', async () => {
    const { socket, states, errors, joining } = start((event) => (event === 'rtc:join' ? refused('FORBIDDEN_OFFICE') : ok));
    await expect(joining).rejects.toMatchObject({ code: 'FORBIDDEN_OFFICE' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(socket.joins()).toEqual([0]);
    expect(states).toEqual(['failed']);
    expect(errors.map((e) => [e.code, e.message_zh])).toEqual([['FORBIDDEN_OFFICE', '拒绝：FORBIDDEN_OFFICE']]);
  });

  it('gives up when the default policy does (three minutes of failures) with a clear message, and stays down', async () => {
    const { socket, client, states, errors, joining } = start((event) => (event === 'rtc:join' ? refused('RTC_UNAVAILABLE') : ok));
    await vi.advanceTimersByTimeAsync(179_000);
    expect(client.state).toBe('reconnecting');
    expect(errors).toEqual([]);
    await vi.advanceTimersByTimeAsync(5_000);
    await expect(joining).rejects.toMatchObject({ code: 'RTC_GAVE_UP' });
    expect(states).toEqual(['reconnecting', 'failed']);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message_zh).toContain('请检查网络后刷新页面');
    expect(errors[0]?.message_en).toContain('last error RTC_UNAVAILABLE');
    // 0, 0.25, 0.75, 1.75, 3.75 s, then every 4 s until 183.75 s, the first failure past 180 s.
    const joins = socket.joins();
    expect(joins.slice(0, 6)).toEqual([0, 250, 750, 1750, 3750, 7750]);
    expect(joins.at(-1)).toBe(183_750);
    // Final: the socket is closed, and nothing starts over later.
    expect(socket.connected).toBe(false);
    socket.reconnect();
    socket.serverSends('rtc:roomReset');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(socket.joins()).toHaveLength(joins.length);
    expect(client.state).toBe('failed');
  });

  it('takes a shorter give-up bound from a custom policy', async () => {
    const policy = new DefaultReconnectPolicy({ giveUpAfterMs: 1000 });
    const { socket, states, joining } = start((event) => (event === 'rtc:join' ? refused('RTC_UNAVAILABLE') : ok), policy);
    await vi.advanceTimersByTimeAsync(2000);
    await expect(joining).rejects.toMatchObject({ code: 'RTC_GAVE_UP' });
    expect(socket.joins()).toEqual([0, 250, 750, 1750]);
    expect(states).toEqual(['reconnecting', 'failed']);
  });

  it('restarts ICE only after the policy’s grace on a disconnected transport, and rejoins if that does not help', async () => {
    const policy = new DefaultReconnectPolicy({ iceGraceMs: 800, iceRestartTimeoutMs: 2000 });
    const { socket, client, handlers, joining } = start((event) => {
      if (event === 'rtc:join') return joined();
      if (event === 'rtc:restartIce')
        return { ok: true, data: { iceParameters: testFakeParameters.generateTransportRemoteParameters().iceParameters } };
      return ok;
    }, policy);
    await settle();
    await joining;
    const recv = handlers.at(-1)!;
    recv.setConnectionState('connected');
    const restarts = () => socket.requests.filter((r) => r.event === 'rtc:restartIce').length;

    // A blip that heals within the grace: nothing to do.
    recv.setConnectionState('disconnected');
    await vi.advanceTimersByTimeAsync(700);
    recv.setConnectionState('connected');
    await vi.advanceTimersByTimeAsync(5000);
    expect(restarts()).toBe(0);
    expect(client.state).toBe('connected');

    // A real loss: ICE restart at the grace, a rejoin when the restarted ICE is still down.
    recv.setConnectionState('disconnected');
    await vi.advanceTimersByTimeAsync(799);
    expect(restarts()).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(restarts()).toBe(1);
    expect(client.state).toBe('reconnecting');
    expect(socket.joins()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2000);
    await settle();
    expect(socket.joins()).toHaveLength(2);
    expect(client.state).toBe('connected');
  });

  it('rejoins on a new router after an SFU worker death (room reset)', async () => {
    const { socket, client, joining } = start((event) => (event === 'rtc:join' ? joined() : ok));
    await settle();
    await joining;
    const first = client.peerId;
    socket.serverSends('rtc:roomReset');
    await settle();
    expect(socket.joins()).toHaveLength(2);
    expect(client.peerId).not.toBe(first);
    expect(client.state).toBe('connected');
  });

  it('shows reconnecting while the socket is down and rejoins when it is back', async () => {
    const { socket, client, states, joining } = start((event) => (event === 'rtc:join' ? joined() : ok));
    await settle();
    await joining;
    socket.drop();
    expect(client.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(30_000);
    socket.reconnect();
    await settle();
    expect(socket.joins()).toHaveLength(2);
    expect(states).toEqual(['connected', 'reconnecting', 'connected']);
  });

  it('a peer site’s call: the grant signs the first handshake, the join’s rejoin key every later one', async () => {
    const peer = new PeerSiteCredential('http://gd.example', 'the-grant');
    expect(peer.auth()).toEqual({ grant: 'the-grant' });
    const socket = new FakeSocket((event) => {
      if (event !== 'rtc:join') return ok;
      const r = joined();
      return r.ok ? { ok: true, data: { ...r.data, rejoinKey: 'the-rejoin-key' } } : r;
    });
    const client = new CallClient({
      target: { sessionId: 'session-1' },
      produce: false,
      peer,
      socketFactory: () => socket as unknown as RtcSocket,
      handlerFactory: FakeHandler.createFactory(testFakeParameters),
    });
    const joining = client.join();
    await settle();
    await joining;
    expect(peer.auth()).toEqual({ rejoin: 'the-rejoin-key' });
  });

  describe('with the router capabilities an earlier join left', () => {
    const store = new Map<string, string>();
    const routerCaps = () => testFakeParameters.generateRouterRtpCapabilities() as unknown as Record<string, unknown>;
    /** A join answer with consumers made for `producers` (what the server does when the join carries capabilities). */
    const joinedWith = (caps: Record<string, unknown>, made: string[], asked: string[]): Ack<JoinResponse> => {
      const r = joined();
      if (!r.ok) return r;
      // 'mic' is the clerk's microphone, any other id a camera.
      const source = (producerId: string) => (producerId === 'mic' ? ('microphone' as const) : ('camera' as const));
      const consumer = (producerId: string) => {
        const c = testFakeParameters.generateConsumerRemoteParameters({ codecMimeType: producerId === 'mic' ? 'audio/opus' : 'video/VP8' });
        return {
          ...c,
          producerId,
          peerId: 'clerk',
          source: source(producerId),
          producerPaused: false,
        } as JoinResponse['consumers'][number];
      };
      const producer = (producerId: string) => ({
        producerId,
        peerId: 'clerk',
        kind: producerId === 'mic' ? ('audio' as const) : ('video' as const),
        source: source(producerId),
        paused: false,
      });
      return {
        ok: true,
        data: {
          ...r.data,
          routerRtpCapabilities: caps,
          producers: [...made, ...asked].map(producer),
          consumers: made.map(consumer),
        },
      };
    };
    /** The requests about media (the fake transports have no DTLS certificate, so each also asks to connect). */
    const signalled = (socket: FakeSocket) => socket.requests.filter((r) => r.event !== 'rtc:connectTransport');
    beforeEach(() => {
      store.clear();
      vi.stubGlobal('localStorage', {
        getItem: (k: string) => store.get(k) ?? null,
        setItem: (k: string, v: string) => void store.set(k, v),
      });
    });
    afterEach(() => vi.unstubAllGlobals());

    it('sends its capabilities in the join, receives the join’s consumers without asking, and asks only for the rest', async () => {
      const caps = routerCaps();
      store.set('tongban.rtc.routerCaps', JSON.stringify(caps));
      const { socket, client, joining } = start((event, req) => {
        if (event === 'rtc:join') return joinedWith(caps, ['mic', 'cam'], ['doc']);
        if (event === 'rtc:consume') {
          const c = testFakeParameters.generateConsumerRemoteParameters({ codecMimeType: 'video/VP8' });
          return {
            ok: true,
            data: {
              ...c,
              producerId: (req as { producerId: string }).producerId,
              peerId: 'clerk',
              source: 'document',
              producerPaused: false,
            },
          };
        }
        return ok;
      });
      await settle();
      await joining;
      const [join] = socket.requests;
      expect(join?.req).toHaveProperty('rtpCapabilities.codecs');
      expect(signalled(socket).map((r) => [r.event, (r.req as { producerId?: string }).producerId])).toEqual([
        ['rtc:join', undefined],
        ['rtc:consume', 'doc'],
      ]);
      expect(
        client
          .remoteTracks()
          .map((t) => [t.kind, t.source])
          .sort(),
      ).toEqual([
        ['audio', 'microphone'],
        ['video', 'camera'],
        ['video', 'document'],
      ]);
      expect(client.state).toBe('connected');
    });

    it('joins again when the cached capabilities were stale (the site changed its codecs)', async () => {
      const caps = routerCaps();
      const stale = { ...caps, codecs: (caps['codecs'] as unknown[]).slice(0, 1) };
      store.set('tongban.rtc.routerCaps', JSON.stringify(stale));
      const { socket, client, joining } = start((event) => (event === 'rtc:join' ? joinedWith(caps, ['mic', 'cam'], []) : ok));
      await settle();
      await joining;
      expect(socket.joins()).toHaveLength(2);
      expect(store.get('tongban.rtc.routerCaps')).toBe(JSON.stringify(caps));
      expect(client.remoteTracks()).toHaveLength(2);
      expect(signalled(socket).map((r) => r.event)).toEqual(['rtc:join', 'rtc:join']);
      expect(socket.requests[1]?.req).toHaveProperty('rtpCapabilities.codecs');
    });
  });

  /** A client on `socket` that leaves as soon as it started joining (a component mounted and unmounted at once). */
  const leftAtOnce = (socket: FakeSocket) => {
    const client = new CallClient({
      target: { sessionId: 'session-1' },
      produce: false,
      socketFactory: () => socket as unknown as RtcSocket,
      handlerFactory: FakeHandler.createFactory(testFakeParameters),
    });
    const joining = client.join();
    joining.catch(() => undefined);
    void client.leave();
    return joining;
  };

  it('a client left while its socket was still connecting never joins (its grant stays for the one replacing it)', async () => {
    const socket = new FakeSocket((event) => (event === 'rtc:join' ? joined() : ok));
    socket.connected = false;
    socket.active = false;
    const joining = leftAtOnce(socket);
    socket.reconnect();
    await settle();
    await expect(joining).rejects.toMatchObject({ code: 'RTC_CLOSED' });
    expect(socket.joins()).toEqual([]);
  });

  it('nor does one left at once on a connection the pre-join screen had open (React mounting the call twice)', async () => {
    const socket = new FakeSocket((event) => (event === 'rtc:join' ? joined() : ok));
    const joining = leftAtOnce(socket);
    await settle();
    await expect(joining).rejects.toMatchObject({ code: 'RTC_CLOSED' });
    expect(socket.joins()).toEqual([]);
  });
});
