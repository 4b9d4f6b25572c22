import type { Namespace, Server as SocketServer, Socket } from 'socket.io';
import { AppError, isAppError } from '@tongban/shared';
import { assertCan } from '@tongban/shared/cases/access';
import {
  CaptureSizeSchema,
  CLIENT_EVENTS,
  RTC_NAMESPACE,
  type Ack,
  type CaptureSize,
  type AckError,
  type ClientEventName,
  type ClientToServerEvents,
  type ConsumerOptions,
  type JoinResponse,
  type MediaSource,
  type ParsedRequestOf,
  type PeerRole,
  type PeerView,
  type RemoteProducer,
  type ResponseOf,
  type ServerToClientEvents,
  type TransportOptions,
} from '@tongban/shared/signalling/events';
import { isSfuError, type ProducerInfo, type Room, type TransportDirection, type WebRtcTransportInfo } from '@tongban/sfu';
import type { Config } from '../config/config';
import { parseCookies, SESSION_COOKIE } from '../api/http';
import { createOriginCheck, peerOrigins } from '../api/guards';
import type { ReviewPrincipal } from '../review/ReviewSessionService';
import type { PeerCredential } from '../review/joinGrants';
import { reviewQueueRoom } from '../realtime/rooms';
import { callId, type CallKey } from './callKey';
import type { CallRegistry } from './CallRegistry';
import type { CallMember, CallRoom } from './CallRoom';
import type { CallDeps } from './callModule';

interface RtcSocketData {
  principal: ReviewPrincipal;
  /** A peer site's reviewer: the grant presented at the handshake, then (once a join used it up) the key to rejoin with. */
  peerCredential?: PeerCredential;
  /** The call this socket is a member of: one at a time. */
  call?: CallRoom;
  /** The call of a join in progress, until `call` is set (counted by the self-test cap). */
  joining?: CallKey;
}

type RtcNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, RtcSocketData>;
type RtcSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, RtcSocketData>;

/**
 * socket.io namespace `/rtc`: signalling around the calls of `calls` (co-review sessions and the
 * /check self-test). Authenticated by the login cookie, by an applicant session key in
 * `handshake.auth.token`, or — a peer site's reviewer, from that site's page — by a join grant in
 * `handshake.auth.grant` (or the rejoin key its first join answered, `auth.rejoin`). Every payload is parsed with its schema from the shared event map;
 * who may join a session's call is decided by the review flow's authorizeJoin.
 */
