import type { Device, types } from 'mediasoup-client';
import type {
  AckError,
  CaptureSize,
  ConsumerOptions,
  JoinResponse,
  MediaSource,
  PeerView,
  RemoteProducer,
  ServerEvents,
  TransportOptions,
  ViewerState,
} from '@tongban/shared/signalling/events';
import type { DeclarationView, PhoneSignatureRequest, SignatureView } from '@tongban/shared/signature/signature';
import type { ConsentRequest } from '@tongban/shared/review/checklist';
import type { AddAnnotationRequest, AnnotationView } from '@tongban/shared/annotations/annotations';
import type { ReviewSessionView } from '@tongban/shared/review/session';
import { CAMERA_LAYERS, DOCUMENT_MAX_BITRATE } from '@tongban/shared/signalling/publishing';
import { RtcError, rtcRequest, type PeerSiteCredential, type RtcSocket } from './signalling';
import { DefaultReconnectPolicy, gaveUpError, type ReconnectPolicy } from './ReconnectPolicy';
import { dtlsIdentity, isIdentityOf, type DtlsIdentity } from './dtlsIdentity';
import { cachedRouterCaps, deviceFor, rememberRouterCaps, rtcSocketFor } from './callPreparation';

export type CallState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

export interface RemoteTrack {
  consumerId: string;
  peerId: string;
  source: MediaSource;
  kind: 'audio' | 'video';
  track: MediaStreamTrack;
  paused: boolean;
  /** Video: the size it is captured at by its sender; the layer received now may be smaller. */
  captureSize?: CaptureSize;
}

export interface CallEvents {
  state: CallState;
  /** The remote tracks changed (added, removed, paused). */
  tracks: RemoteTrack[];
  peers: PeerView[];
  session: ReviewSessionView;
  viewer: ServerEvents['viewer:state'];
  /** The marks on the shared materials (批注), oldest first, and which of them this desk drew. */
  annotations: CallAnnotations;
  error: RtcError;
}

export interface CallAnnotations {
  marks: AnnotationView[];
  own: ReadonlySet<string>;
}

type Target = { sessionId: string } | { selfTest: true };

export interface CallClientOptions {
  target: Target;
  /** Applicant session key (users authenticate with the login cookie). */
  token?: string;
  /** A peer site's reviewer: the call is on that site's /rtc, entered with a join grant. */
  peer?: PeerSiteCredential;
  /** Whether this participant sends media (false: watch only). */
  produce?: boolean;
  /** Loopback self-test: consume our own producers back through the SFU. */
  consumeOwn?: boolean;
  /** The self-test of the fallback path: offer the browser only the server's TCP candidates (as when UDP is blocked). */
  onlyTcp?: boolean;
  /** Opens the /rtc socket (default: socket.io to this origin); tests pass a fake. */
  socketFactory?: () => RtcSocket;
  /** Retry and ICE timings (default: DefaultReconnectPolicy). */
  reconnectPolicy?: ReconnectPolicy;
  /** mediasoup handler (default: detected from the browser); tests pass mediasoup-client's FakeHandler. */
  handlerFactory?: types.HandlerFactory;
}

/** Refusals that retrying cannot fix: stop and tell the user. */
const FATAL_CODES = new Set([
  'FORBIDDEN_OFFICE',
  'FORBIDDEN_ROLE',
  'REVIEW_STATE',
  'REVIEW_NOT_FOUND',
  'AUTH_REQUIRED',
  'VALIDATION_FAILED',
  'REVIEW_TOKEN_INVALID',
  'REVIEW_TOKEN_EXPIRED',
  'REVIEW_TOKEN_USED',
  // A peer site's join grant: a reload asks the home site for a fresh one.
  'GRANT_UNKNOWN',
  'GRANT_EXPIRED',
  'GRANT_USED',
  'GRANT_WRONG_SESSION',
  'GRANT_SESSION_CLOSED',
  // Per-account limits: retrying cannot help until the user closes another call or /check tab.
  'RTC_TOO_MANY_CONNECTIONS',
  'RTC_TOO_MANY_TRANSPORTS',
  'RTC_TOO_MANY_SELF_TESTS',
]);

