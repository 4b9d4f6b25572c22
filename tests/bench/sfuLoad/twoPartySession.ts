import { ROUTER_MEDIA_CODECS, type MediasoupTypes as types } from '@tongban/sfu';
import type { SyntheticSource } from './syntheticSource';

export interface SessionEnv {
  /** The worker under measurement: every session router lives here. */
  worker: types.Worker;
  /** Router holding the synthetic source (on another worker, so its fan-out is not measured). */
  sourceRouter: types.Router;
  source: SyntheticSource;
  listenInfo: types.TransportListenInfo;
  /** Where every consumer sends its packets. */
  sinkPort: number;
  /** SRTP on every session transport (as WebRTC always has), with this suite; null = plain RTP. */
  srtpCryptoSuite: types.SrtpCryptoSuite | null;
}

/** A consumer as the sink sees it. */
export interface ForwardedStream {
  ssrc: number;
  kind: types.MediaKind;
  /** The raw run's mediasoup consumer (the Room keeps its own out of reach). */
  consumer?: types.Consumer;
  /** Room run: ICE/DTLS state of the browser stand-ins it passes through, for saying why it is silent. */
  transportState?: () => string;
}

interface Party {
  producers: types.Producer[];
  recv: types.PlainTransport;
}

/**
 * One co-review session as the SFU sees it: a router (one per session, as Room
 * does) and two parties, each sending camera + microphone over its own send
 * transport and receiving the other's two streams over its own recv transport
 * — 4 producers, 4 consumers, 4 transports, like two browsers.
 *
 * PlainTransports stand in for WebRtcTransports (no ICE/DTLS to script), with
 * SRTP switched on so the per-packet crypto is still paid. Each party's
 * "browser" is a consumer pair on the source router, so every producer here
 * receives its own real RTP stream over UDP. The recv transports send to the
 * sink socket, which counts what was really forwarded.
 */
export async function createTwoPartySession(env: SessionEnv, sessionId: string): Promise<ForwardedStream[]> {
  const router = await env.worker.createRouter({ mediaCodecs: ROUTER_MEDIA_CODECS, appData: { sessionId } });
  const [a, b] = await Promise.all([joinParty(env, router), joinParty(env, router)]);
  const streams = await Promise.all([...consumeAll(env, router, a!.recv, b!), ...consumeAll(env, router, b!.recv, a!)]);
  return streams;
}

async function joinParty(env: SessionEnv, router: types.Router): Promise<Party> {
  const [send, recv, feed] = await Promise.all([
    createTransport(env, router),
    createTransport(env, router),
    createTransport(env, env.sourceRouter),
  ]);
  await Promise.all([
    connectTo(send, feed.tuple.localPort, feed),
    connectTo(feed, send.tuple.localPort, send),
    connectTo(recv, env.sinkPort, recv), // the sink never sends back: any valid key will do
  ]);
  const capabilities = consumerCapabilities(env.sourceRouter);
  const producers = await Promise.all(
    [env.source.video, env.source.audio].map(async (sourceProducer) => {
      const feedConsumer = await feed.consume({ producerId: sourceProducer.id, rtpCapabilities: capabilities });
      return send.produce({ kind: feedConsumer.kind, rtpParameters: feedConsumer.rtpParameters });
    }),
  );
  return { producers, recv };
}

function consumeAll(env: SessionEnv, router: types.Router, recv: types.PlainTransport, from: Party): Promise<ForwardedStream>[] {
  const capabilities = consumerCapabilities(router);
  return from.producers.map(async (producer) => {
    const consumer = await recv.consume({ producerId: producer.id, rtpCapabilities: capabilities });
    const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
    if (ssrc === undefined) throw new Error(`consumer ${consumer.id} has no SSRC`);
    return { ssrc, kind: consumer.kind, consumer };
  });
}

function createTransport(env: SessionEnv, router: types.Router): Promise<types.PlainTransport> {
  return router.createPlainTransport({
    listenInfo: env.listenInfo,
    rtcpMux: true,
    comedia: false,
    ...(env.srtpCryptoSuite ? { enableSrtp: true, srtpCryptoSuite: env.srtpCryptoSuite } : {}),
  });
}

/**
 * Send to 127.0.0.1:port. mediasoup encrypts with the transport's own key and
 * decrypts what arrives with the key given here: that of `remote`, the sender.
 */
function connectTo(transport: types.PlainTransport, port: number, remote: types.PlainTransport): Promise<void> {
  return transport.connect({
    ip: '127.0.0.1',
    port,
    ...(remote.srtpParameters ? { srtpParameters: remote.srtpParameters } : {}),
  });
}

/**
 * What a browser-like receiver offers: the router's Opus and VP8 with their
 * feedback (NACK, PLI, transport-cc, REMB) and header extensions, without RTX
 * so each consumer is exactly one SSRC at the sink.
 */
function consumerCapabilities(router: types.Router): types.RtpCapabilities {
  const { codecs = [], headerExtensions } = router.rtpCapabilities;
  return {
    codecs: codecs.filter((c) => c.mimeType === 'audio/opus' || c.mimeType === 'video/VP8'),
    headerExtensions,
  };
}