export function attachSignalling(deps: CallDeps, calls: CallRegistry, io: SocketServer): void {
  const nsp = io.of(RTC_NAMESPACE) as unknown as RtcNamespace;
  const wiredCalls = new WeakSet<CallRoom>();

  const ownOrigin = createOriginCheck(deps.config);
  const peerPages = peerOrigins(deps.config);
  nsp.use((socket, next) => {
    try {
      const auth = socket.handshake.auth as { token?: unknown; grant?: unknown; rejoin?: unknown } | undefined;
      const credential = peerCredentialOf(auth);
      if (credential) {
        const principal = deps.grants.principalFor(credential);
        // A grant is its reviewer's, used from their own site's page (or from no page at all).
        const pageSite = peerPages.get(socket.handshake.headers.origin ?? '');
        if (pageSite !== undefined && pageSite !== principal.reviewer.siteId)
          throw new AppError('ORIGIN_FORBIDDEN', { details: { origin: socket.handshake.headers.origin } });
        socket.data.principal = principal;
        socket.data.peerCredential = credential;
      } else if (!ownOrigin(socket.request)) {
        // A peer site's page (let through the handshake's Origin check) never acts with a login or an applicant key here.
        throw new AppError('ORIGIN_FORBIDDEN', { details: { origin: socket.handshake.headers.origin } });
      } else {
        const user = deps.auth.userForToken(parseCookies(socket.handshake.headers.cookie)[SESSION_COOKIE]);
        const token = auth?.token;
        if (user) socket.data.principal = { kind: 'user', user };
        else if (typeof token === 'string' && token.length > 0 && token.length < 200)
          socket.data.principal = deps.review.applicantForKey(token);
        else throw new AppError('AUTH_REQUIRED');
      }
      next();
    } catch (e) {
      next(refusal(e));
    }
  });

  const limits = rtcLimits(deps.config);
  /** Socket ids holding one of their owner's connection slots, by owner (see ownerOf). */
  const connections = new Map<string, Set<string>>();
  // After the login check, and last: a slot is given back on disconnect or when the connection
  // closes, so no middleware after this one may refuse the socket.
  nsp.use((socket, next) => {
    const principal = socket.data.principal;
    const owner = ownerOf(principal);
    const max = principal.kind === 'applicant' ? limits.socketsPerApplicant : limits.socketsPerUser;
    const held = connections.get(owner) ?? new Set<string>();
    if (held.size >= max) {
      deps.log.warn({ owner, open: held.size, max }, 'rtc connection refused: too many open');
      next(refusal(new AppError('RTC_TOO_MANY_CONNECTIONS', { details: { max } })));
      return;
    }
    held.add(socket.id);
    connections.set(owner, held);
    const release = () => {
      socket.conn.off('close', release);
      held.delete(socket.id);
      if (held.size === 0 && connections.get(owner) === held) connections.delete(owner);
    };
    socket.once('disconnect', release);
    socket.conn.once('close', release);
    next();
  });
  const ownSockets = (owner: string) => [...(connections.get(owner) ?? [])].flatMap((id) => nsp.sockets.get(id) ?? []);
  /** Transports the owner's peers hold or are being given, in all their calls. */
  const transportsOf = (owner: string) =>
    ownSockets(owner).reduce((n, s) => (s.data.call && !s.data.call.room.closed ? n + s.data.call.room.transportCount(s.id) : n), 0);

  deps.review.on('session', (view) => nsp.to(callId({ kind: 'review', sessionId: view.id })).emit('review:updated', view));
  deps.review.on('queue', (officeId) => nsp.to(reviewQueueRoom(officeId)).emit('queue:changed', deps.review.queueFor(officeId)));

  /** The call's room died with its worker: everyone in it rejoins, which makes a new call on a live worker. */
  const reset = (call: CallRoom, reason: 'worker-died') => {
    for (const peerId of call.peerIds()) {
      call.remove(peerId);
      const s = nsp.sockets.get(peerId);
      if (s?.data.call !== call) continue;
      s.data.call = undefined;
      void s.leave(call.id);
      s.emit('rtc:roomReset', { reason });
    }
  };

  /** Room events → the sockets concerned. Once per call (peer ids are socket ids). */
  const wire = (call: CallRoom) => {
    if (wiredCalls.has(call)) return;
    wiredCalls.add(call);
    const { room, id } = call;
    room.on('newproducer', (p) => nsp.to(id).except(p.peerId).emit('rtc:newProducer', remoteProducer(p)));
    room.on('producerclosed', (p) => nsp.to(id).emit('rtc:producerClosed', p));
    room.on('producerpaused', (p) => nsp.to(id).except(p.peerId).emit('rtc:producerPaused', p));
    room.on('producerresumed', (p) => nsp.to(id).except(p.peerId).emit('rtc:producerResumed', p));
    room.on('consumerclosed', (c) => nsp.to(c.peerId).emit('rtc:consumerClosed', { consumerId: c.consumerId, producerId: c.producerId }));
    room.on('consumerscore', (c) =>
      nsp
        .to(c.peerId)
        .emit('rtc:consumerScore', { consumerId: c.consumerId, producerId: c.producerId, score: c.score, producerScore: c.producerScore }),
    );
    room.on('transportclosed', (t) => nsp.to(t.peerId).emit('rtc:transportClosed', { transportId: t.transportId }));
    room.on('peerremoved', (p) => nsp.to(id).emit('rtc:peerLeft', p));
    room.on('close', ({ reason }) => {
      if (reason === 'worker-died') reset(call, reason);
    });
  };

  const leave = (socket: RtcSocket) => {
    const call = socket.data.call;
    if (!call) return;
    socket.data.call = undefined;
    call.remove(socket.id);
    void socket.leave(call.id);
    if (!call.room.closed) call.room.removePeer(socket.id);
    calls.closeIfEmpty(call);
  };

  nsp.on('connection', (socket) => {
    const handle = <E extends ClientEventName>(event: E, fn: (req: ParsedRequestOf<E>) => Promise<ResponseOf<E>> | ResponseOf<E>) => {
      socket.on(
        event as never,
        ((raw: unknown, ack: unknown) => {
          if (typeof ack !== 'function') return; // every request is answered; one without a callback is a client bug
          const reply = ack as (r: Ack<ResponseOf<E>>) => void;
          // The handler starts synchronously, so requests sent back to back (setRtpCapabilities,
          // then consume) are applied in order.
          Promise.resolve()
            .then(() => {
              const parsed = CLIENT_EVENTS[event].request.safeParse(raw);
              if (!parsed.success) {
                throw new AppError('VALIDATION_FAILED', {
                  details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
                });
              }
              return fn(parsed.data as ParsedRequestOf<E>);
            })
            .then(
              (data) => reply({ ok: true, data }),
              (e: unknown) => {
                if (!isAppError(e) && !isSfuError(e)) deps.log.error({ err: e, event }, 'signalling handler failed');
                reply({ ok: false, error: ackError(e) });
              },
            );
        }) as never,
      );
    };
    const joined = (): { call: CallRoom; member: CallMember } => {
      const call = socket.data.call;
      const member = call?.member(socket.id);
      if (!call || !member || call.room.closed) throw new AppError('RTC_NOT_JOINED');
      return { call, member };
    };
    const user = () => {
      const p = socket.data.principal;
      if (p.kind !== 'user') throw new AppError('FORBIDDEN_ROLE', { details: { role: p.kind } });
      return p.user;
    };

    const owner = ownerOf(socket.data.principal);
    /** A transport for this peer, within the per-peer and per-owner caps (checked and reserved synchronously). */
    const newTransport = async (call: CallRoom, direction: TransportDirection): Promise<WebRtcTransportInfo> => {
      const held = transportsOf(owner);
      if (held >= limits.transportsPerUser) {
        deps.log.warn({ owner, held, max: limits.transportsPerUser }, 'rtc transport refused: too many for this account');
        throw new AppError('RTC_TOO_MANY_TRANSPORTS', { details: { max: limits.transportsPerUser } });
      }
      try {
        return await call.room.createWebRtcTransport(socket.id, direction);
      } catch (e) {
        if (isSfuError(e) && e.code === 'SFU_LIMIT_EXCEEDED') throw new AppError('RTC_TOO_MANY_TRANSPORTS', { details: e.details });
        throw e;
      }
    };

    const join = async (req: ParsedRequestOf<'rtc:join'>): Promise<JoinResponse> => {
      leave(socket);
      const principal = socket.data.principal;
      let key: CallKey;
      let role: PeerRole;
      let displayName: string;
      let session: JoinResponse['session'] = null;
      let produce = true;
      let rejoinKey: string | undefined;
      if ('selfTest' in req) {
        const u = user();
        const open = ownSockets(owner).filter((s) => s.id !== socket.id && (s.data.call?.key ?? s.data.joining)?.kind === 'selfTest');
        if (open.length >= limits.selfTestsPerUser)
          throw new AppError('RTC_TOO_MANY_SELF_TESTS', { details: { max: limits.selfTestsPerUser } });
        key = { kind: 'selfTest', peerId: socket.id };
        role = u.role;
        displayName = u.displayName;
      } else {
        const grant = deps.review.authorizeJoin(principal, req.sessionId);
        const credential = socket.data.peerCredential;
        if (principal.kind === 'peerReviewer' && credential) {
          // The first join uses the grant up; this connection's later joins and reconnects go by the key it answers.
          rejoinKey = 'grant' in credential ? deps.grants.redeem(credential.grant, principal) : credential.rejoin;
          socket.data.peerCredential = { rejoin: rejoinKey };
        }
        key = { kind: 'review', sessionId: req.sessionId };
        role = grant.role;
        displayName = grant.displayName;
        session = grant.session;
        produce = req.produce;
      }
      // A rejoin after a network loss: the old socket may not have timed out yet. Replace it.
      for (const peerId of calls.get(key)?.peersOfClient(req.clientId) ?? []) {
        const other = nsp.sockets.get(peerId);
        if (!other || other.id === socket.id) continue;
        leave(other);
        other.disconnect(true);
      }
      socket.data.joining = key;
      let call: CallRoom;
      try {
        call = await calls.open(key);
      } catch (e) {
        throw new AppError('RTC_UNAVAILABLE', { details: { reason: (e as Error).message } });
      } finally {
        socket.data.joining = undefined;
      }
      wire(call);
      call.room.addPeer(socket.id, req.rtpCapabilities ? { rtpCapabilities: req.rtpCapabilities } : {});
      const view: PeerView = { peerId: socket.id, role, displayName };
      call.add({ view, clientId: req.clientId });
      socket.data.call = call;
      try {
        const [recv, send] = await Promise.all([newTransport(call, 'recv'), produce ? newTransport(call, 'send') : Promise.resolve(null)]);
        const { dtlsParameters } = req;
        const [consumers] = await Promise.all([
          // With the browser's capabilities: what it can decode, consumed now (the rest it asks for, and hears why not).
          req.rtpCapabilities
            ? Promise.all(
                call.room
                  .listProducers(socket.id)
                  .filter((p) => call.room.canConsume(socket.id, p.producerId))
                  .map((p) => consumeFor(call.room, socket.id, recv.id, p.producerId, true)),
              )
            : [],
          ...(dtlsParameters ? [recv, send].map((t) => t && call.room.connectTransport(socket.id, t.id, dtlsParameters)) : []),
        ]);
        if (!socket.connected) throw new AppError('RTC_NOT_JOINED');
        await socket.join(call.id);
        socket.to(call.id).emit('rtc:peerJoined', view);
        return {
          peerId: socket.id,
          role,
          routerRtpCapabilities: call.room.rtpCapabilities,
          sendTransport: send ? transportOptions(send) : null,
          recvTransport: transportOptions(recv),
          transportsConnected: dtlsParameters !== undefined,
          producers: call.room.listProducers(socket.id).map(remoteProducer),
          consumers,
          peers: call.views().filter((v) => v.peerId !== socket.id),
          viewer: call.viewer ?? null,
          annotations: key.kind === 'review' ? deps.annotations.forSession(key.sessionId) : [],
          ownAnnotationIds: key.kind === 'review' ? deps.annotations.authoredBy(principal, key.sessionId) : [],
          session,
          ...(rejoinKey ? { rejoinKey } : {}),
        };
      } catch (e) {
        leave(socket);
        throw e;
      }
    };
    // One join at a time per socket: two in flight would leave the socket a peer in two rooms,
    // the first one orphaned with its transports (and ports) until that room closes.
    let joins: Promise<unknown> = Promise.resolve();
    handle('rtc:join', (req) => {
      const run = joins.then(() => join(req));
      joins = run.catch(() => undefined);
      return run;
    });

    handle('rtc:leave', () => {
      leave(socket);
      return {};
    });
    handle('rtc:setRtpCapabilities', (req) => {
      joined().call.room.setRtpCapabilities(socket.id, req.rtpCapabilities);
      return {};
    });
    handle('rtc:createTransport', async (req) => transportOptions(await newTransport(joined().call, req.direction)));
    handle('rtc:connectTransport', async (req) => {
      await joined().call.room.connectTransport(socket.id, req.transportId, req.dtlsParameters);
      return {};
    });
    handle('rtc:restartIce', async (req) => ({
      iceParameters: await joined().call.room.restartIce(socket.id, req.transportId),
    }));
    handle('rtc:produce', async (req) => {
      const { call, member } = joined();
      const { role } = member.view;
      if (req.source === 'document') assertCan(member.view, 'call.shareDocument', undefined, { details: { source: req.source } });
      const { id } = await call.room.produce(socket.id, req.transportId, {
        kind: req.kind,
        rtpParameters: req.rtpParameters,
        // The role tells a recording whose camera it holds.
        appData: { source: req.source, role, ...(req.captureSize ? { captureSize: req.captureSize } : {}) },
      });
      return { producerId: id };
    });
    handle('rtc:closeProducer', (req) => {
      joined().call.room.closeProducer(socket.id, req.producerId);
      return {};
    });
    handle('rtc:pauseProducer', async (req) => {
      await joined().call.room.pauseProducer(socket.id, req.producerId);
      return {};
    });
    handle('rtc:resumeProducer', async (req) => {
      await joined().call.room.resumeProducer(socket.id, req.producerId);
      return {};
    });
    handle('rtc:consume', (req) => consumeFor(joined().call.room, socket.id, req.transportId, req.producerId, req.resume));
    handle('rtc:resumeConsumer', async (req) => {
      await joined().call.room.resumeConsumer(socket.id, req.consumerId);
      return {};
    });
    handle('rtc:pauseConsumer', async (req) => {
      await joined().call.room.pauseConsumer(socket.id, req.consumerId);
      return {};
    });
    handle('rtc:setPreferredLayers', async (req) => {
      await joined().call.room.setPreferredLayers(socket.id, req.consumerId, {
        spatialLayer: req.spatialLayer,
        ...(req.temporalLayer === undefined ? {} : { temporalLayer: req.temporalLayer }),
      });
      return {};
    });
    handle('rtc:requestKeyFrame', async (req) => {
      await joined().call.room.requestKeyFrame(socket.id, req.consumerId);
      return {};
    });
    handle('viewer:update', (req) => {
      const { call, member } = joined();
      assertCan(member.view, 'call.steerViewer');
      call.viewer = { ...req, by: socket.id };
      socket.to(call.id).emit('viewer:state', call.viewer);
      return {};
    });
    /** The co-review session of the call this member is in (the /check self-test has none). */
    const reviewCall = () => {
      const { call, member } = joined();
      assertCan(member.view, 'call.annotate');
      if (call.key.kind !== 'review') throw new AppError('RTC_NOT_JOINED');
      return { call, sessionId: call.key.sessionId };
    };
    handle('annot:add', (req) => {
      const { call, sessionId } = reviewCall();
      const mark = deps.annotations.add(socket.data.principal, sessionId, req);
      socket.to(call.id).emit('annot:added', mark);
      return mark;
    });
    handle('annot:remove', (req) => {
      const { call, sessionId } = reviewCall();
      deps.annotations.remove(socket.data.principal, sessionId, req.annotationId);
      socket.to(call.id).emit('annot:removed', { annotationId: req.annotationId });
      return {};
    });
    handle('review:consent', (req) => {
      assertCan(joined().member.view, 'review.applicantConsent');
      deps.review.recordApplicantConsent(socket.data.principal, req);
      return {};
    });
    handle('review:declaration', () => {
      assertCan(joined().member.view, 'signature.applicantSign');
      return deps.signatures.declarationForApplicant(socket.data.principal);
    });
    handle('review:sign', async (req) => {
      assertCan(joined().member.view, 'signature.applicantSign');
      return deps.signatures.signFromPhone(socket.data.principal, req);
    });
    handle('queue:subscribe', async () => {
      const u = user();
      const entries = deps.review.queue(u);
      await socket.join(reviewQueueRoom(u.officeId));
      return entries;
    });

    socket.on('disconnect', () => leave(socket));
  });
}