/**
 * One participant's side of a call, without UI: joins the room over /rtc, sends the local tracks,
 * consumes everyone else's, and repairs itself after network loss (ICE restart, else rejoin with
 * new transports) and after an SFU worker crash (rejoin on a new router).
 *
 * Fast join: the pre-join screen has the connection open and the mediasoup Device loaded from the
 * router capabilities an earlier join left (callPreparation.ts). The join request then creates
 * the server transports, connects them with this page's DTLS certificate (dtlsIdentity.ts) and
 * consumes what the room sends, all in one round trip, so ICE and DTLS start with the SDP
 * negotiation right after its answer; consumers are created already resumed, so media starts as
 * soon as DTLS connects and mediasoup asks the sender for a key frame then.
 */
export class CallClient {
  readonly socket: RtcSocket;
  readonly clientId = randomId();
  state: CallState = 'connecting';
  peerId = '';
  joinedAt = 0;
  private device: Device | undefined;
  private sendTransport: types.Transport | undefined;
  private recvTransport: types.Transport | undefined;
  private readonly local = new Map<MediaSource, MediaStreamTrack>();
  private readonly producers = new Map<MediaSource, types.Producer>();
  /** Sources being produced now (a track set during the join must not be produced twice). */
  private readonly producing = new Set<MediaSource>();
  private readonly consumers = new Map<
    string,
    { consumer: types.Consumer; peerId: string; source: MediaSource; captureSize: CaptureSize | undefined }
  >();
  /** The SFU's latest score per consumer id (it may arrive before the consume answer does). */
  private readonly scores = new Map<string, ServerEvents['rtc:consumerScore']>();
  private peerList: PeerView[] = [];
  private marks: AnnotationView[] = [];
  private ownMarks = new Set<string>();
  private readonly listeners = new Map<keyof CallEvents, Set<(v: never) => void>>();
  private joining: Promise<JoinResponse> | undefined;
  private everJoined = false;
  private closed = false;
  private iceTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly policy: ReconnectPolicy;
  /** This page's DTLS certificate (none with a test's fake handler: it has no real transports). */
  private readonly identity: Promise<DtlsIdentity | undefined>;
  /** Off after a transport came up with a certificate other than the one the join sent. */
  private connectInJoin = true;
  /** How the current transports' DTLS was connected: in the join, or each by asking (undefined: not yet). */
  dtlsConnectedBy: 'join' | 'request' | undefined;

  constructor(private readonly opts: CallClientOptions) {
    this.socket = opts.socketFactory
      ? opts.socketFactory()
      : rtcSocketFor({ ...(opts.token ? { token: opts.token } : {}), ...(opts.peer ? { peer: opts.peer } : {}) });
    this.policy = opts.reconnectPolicy ?? new DefaultReconnectPolicy();
    this.identity = opts.handlerFactory ? Promise.resolve(undefined) : dtlsIdentity();
    this.socket.on('disconnect', () => {
      if (!this.closed) this.setState('reconnecting');
    });
    this.socket.on('connect', () => {
      // A reconnect: the server dropped our peer with the old socket; join again with new transports.
      if (this.everJoined) this.repair();
    });
    this.socket.on('connect_error', (err) => {
      const data = (err as { data?: AckError }).data;
      // A refused handshake (bad or expired key) will not get better by retrying.
      if (data && !this.socket.active) this.fail(new RtcError(data));
    });
    this.socket.on('rtc:newProducer', (p) => void this.consume(p).catch((e: unknown) => this.report(e)));
    this.socket.on('rtc:consumerClosed', ({ consumerId }) => this.dropConsumer(consumerId));
    this.socket.on('rtc:consumerScore', (s) => this.scores.set(s.consumerId, s));
    this.socket.on('rtc:producerPaused', ({ producerId }) => this.markPaused(producerId, true));
    this.socket.on('rtc:producerResumed', ({ producerId }) => this.markPaused(producerId, false));
    this.socket.on('rtc:peerJoined', (p) => this.setPeers([...this.peerList.filter((x) => x.peerId !== p.peerId), p]));
    this.socket.on('rtc:peerLeft', ({ peerId }) => this.setPeers(this.peerList.filter((x) => x.peerId !== peerId)));
    this.socket.on('rtc:roomReset', () => this.repair());
    this.socket.on('rtc:transportClosed', () => this.repair());
    this.socket.on('review:updated', (v) => this.emit('session', v));
    this.socket.on('viewer:state', (v) => this.emit('viewer', v));
    this.socket.on('annot:added', (a) => this.setMarks([...this.marks.filter((m) => m.id !== a.id), a]));
    this.socket.on('annot:removed', ({ annotationId }) => this.setMarks(this.marks.filter((m) => m.id !== annotationId)));
  }

