import type { Namespace, Server as SocketServer, Socket } from 'socket.io';
import { AppError, isAppError } from '@tongban/shared';
import '@tongban/shared/review/errors';
import {
  CLIENT_EVENTS,
  RTC_NAMESPACE,
  type Ack,
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
  type ViewerState,
} from '@tongban/shared/signalling/events';
import {
  isSfuError,
  type MediasoupTypes,
  type ProducerInfo,
  type Room,
  type TransportDirection,
  type WebRtcTransportInfo,
} from '@tongban/sfu';
import type { Config } from '../config/config';
import type { AppContext } from '../context';
import { parseCookies, SESSION_COOKIE } from '../api/http';
import type { ReviewPrincipal } from '../review/ReviewSessionService';
import { reviewRoomKey as sessionRoomKey } from '../sfu/sfuService';
import { reviewQueueRoom } from './rooms';

/** Where a socket is: one room at a time. The peer id in the SFU room is the socket id. */
interface Membership {
  roomKey: string;
  room: Room;
  sessionId: string | null;
  clientId: string;
  view: PeerView;
}

interface RtcSocketData {
  principal: ReviewPrincipal;
  membership?: Membership;
  /** The room key of a join in progress, until `membership` is set (counted by the self-test cap). */
  joining?: string;
}

const SELF_TEST_PREFIX = 'check:';

type RtcNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, RtcSocketData>;
type RtcSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, RtcSocketData>;

/**
 * socket.io namespace `/rtc`: signalling around sfu Rooms for co-review calls and the /check
 * self-test. Authenticated by the login cookie, or by an applicant session key in
 * `handshake.auth.token`. Every payload is parsed with its schema from the shared event map;
 * who may join a session's room is decided by ReviewSessionService.authorizeJoin.
 */