function transportOptions(t: WebRtcTransportInfo): TransportOptions {
  return {
    id: t.id,
    iceParameters: t.iceParameters,
    iceCandidates: t.iceCandidates,
    dtlsParameters: t.dtlsParameters,
  };
}

/** A consumer of `producerId` for `peerId`, as the browser's transport takes it (forwarding at once with `resumed`). */
async function consumeFor(room: Room, peerId: string, transportId: string, producerId: string, resumed: boolean): Promise<ConsumerOptions> {
  const c = await room.consume(peerId, transportId, producerId, { resumed });
  return {
    id: c.id,
    producerId: c.producerId,
    peerId: c.producerPeerId,
    kind: c.kind,
    source: sourceOf(c.appData),
    ...captureSizeOf(c.appData),
    rtpParameters: c.rtpParameters,
    producerPaused: c.producerPaused,
  };
}

function sourceOf(appData: Record<string, unknown>): MediaSource {
  const s = appData['source'];
  return s === 'document' || s === 'microphone' ? s : 'camera';
}

/** The size the sender announced (validated by the produce request's schema when it was made). */
function captureSizeOf(appData: Record<string, unknown>): { captureSize?: CaptureSize } {
  const size = CaptureSizeSchema.safeParse(appData['captureSize']);
  return size.success ? { captureSize: size.data } : {};
}