  on<K extends keyof CallEvents>(event: K, fn: (v: CallEvents[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const registered = set;
    registered.add(fn as (v: never) => void);
    return () => registered.delete(fn as (v: never) => void);
  }

  /** Sets the track sent for `source` (replacing the one sent now), or stops sending it with null. */
  async setLocalTrack(source: MediaSource, track: MediaStreamTrack | null): Promise<void> {
    if (track) this.local.set(source, track);
    else this.local.delete(source);
    const producer = this.producers.get(source);
    // A track of another size is produced anew: the others learn its capture size from the producer.
    if (producer && track && sameSize(producer.appData['captureSize'] as CaptureSize | undefined, captureSizeOf(track))) {
      return producer.replaceTrack({ track });
    }
    if (producer) {
      this.producers.delete(source);
      producer.close();
      await rtcRequest(this.socket, 'rtc:closeProducer', { producerId: producer.id }).catch(() => undefined);
      if (!track) return;
    }
    if (track && this.sendTransport) await this.produce(source, track);
  }

  /** Mute / camera off: pause the producer so the SFU stops forwarding it (and tells the others). */
  async setPaused(source: MediaSource, paused: boolean): Promise<void> {
    const producer = this.producers.get(source);
    if (!producer || producer.paused === paused) return;
    if (paused) producer.pause();
    else producer.resume();
    await rtcRequest(this.socket, paused ? 'rtc:pauseProducer' : 'rtc:resumeProducer', { producerId: producer.id });
  }

  /** Joins (first time) and resolves when transports are set up; media then flows by itself. */
  join(): Promise<JoinResponse> {
    this.joinedAt = performance.now();
    return this.rejoin();
  }

  async leave(): Promise<void> {
    this.closed = true;
    this.setState('closed');
    await rtcRequest(this.socket, 'rtc:leave', {}, 2000).catch(() => undefined);
    this.teardown();
    this.socket.close();
  }

  remoteTracks(): RemoteTrack[] {
    return [...this.consumers.values()].map(({ consumer, peerId, source, captureSize }) => ({
      consumerId: consumer.id,
      peerId,
      source,
      kind: consumer.kind,
      track: consumer.track,
      paused: consumer.paused,
      ...(captureSize ? { captureSize } : {}),
    }));
  }

  /** Latest SFU scores of our consumers, by consumer id, for diagnostics. */
  consumerScores(): Map<string, ServerEvents['rtc:consumerScore']> {
    return new Map([...this.scores].filter(([id]) => this.consumers.has(id)));
  }

  /**
   * Per remote peer, the lowest SFU downlink score (0–10) among its unpaused consumers: what the
   * network-quality indicator combines with the browser's own statistics.
   */
  peerScores(): Map<string, number> {
    const out = new Map<string, number>();
    for (const { consumer, peerId } of this.consumers.values()) {
      const s = this.scores.get(consumer.id);
      if (!s || consumer.paused) continue;
      out.set(peerId, Math.min(out.get(peerId) ?? 10, s.score));
    }
    return out;
  }

  peers(): PeerView[] {
    return this.peerList;
  }

  async updateViewer(state: ViewerState): Promise<void> {
    await rtcRequest(this.socket, 'viewer:update', state);
  }

  /** Draws a mark on the shared materials: stored, then shown on every desk. */
  async addAnnotation(req: AddAnnotationRequest): Promise<AnnotationView> {
    const mark = await rtcRequest(this.socket, 'annot:add', req);
    this.ownMarks.add(mark.id);
    this.setMarks([...this.marks.filter((m) => m.id !== mark.id), mark]);
    return mark;
  }

  /** Takes back a mark this desk drew. */
  async removeAnnotation(annotationId: string): Promise<void> {
    await rtcRequest(this.socket, 'annot:remove', { annotationId });
    this.ownMarks.delete(annotationId);
    this.setMarks(this.marks.filter((m) => m.id !== annotationId));
  }

  annotations(): CallAnnotations {
    return { marks: this.marks, own: this.ownMarks };
  }

  /** The applicant's own answer to the consent question; the session comes back as 'session'. */
  async answerConsent(answer: ConsentRequest): Promise<void> {
    await rtcRequest(this.socket, 'review:consent', answer);
  }

  /** The applicant's phone: the declaration (申请人承诺) to read and sign. */
  declaration(): Promise<DeclarationView> {
    return rtcRequest(this.socket, 'review:declaration', {});
  }

  /** The applicant signs on their phone; the session comes back as 'session' with the signature. */
  sign(body: PhoneSignatureRequest): Promise<SignatureView> {
    return rtcRequest(this.socket, 'review:sign', body, 20_000);
  }

  /** Receive-side statistics for indicators and tests. */
  async recvStats(): Promise<RTCStatsReport | undefined> {
    return this.recvTransport?.getStats();
  }

  /** Send-side statistics of what we publish from `source`. */
  async sendStats(source: MediaSource): Promise<RTCStatsReport | undefined> {
    return this.producers.get(source)?.getStats();
  }

  /** Asks for the high simulcast layer for a main view, the low one for thumbnails. */
  async setPreferredLayer(consumerId: string, spatialLayer: 0 | 1 | 2): Promise<void> {
    await rtcRequest(this.socket, 'rtc:setPreferredLayers', { consumerId, spatialLayer });
  }

  /**
   * While `consumerId`'s video matters most (a snapshot at its full resolution): the SFU stops
   * sending us the other videos, so our downlink has room for its largest simulcast layer. Their
   * tiles hold their last frame meanwhile. The returned function resumes them.
   */
  async focus(consumerId: string): Promise<() => Promise<void>> {
    const others = [...this.consumers.values()]
      .map(({ consumer }) => consumer)
      .filter((c) => c.kind === 'video' && c.id !== consumerId && !c.paused)
      .map((c) => c.id);
    const each = (event: 'rtc:pauseConsumer' | 'rtc:resumeConsumer') =>
      Promise.all(others.map((id) => rtcRequest(this.socket, event, { consumerId: id }).catch(() => undefined)));
    await each('rtc:pauseConsumer');
    return async () => void (await each('rtc:resumeConsumer'));
  }

  /* ---------- joining ---------- */

  private rejoin(): Promise<JoinResponse> {
    this.joining ??= this.joinWithRetry().finally(() => {
      this.joining = undefined;
    });
    return this.joining;
  }

  /** Rejoins in the background; how that ends reaches the UI through 'state' and 'error'. */
  private repair(): void {
    if (!this.closed) void this.rejoin().catch(() => undefined);
  }

  private async joinWithRetry(): Promise<JoinResponse> {
    let firstFailureAt: number | undefined;
    for (let retryCount = 1; ; retryCount++) {
      if (this.closed) throw leftError();
      try {
        return await this.joinOnce();
      } catch (e) {
        const err = toRtcError(e);
        if (this.closed) throw err;
        // Decisions about access do not change by retrying.
        if (FATAL_CODES.has(err.code)) throw this.fail(err);
        firstFailureAt ??= Date.now();
        const context = { retryCount, elapsedMs: Date.now() - firstFailureAt, retryReason: err };
        const delay = this.policy.nextRetryDelayInMs(context);
        if (delay === null) {
          console.warn(`rtc join failed (${err.code}): ${err.message}; giving up after ${retryCount} attempts`);
          // Final, as the message says: a later socket reconnect must not quietly start over.
          this.closed = true;
          this.teardown();
          this.socket.close();
          throw this.fail(gaveUpError(context));
        }
        console.warn(`rtc join failed (${err.code}): ${err.message}; retrying in ${delay} ms`);
        this.setState('reconnecting');
        await sleep(delay);
        if (!this.socket.connected) await this.waitForSocket();
      }
    }
  }

  /** Ends the call's attempts with `err` shown to the user; returns it for the caller to throw. */
  private fail(err: RtcError): RtcError {
    this.emit('error', err);
    this.setState('failed');
    return err;
  }

  private async joinOnce(): Promise<JoinResponse> {
    this.teardown();
    const site = this.opts.peer?.siteUrl;
    const cached = cachedRouterCaps(site);
    // Loads (unless the pre-join screen did) while the socket connects.
    const early = cached ? deviceFor(cached, site, this.opts.handlerFactory).catch(() => undefined) : undefined;
    if (!this.socket.connected) await this.waitForSocket();
    const produce = this.opts.produce ?? true;
    const identity = this.connectInJoin ? await this.identity : undefined;
    const earlyDevice = await early;
    const media = {
      clientId: this.clientId,
      ...(identity ? { dtlsParameters: identity.dtlsParameters } : {}),
      // The server consumes what is on in the join when it knows what this browser decodes.
      ...(earlyDevice ? { rtpCapabilities: earlyDevice.recvRtpCapabilities } : {}),
    };
    const request =
      'sessionId' in this.opts.target
        ? { sessionId: this.opts.target.sessionId, produce, ...media }
        : { selfTest: true as const, ...media };
    // Left while getting ready (a component mounted and unmounted at once): joining now would take
    // a peer site's single-use grant from the client that replaces this one.
    if (this.closed) throw leftError();
    const res = await rtcRequest(this.socket, 'rtc:join', request);
    this.opts.peer?.joined(res.rejoinKey);
    const capsJson = JSON.stringify(res.routerRtpCapabilities);
    rememberRouterCaps(site, capsJson);
    // The site's codecs changed since the cached copy: the join's consumers were made for a
    // Device that no longer matches. Join again with one loaded from the capabilities just received.
    if (earlyDevice && cached !== capsJson) return this.joinOnce();
    const device = earlyDevice ?? (await deviceFor(capsJson, site, this.opts.handlerFactory));
    this.device = device;
    this.peerId = res.peerId;
    this.setPeers(res.peers);
    if (res.session) this.emit('session', res.session);
    if (res.viewer) this.emit('viewer', res.viewer);
    // A rejoin: the marks as the server has them now (some may have been drawn while this desk was away).
    this.ownMarks = new Set(res.ownAnnotationIds ?? []);
    this.setMarks(res.annotations ?? []);

    const offered = (t: TransportOptions): types.TransportOptions => ({
      ...(this.opts.onlyTcp ? { ...t, iceCandidates: t.iceCandidates.filter((c) => c.protocol === 'tcp') } : t),
      ...(identity ? { additionalSettings: { certificates: [identity.certificate] } } : {}),
    });
    const connected = identity && res.transportsConnected ? identity : undefined;
    this.recvTransport = device.createRecvTransport(offered(res.recvTransport));
    this.wireTransport(this.recvTransport, connected);
    if (res.sendTransport) {
      this.sendTransport = device.createSendTransport(offered(res.sendTransport));
      this.wireTransport(this.sendTransport, connected);
    }
    // Sent before the consumes on the same socket, so the server has them first.
    if (!earlyDevice) void rtcRequest(this.socket, 'rtc:setRtpCapabilities', { rtpCapabilities: device.recvRtpCapabilities });
    const made = new Set(res.consumers.map((c) => c.producerId));
    // The join's video first, alone: ICE and DTLS start with the first SDP negotiation, and one
    // with fewer m-sections is done sooner (mediasoup-client makes the consumers given in one tick
    // in one negotiation). The audio follows in the next.
    const video = Promise.all(res.consumers.filter((c) => c.kind === 'video').map((c) => this.receive(c)));
    const audio = video
      .catch(() => undefined)
      .then(() => Promise.all(res.consumers.filter((c) => c.kind !== 'video').map((c) => this.receive(c))));
    const work: Array<Promise<unknown>> = [
      video,
      audio,
      ...res.producers.filter((p) => !made.has(p.producerId)).map((p) => this.consume(p)),
    ];
    for (const [source, track] of this.local) work.push(this.produce(source, track));
    await Promise.all(work);
    this.everJoined = true;
    this.setState('connected');
    return res;
  }

  private async produce(source: MediaSource, track: MediaStreamTrack): Promise<void> {
    const transport = this.sendTransport;
    if (!transport || this.producers.has(source) || this.producing.has(source)) return;
    this.producing.add(source);
    try {
      await this.produceOn(transport, source, track);
    } finally {
      this.producing.delete(source);
    }
  }

  private async produceOn(transport: types.Transport, source: MediaSource, track: MediaStreamTrack): Promise<void> {
    const video = track.kind === 'video';
    const captureSize = captureSizeOf(track);
    const producer = await transport.produce({
      track,
      appData: { source, ...(captureSize ? { captureSize } : {}) },
      stopTracks: false,
      // The document camera is for reading paper: one high-resolution layer, detail over motion.
      ...(video && source === 'camera'
        ? {
            encodings: CAMERA_LAYERS.map((layer) => ({ ...layer })),
          }
        : {}),
      ...(video && source === 'document' ? { encodings: [{ maxBitrate: DOCUMENT_MAX_BITRATE }] } : {}),
      ...(video ? { codecOptions: { videoGoogleStartBitrate: 1000 } } : {}),
    });
    if (video && source === 'document' && 'contentHint' in track) track.contentHint = 'detail';
    if (transport !== this.sendTransport) {
      producer.close();
      return;
    }
    this.producers.set(source, producer);
    if (this.opts.consumeOwn) {
      await this.consume({ producerId: producer.id, peerId: this.peerId, kind: producer.kind as 'audio' | 'video', source, paused: false });
    }
  }

  private async consume(p: RemoteProducer): Promise<void> {
    const transport = this.recvTransport;
    if (!transport || !this.device) return;
    const info: ConsumerOptions = await rtcRequest(this.socket, 'rtc:consume', {
      transportId: transport.id,
      producerId: p.producerId,
      resume: true,
    });
    if (transport === this.recvTransport) await this.receive(info);
  }

  /** Receives a consumer the server made (already resumed) on the current recv transport. */
  private async receive(info: ConsumerOptions): Promise<void> {
    const transport = this.recvTransport;
    if (!transport) return;
    const consumer = await transport.consume({
      id: info.id,
      producerId: info.producerId,
      kind: info.kind,
      rtpParameters: info.rtpParameters,
    });
    this.consumers.set(consumer.id, { consumer, peerId: info.peerId, source: info.source, captureSize: info.captureSize });
    if (info.producerPaused) consumer.pause();
    consumer.on('trackended', () => this.dropConsumer(consumer.id));
    // Resumed by the server already. Should its first key frame come before this side was
    // ready, the browser's receiver asks for another itself on the first frame it cannot decode.
    this.emitTracks();
  }

  /* ---------- repair ---------- */

  /** `connectedWith`: the server connected this transport in the join, with that identity. */
  private wireTransport(transport: types.Transport, connectedWith?: DtlsIdentity): void {
    transport.on('connect', ({ dtlsParameters }, ok, fail) => {
      if (connectedWith && isIdentityOf(connectedWith, dtlsParameters)) {
        this.dtlsConnectedBy = 'join';
        return ok();
      }
      if (connectedWith) {
        // The browser did not use our certificate: DTLS cannot come up. Rejoin, connecting by asking.
        this.connectInJoin = false;
        return fail(new Error('the transport did not take the DTLS certificate the join sent; rejoining'));
      }
      this.dtlsConnectedBy = 'request';
      rtcRequest(this.socket, 'rtc:connectTransport', { transportId: transport.id, dtlsParameters }).then(() => ok(), fail);
    });
    if (transport.direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, ok, fail) => {
        rtcRequest(this.socket, 'rtc:produce', {
          transportId: transport.id,
          kind,
          rtpParameters,
          source: (appData['source'] as MediaSource | undefined) ?? 'camera',
          ...(appData['captureSize'] ? { captureSize: appData['captureSize'] as CaptureSize } : {}),
        }).then(({ producerId }) => ok({ id: producerId }), fail);
      });
    }
    transport.on('connectionstatechange', (state) => {
      if (transport.closed || this.closed) return;
      const timer = this.iceTimers.get(transport.id);
      if (timer) clearTimeout(timer);
      this.iceTimers.delete(transport.id);
      if (state === 'connected') {
        if (this.state === 'reconnecting' && this.socket.connected && !this.joining) this.setState('connected');
      } else if (state === 'disconnected') {
        // Often a blip; give ICE a moment before asking for new credentials.
        this.iceTimers.set(
          transport.id,
          setTimeout(() => void this.restartIce(transport), this.policy.iceGraceMs),
        );
      } else if (state === 'failed') {
        void this.restartIce(transport);
      }
    });
  }

