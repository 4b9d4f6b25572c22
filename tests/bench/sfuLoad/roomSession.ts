import { Room, type MediasoupTypes as types, type WorkerPool } from '@tongban/sfu';
import type { SyntheticSource } from './syntheticSource';
import type { ForwardedStream } from './twoPartySession';
import type { WebRtcRelay } from './webRtcRelay';

export interface RoomSessionEnv {
  pool: WorkerPool;
  /** The worker under measurement: every Room's router lives here. */
  worker: types.Worker;
  /** Router of the source and of the browsers' stand-in transports (feeder worker). */
  sourceRouter: types.Router;
  source: SyntheticSource;
  relay: WebRtcRelay;
  portRange: { min: number; max: number };
  /** What the session's Room event listeners saw: the server relays each of these over socket.io. */
  onRoomEvent: () => void;
  /** The Room transports on the measured worker by id, as its observer announces them (the Room keeps its own private). */
  roomTransports: ReadonlyMap<string, types.WebRtcTransport>;
}

/**
 * One co-review session through the product's path: a Room (as SfuService makes it, with its
 * defaults — UDP + TCP listen infos, 1 Mbit/s initial outgoing estimate, 3 Mbit/s incoming cap
 * on send transports), two peers each with a send and a recv WebRtcTransport, camera + mic
 * produced through Room.produce, consumed through Room.consume + resumeConsumer with the
 * peers' browser-like capabilities (RTX included), and the listeners signalling.ts attaches.
 *
 * The browsers are WebRtcTransports on the feeder worker, reached through the relay (ICE) and
 * doing DTLS with the Room's transports; their media is the same source as the raw run's.
 */
export async function createRoomSession(env: RoomSessionEnv, sessionId: string): Promise<ForwardedStream[]> {
  const room = await Room.create(env.pool, { roomId: sessionId, listenIp: '127.0.0.1', worker: env.worker });
  for (const event of ROOM_EVENTS) room.on(event, env.onRoomEvent);
  const caps = browserCapabilities(room.rtpCapabilities);
  const peers = ['a', 'b'].map((p) => `${sessionId}-${p}`);
  const transports = await Promise.all(
    peers.map(async (peerId) => {
      room.addPeer(peerId, { rtpCapabilities: caps });
      const [send, recv] = await Promise.all([connectPair(env, room, peerId, 'send'), connectPair(env, room, peerId, 'recv')]);
      return { peerId, send, recv };
    }),
  );
  const produced = await Promise.all(
    transports.map(async ({ peerId, send }) => {
      const feedCaps = feederCapabilities(env.sourceRouter);
      const ids = await Promise.all(
        [env.source.video, env.source.audio].map(async (sourceProducer) => {
          const feed = await send.feeder.consume({ producerId: sourceProducer.id, rtpCapabilities: feedCaps });
          const source = feed.kind === 'video' ? 'camera' : 'microphone';
          return (
            await room.produce(peerId, send.roomTransportId, { kind: feed.kind, rtpParameters: feed.rtpParameters, appData: { source } })
          ).id;
        }),
      );
      return { peerId, ids, send };
    }),
  );
  const streams: ForwardedStream[] = [];
  for (const { peerId, recv } of transports) {
    for (const other of produced.filter((p) => p.peerId !== peerId)) {
      const transportState = () => `${other.peerId} ${other.send.state()}; ${peerId} ${recv.state()}`;
      for (const producerId of other.ids) {
        const info = await room.consume(peerId, recv.roomTransportId, producerId);
        await room.resumeConsumer(peerId, info.id);
        const ssrc = info.rtpParameters.encodings?.[0]?.ssrc;
        if (ssrc === undefined) throw new Error(`consumer ${info.id} has no SSRC`);
        streams.push({ ssrc, kind: info.kind, transportState });
      }
    }
  }
  return streams;
}

const ROOM_EVENTS = ['newproducer', 'producerclosed', 'consumerclosed', 'consumerscore', 'transportclosed', 'peerremoved'] as const;

interface ConnectedPair {
  roomTransportId: string;
  feeder: types.WebRtcTransport;
  /** Where the pair's handshake stands: both ends' ICE/DTLS and the DTLS datagrams each sent through the relay. */
  state: () => string;
}

/** A Room transport and its browser stand-in, ICE through the relay, DTLS between them (the browser is the client). */
async function connectPair(env: RoomSessionEnv, room: Room, peerId: string, direction: 'send' | 'recv'): Promise<ConnectedPair> {
  const info = await room.createWebRtcTransport(peerId, direction);
  const feeder = await env.sourceRouter.createWebRtcTransport({
    listenInfos: [{ protocol: 'udp', ip: '127.0.0.1', portRange: { ...env.portRange } }],
  });
  const roomPort = info.iceCandidates.find((c) => c.protocol === 'udp')?.port;
  if (roomPort === undefined) throw new Error(`room transport ${info.id} has no UDP candidate`);
  env.relay.link(
    { port: roomPort, iceParameters: info.iceParameters },
    { port: feeder.iceCandidates[0]!.port, iceParameters: feeder.iceParameters },
    direction,
  );
  await room.connectTransport(peerId, info.id, { role: 'client', fingerprints: feeder.dtlsParameters.fingerprints });
  await feeder.connect({ dtlsParameters: { role: 'server', fingerprints: info.dtlsParameters.fingerprints } });
  const roomTransport = env.roomTransports.get(info.id);
  const state = () =>
    `${direction}: room ${roomTransport ? stateOf(roomTransport) : 'transport not seen'} (${env.relay.dtlsFrom(roomPort)} DTLS out), ` +
    `browser ${stateOf(feeder)} (${env.relay.dtlsFrom(feeder.iceCandidates[0]!.port)} DTLS out)`;
  return { roomTransportId: info.id, feeder, state };
}

function stateOf(t: types.WebRtcTransport): string {
  return `ice ${t.iceState} dtls ${t.dtlsState}${t.iceSelectedTuple ? '' : ' (no ICE tuple)'}`;
}

/** What Chromium offers for the router's codecs we use: Opus, VP8 with RTX, every header extension. */
function browserCapabilities(router: types.RouterRtpCapabilities): types.RtpCapabilities {
  // A router fills in every payload type; the type only says it may.
  const codecs = (router.codecs ?? []).flatMap((c) =>
    c.preferredPayloadType === undefined ? [] : [{ ...c, preferredPayloadType: c.preferredPayloadType }],
  );
  const vp8 = codecs.find((c) => c.mimeType === 'video/VP8');
  return {
    codecs: codecs.filter(
      (c) =>
        c.mimeType === 'audio/opus' || c === vp8 || (c.mimeType === 'video/rtx' && c.parameters?.['apt'] === vp8?.preferredPayloadType),
    ),
    headerExtensions: router.headerExtensions,
  };
}

/** The source's streams as the browsers send them: without RTX, like the raw run's producers. */
function feederCapabilities(router: types.Router): types.RtpCapabilities {
  const { codecs = [], headerExtensions } = router.rtpCapabilities;
  return { codecs: codecs.filter((c) => c.mimeType === 'audio/opus' || c.mimeType === 'video/VP8'), headerExtensions };
}