function remoteProducer(p: ProducerInfo): RemoteProducer {
  return { producerId: p.producerId, peerId: p.peerId, kind: p.kind, source: sourceOf(p.appData), paused: p.paused };
}

/** AppError codes go through as they are; SFU errors keep their SFU_* code with a generic message. */
function ackError(e: unknown): AckError {
  if (isAppError(e)) return { code: e.code, message_zh: e.message_zh, message_en: e.message_en };
  const generic = new AppError('RTC_REQUEST_FAILED');
  return { code: isSfuError(e) ? e.code : generic.code, message_zh: generic.message_zh, message_en: generic.message_en };
}

/** A refused handshake: the client gets the code and messages in `connect_error`'s `err.data`. */
function refusal(e: unknown): Error & { data: AckError } {
  return Object.assign(new Error(isAppError(e) ? e.code : 'AUTH_REQUIRED'), { data: ackError(e) });
}

/** Whose limits a socket counts against: an account, a peer site's reviewer, or the applicant of one review session (all its keys). */
function ownerOf(p: ReviewPrincipal): string {
  if (p.kind === 'user') return `user:${p.user.id}`;
  if (p.kind === 'peerReviewer') return `peer:${p.reviewer.siteId}:${p.reviewer.userId}`;
  return `applicant:${p.sessionId}`;
}