  private async restartIce(transport: types.Transport): Promise<void> {
    if (transport.closed || this.closed || transport.connectionState === 'connected') return;
    this.setState('reconnecting');
    try {
      const { iceParameters } = await rtcRequest(this.socket, 'rtc:restartIce', { transportId: transport.id }, 3000);
      await transport.restartIce({ iceParameters });
      // Still not through after a while: start over with new transports.
      this.iceTimers.set(
        transport.id,
        setTimeout(() => {
          if (!transport.closed && transport.connectionState !== 'connected') this.repair();
        }, this.policy.iceRestartTimeoutMs),
      );
    } catch (e) {
      if (toRtcError(e).code === 'RTC_TIMEOUT') {
        // The signalling socket is dead without knowing it: reconnect it, which rejoins.
        this.socket.disconnect();
        this.socket.connect();
      } else {
        this.repair();
      }
    }
  }

  /** Resolves once connected; rejects if the server refuses the handshake (retrying will not help). */
  private waitForSocket(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    if (!this.socket.active) this.socket.connect();
    return new Promise((resolve, reject) => {
      const onConnect = () => {
        this.socket.off('connect_error', onError);
        resolve();
      };
      const onError = (err: Error) => {
        const data = (err as { data?: AckError }).data;
        if (!data || this.socket.active) return; // a network error: socket.io keeps retrying
        this.socket.off('connect', onConnect);
        this.socket.off('connect_error', onError);
        reject(new RtcError(data));
      };
      this.socket.once('connect', onConnect);
      this.socket.on('connect_error', onError);
    });
  }