export function attachSignalling(ctx: AppContext, io: SocketServer): void {
  const nsp = io.of(RTC_NAMESPACE) as unknown as RtcNamespace;
  const sfu = ctx.review.media;
  const viewers = new Map<string, ViewerState & { by: string }>();
  const wiredRooms = new WeakSet<Room>();

  nsp.use((socket, next) => {
    try {
      const user = ctx.auth.userForToken(parseCookies(socket.handshake.headers.cookie)[SESSION_COOKIE]);
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      if (user) socket.data.principal = { kind: 'user', user };
      else if (typeof token === 'string' && token.length > 0 && token.length < 200)
        socket.data.principal = ctx.review.applicantForKey(token);
      else throw new AppError('AUTH_REQUIRED');
      next();
    } catch (e) {
      next(refusal(e));
    }
  });

  const limits = rtcLimits(ctx.config);
  /** Socket ids holding one of their owner's connection slots, by owner (see ownerOf). */
  const connections = new Map<string, Set<string>>();
  // After the login check, and last: a slot is given back on disconnect or when the connection
  // closes, so no middleware after this one may refuse the socket.
  nsp.use((socket, next) => {
    const principal = socket.data.principal;
    const owner = ownerOf(principal);
    const max = principal.kind === 'user' ? limits.socketsPerUser : limits.socketsPerApplicant;
    const held = connections.get(owner) ?? new Set<string>();
    if (held.size >= max) {
      ctx.log.warn({ owner, open: held.size, max }, 'rtc connection refused: too many open');
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
  /** Transports the owner's peers hold or are being given, in all their rooms. */
  const transportsOf = (owner: string) =>
    ownSockets(owner).reduce(
      (n, s) => (s.data.membership && !s.data.membership.room.closed ? n + s.data.membership.room.transportCount(s.id) : n),
      0,
    );

  ctx.review.on('session', (view) => nsp.to(sessionRoomKey(view.id)).emit('review:updated', view));
  ctx.review.on('queue', (officeId) => nsp.to(reviewQueueRoom(officeId)).emit('queue:changed', ctx.review.queueFor(officeId)));
  sfu.onRoomReset((roomKey, reason) => {
    // Everyone in the dead room rejoins; a new room is made on a live worker.
    viewers.delete(roomKey);
    for (const s of nsp.sockets.values()) {
      if (s.data.membership?.roomKey !== roomKey) continue;
      s.data.membership = undefined;
      void s.leave(roomKey);
      s.emit('rtc:roomReset', { reason });
    }
  });

  /** Room events → the sockets concerned. Once per Room (peer ids are socket ids). */
  const wire = (roomKey: string, room: Room) => {
    if (wiredRooms.has(room)) return;
    wiredRooms.add(room);
    room.on('newproducer', (p) => nsp.to(roomKey).except(p.peerId).emit('rtc:newProducer', remoteProducer(p)));
    room.on('producerclosed', (p) => nsp.to(roomKey).emit('rtc:producerClosed', p));
    room.on('producerpaused', (p) => nsp.to(roomKey).except(p.peerId).emit('rtc:producerPaused', p));
    room.on('producerresumed', (p) => nsp.to(roomKey).except(p.peerId).emit('rtc:producerResumed', p));
    room.on('consumerclosed', (c) => nsp.to(c.peerId).emit('rtc:consumerClosed', { consumerId: c.consumerId, producerId: c.producerId }));
    room.on('consumerscore', (c) =>
      nsp
        .to(c.peerId)
        .emit('rtc:consumerScore', { consumerId: c.consumerId, producerId: c.producerId, score: c.score, producerScore: c.producerScore }),
    );
    room.on('transportclosed', (t) => nsp.to(t.peerId).emit('rtc:transportClosed', { transportId: t.transportId }));
    room.on('peerremoved', (p) => nsp.to(roomKey).emit('rtc:peerLeft', p));
  };

  const leave = (socket: RtcSocket) => {
    const m = socket.data.membership;
    if (!m) return;
    socket.data.membership = undefined;
    void socket.leave(m.roomKey);
    if (!m.room.closed) m.room.removePeer(socket.id);
    if (!m.room.closed && m.room.peerIds().length === 0) {
      viewers.delete(m.roomKey);
      sfu.closeRoomIfEmpty(m.roomKey, m.room);
    }
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
                if (!isAppError(e) && !isSfuError(e)) ctx.log.error({ err: e, event }, 'signalling handler failed');
                reply({ ok: false, error: ackError(e) });
              },
            );
        }) as never,
      );
    };
    const joined = (): Membership => {
      const m = socket.data.membership;
      if (!m || m.room.closed) throw new AppError('RTC_NOT_JOINED');
      return m;
    };
    const user = () => {
      const p = socket.data.principal;
      if (p.kind !== 'user') throw new AppError('FORBIDDEN_ROLE', { details: { role: 'applicant' } });
      return p.user;
    };

    const owner = ownerOf(socket.data.principal);
    /** A transport for this peer, within the per-peer and per-owner caps (checked and reserved synchronously). */
    const newTransport = async (room: Room, direction: TransportDirection): Promise<WebRtcTransportInfo> => {
      const held = transportsOf(owner);
      if (held >= limits.transportsPerUser) {
        ctx.log.warn({ owner, held, max: limits.transportsPerUser }, 'rtc transport refused: too many for this account');
        throw new AppError('RTC_TOO_MANY_TRANSPORTS', { details: { max: limits.transportsPerUser } });
      }
      try {
        return await room.createWebRtcTransport(socket.id, direction);
      } catch (e) {
        if (isSfuError(e) && e.code === 'SFU_LIMIT_EXCEEDED') throw new AppError('RTC_TOO_MANY_TRANSPORTS', { details: e.details });
        throw e;
      }
    };

    const join = async (req: ParsedRequestOf<'rtc:join'>): Promise<JoinResponse> => {
      leave(socket);
      const principal = socket.data.principal;
      let roomKey: string;
      let sessionId: string | null = null;
      let role: PeerRole;
      let displayName: string;
      let session: JoinResponse['session'] = null;
      let produce = true;
      if ('selfTest' in req) {
        const u = user();
        const open = ownSockets(owner).filter(
          (s) => s.id !== socket.id && (s.data.membership?.roomKey ?? s.data.joining)?.startsWith(SELF_TEST_PREFIX),
        );
        if (open.length >= limits.selfTestsPerUser)
          throw new AppError('RTC_TOO_MANY_SELF_TESTS', { details: { max: limits.selfTestsPerUser } });
        roomKey = `${SELF_TEST_PREFIX}${socket.id}`;
        role = u.role;
        displayName = u.displayName;
      } else {
        const grant = ctx.review.authorizeJoin(principal, req.sessionId);
        roomKey = sessionRoomKey(req.sessionId);
        sessionId = req.sessionId;
        role = grant.role;
        displayName = grant.displayName;
        session = grant.session;
        produce = req.produce;
      }
      // A rejoin after a network loss: the old socket may not have timed out yet. Replace it.
      for (const other of nsp.sockets.values()) {
        if (other.id !== socket.id && other.data.membership?.roomKey === roomKey && other.data.membership.clientId === req.clientId) {
          leave(other);
          other.disconnect(true);
        }
      }
      socket.data.joining = roomKey;
      let room: Room;
      try {
        room = await sfu.room(roomKey);
      } catch (e) {
        throw new AppError('RTC_UNAVAILABLE', { details: { reason: (e as Error).message } });
      } finally {
        socket.data.joining = undefined;
      }
      wire(roomKey, room);
      room.addPeer(
        socket.id,
        req.rtpCapabilities ? { rtpCapabilities: req.rtpCapabilities as unknown as MediasoupTypes.RtpCapabilities } : {},
      );
      const view: PeerView = { peerId: socket.id, role, displayName };
      socket.data.membership = { roomKey, room, sessionId, clientId: req.clientId, view };
      try {
        const [recv, send] = await Promise.all([newTransport(room, 'recv'), produce ? newTransport(room, 'send') : Promise.resolve(null)]);
        if (!socket.connected) throw new AppError('RTC_NOT_JOINED');
        await socket.join(roomKey);
        const peers = [...nsp.sockets.values()]
          .filter((s) => s.id !== socket.id && s.data.membership?.roomKey === roomKey)
          .map((s) => s.data.membership!.view);
        socket.to(roomKey).emit('rtc:peerJoined', view);
        return {
          peerId: socket.id,
          role,
          routerRtpCapabilities: room.rtpCapabilities as unknown as Record<string, unknown>,
          sendTransport: send ? transportOptions(send) : null,
          recvTransport: transportOptions(recv),
          producers: room.listProducers(socket.id).map(remoteProducer),
          peers,
          viewer: viewers.get(roomKey) ?? null,
          session,
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
      joined().room.setRtpCapabilities(socket.id, req.rtpCapabilities as unknown as MediasoupTypes.RtpCapabilities);
      return {};
    });
    handle('rtc:createTransport', async (req) => transportOptions(await newTransport(joined().room, req.direction)));
    handle('rtc:connectTransport', async (req) => {
      await joined().room.connectTransport(socket.id, req.transportId, req.dtlsParameters as unknown as MediasoupTypes.DtlsParameters);
      return {};
    });
    handle('rtc:restartIce', async (req) => ({
      iceParameters: (await joined().room.restartIce(socket.id, req.transportId)) as unknown as Record<string, unknown>,
    }));
    handle('rtc:produce', async (req) => {
      const m = joined();
      if (req.source === 'document' && !['clerk', 'supervisor'].includes(m.view.role)) {
        throw new AppError('FORBIDDEN_ROLE', { details: { source: req.source, role: m.view.role } });
      }
      const { id } = await m.room.produce(socket.id, req.transportId, {
        kind: req.kind,
        rtpParameters: req.rtpParameters as unknown as MediasoupTypes.RtpParameters,
        // The role tells a recording whose camera it holds.
        appData: { source: req.source, role: m.view.role },
      });
      return { producerId: id };
    });
    handle('rtc:closeProducer', (req) => {
      joined().room.closeProducer(socket.id, req.producerId);
      return {};
    });
    handle('rtc:pauseProducer', async (req) => {
      await joined().room.pauseProducer(socket.id, req.producerId);
      return {};
    });
    handle('rtc:resumeProducer', async (req) => {
      await joined().room.resumeProducer(socket.id, req.producerId);
      return {};
    });
    handle('rtc:consume', async (req) => {
      const { room } = joined();
      const c = await room.consume(socket.id, req.transportId, req.producerId);
      if (req.resume) await room.resumeConsumer(socket.id, c.id);
      const options: ConsumerOptions = {
        id: c.id,
        producerId: c.producerId,
        peerId: c.producerPeerId,
        kind: c.kind,
        source: sourceOf(c.appData),
        rtpParameters: c.rtpParameters as unknown as Record<string, unknown>,
        producerPaused: c.producerPaused,
      };
      return options;
    });
    handle('rtc:resumeConsumer', async (req) => {
      await joined().room.resumeConsumer(socket.id, req.consumerId);
      return {};
    });
    handle('rtc:pauseConsumer', async (req) => {
      await joined().room.pauseConsumer(socket.id, req.consumerId);
      return {};
    });
    handle('rtc:setPreferredLayers', async (req) => {
      await joined().room.setPreferredLayers(socket.id, req.consumerId, {
        spatialLayer: req.spatialLayer,
        ...(req.temporalLayer === undefined ? {} : { temporalLayer: req.temporalLayer }),
      });
      return {};
    });
    handle('rtc:requestKeyFrame', async (req) => {
      await joined().room.requestKeyFrame(socket.id, req.consumerId);
      return {};
    });
    handle('viewer:update', (req) => {
      const m = joined();
      if (m.view.role === 'applicant') throw new AppError('FORBIDDEN_ROLE', { details: { role: 'applicant' } });
      const state = { ...req, by: socket.id };
      viewers.set(m.roomKey, state);
      socket.to(m.roomKey).emit('viewer:state', state);
      return {};
    });
    handle('queue:subscribe', async () => {
      const u = user();
      const entries = ctx.review.queue(u);
      await socket.join(reviewQueueRoom(u.officeId));
      return entries;
    });

    socket.on('disconnect', () => leave(socket));
  });
}

function transportOptions(t: WebRtcTransportInfo): TransportOptions {
  return {
    id: t.id,
    iceParameters: t.iceParameters as unknown as Record<string, unknown>,
    iceCandidates: t.iceCandidates as unknown as Array<Record<string, unknown>>,
    dtlsParameters: t.dtlsParameters as unknown as Record<string, unknown>,
  };
}

function sourceOf(appData: Record<string, unknown>): MediaSource {
  const s = appData['source'];
  return s === 'document' || s === 'microphone' ? s : 'camera';
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

/** Whose limits a socket counts against: an account, or the applicant of one review session (all its keys). */
function ownerOf(p: ReviewPrincipal): string {
  return p.kind === 'user' ? `user:${p.user.id}` : `applicant:${p.sessionId}`;
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