/** A join grant or rejoin key in the handshake (the rejoin key first: the grant is spent once a join used it). */
function peerCredentialOf(auth: { grant?: unknown; rejoin?: unknown } | undefined): PeerCredential | undefined {
  if (auth?.grant === undefined && auth?.rejoin === undefined) return undefined;
  const wellFormed = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z0-9_-]{22,128}$/.test(v);
  if (wellFormed(auth.rejoin)) return { rejoin: auth.rejoin };
  if (wellFormed(auth.grant)) return { grant: auth.grant };
  throw new AppError('GRANT_UNKNOWN');
}

function rtcLimits(config: Config) {
  const ports = config.RTC_MAX_PORT - config.RTC_MIN_PORT + 1;
  return {
    socketsPerUser: config.RTC_MAX_SOCKETS_PER_USER,
    socketsPerApplicant: config.RTC_MAX_SOCKETS_PER_APPLICANT,
    selfTestsPerUser: config.RTC_MAX_SELF_TESTS_PER_USER,
    // Every transport takes one port of the range per protocol: no account may hold more than a
    // tenth of it, however the cap is set (but a call needs two).
    transportsPerUser: Math.min(config.RTC_MAX_TRANSPORTS_PER_USER, Math.max(2, Math.floor(ports / 10))),
  };
}