  /** Local cleanup before a rejoin (the server side went with the old peer). Local tracks stay. */
  private teardown(): void {
    for (const t of this.iceTimers.values()) clearTimeout(t);
    this.iceTimers.clear();
    for (const { consumer } of this.consumers.values()) consumer.close();
    this.consumers.clear();
    this.scores.clear();
    for (const p of this.producers.values()) p.close();
    this.producers.clear();
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.sendTransport = undefined;
    this.recvTransport = undefined;
    this.dtlsConnectedBy = undefined;
    this.emitTracks();
  }

  private dropConsumer(consumerId: string): void {
    const entry = this.consumers.get(consumerId);
    if (!entry) return;
    entry.consumer.close();
    this.consumers.delete(consumerId);
    this.scores.delete(consumerId);
    this.emitTracks();
  }

  private markPaused(producerId: string, paused: boolean): void {
    for (const { consumer } of this.consumers.values()) {
      if (consumer.producerId !== producerId) continue;
      if (paused) consumer.pause();
      else consumer.resume();
    }
    this.emitTracks();
  }

  private setMarks(marks: AnnotationView[]): void {
    this.marks = marks;
    this.emit('annotations', { marks, own: new Set(this.ownMarks) });
  }

  private setPeers(peers: PeerView[]): void {
    this.peerList = peers;
    this.emit('peers', peers);
  }

  private emitTracks(): void {
    this.emit('tracks', this.remoteTracks());
  }

  private setState(s: CallState): void {
    if (this.state === s || this.state === 'closed') return;
    this.state = s;
    this.emit('state', s);
  }

  private report(e: unknown): void {
    this.emit('error', toRtcError(e));
  }

  private emit<K extends keyof CallEvents>(event: K, value: CallEvents[K]): void {
    for (const fn of this.listeners.get(event) ?? []) (fn as (v: CallEvents[K]) => void)(value);
  }
}

function toRtcError(e: unknown): RtcError {
  if (e instanceof RtcError) return e;
  return new RtcError({
    code: 'RTC_CLIENT_ERROR',
    message_zh: `视频连接出错：${String((e as Error)?.message ?? e)}`,
    message_en: String((e as Error)?.message ?? e),
  });
}

const leftError = () => new RtcError({ code: 'RTC_CLOSED', message_zh: '已离开', message_en: 'Left the call' });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function randomId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The size a video track delivers frames at (undefined for audio). */
function captureSizeOf(track: MediaStreamTrack): CaptureSize | undefined {
  if (track.kind !== 'video') return undefined;
  const { width, height } = track.getSettings();
  return width && height ? { width, height } : undefined;
}

const sameSize = (a: CaptureSize | undefined, b: CaptureSize | undefined) => a?.width === b?.width && a?.height === b?.height;
