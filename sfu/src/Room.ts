import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { MAX_PUBLISHED_BITRATE } from '@tongban/shared/signalling/publishing';
import { ROUTER_MEDIA_CODECS } from './codecs';
import { SfuError } from './errors';
import { silentLogger, type SfuLogger } from './logger';
import type { PortRange, WorkerPool } from './WorkerPool';

export type TransportDirection = 'send' | 'recv';

/**
 * Key-frame requests to one video sender are sent at most this often (mediasoup's
 * keyFrameRequestDelay holds the ones in between and sends one when it ends). A browser's encoder
 * honours one request per 300 ms and drops the rest (libwebrtc's minimum key-frame send
 * interval); mediasoup, seeing no key frame for a dropped one, would ask again only after 1 s.
 */
const KEY_FRAME_REQUEST_SPACING_MS = 350;

export interface RoomOptions {
  /** Opaque id chosen by the caller (the server maps a case session to it). */
  roomId: string;
  /** Local IP the transports bind to. Default '0.0.0.0'. */
  listenIp?: string;
  /** IP or hostname put in ICE candidates when listenIp is not what clients reach (NAT, 0.0.0.0). */
  announcedAddress?: string;
  /** Also offer ICE-TCP candidates (for networks that block UDP). Default true; UDP stays preferred. */
  enableTcp?: boolean;
  mediaCodecs?: types.RouterRtpCodecCapability[];
  /** Starting downlink estimate per recv transport, bits/s. Default 1 Mbit/s. */
  initialAvailableOutgoingBitrate?: number;
  /** Cap on what one send transport may push to us, bits/s. Default: what one participant publishes at most (MAX_PUBLISHED_BITRATE); 0 = no cap. */
  maxIncomingBitrate?: number;
  /** Guard against runaway clients. Default 4 transports per peer. */
  maxTransportsPerPeer?: number;
  /** Place the router on this worker instead of pool.leastLoaded(). */
  worker?: types.Worker;
  logger?: SfuLogger;
}

/** What a client needs to create its mediasoup-client Transport. */
export interface WebRtcTransportInfo {
  id: string;
  direction: TransportDirection;
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
}

/** What a client needs to create its mediasoup-client Consumer. */
export interface ConsumerInfo {
  id: string;
  producerId: string;
  producerPeerId: string;
  kind: types.MediaKind;
  rtpParameters: types.RtpParameters;
  type: types.ConsumerType;
  /** Whether the producer is paused (the consumer itself is created paused unless asked otherwise). */
  producerPaused: boolean;
  appData: types.AppData;
}

export interface ProducerInfo {
  peerId: string;
  producerId: string;
  kind: types.MediaKind;
  paused: boolean;
  appData: types.AppData;
}

export interface ProduceOptions {
  kind: types.MediaKind;
  rtpParameters: types.RtpParameters;
  /** Client-chosen tags, e.g. { source: 'camera' | 'document-camera' | 'screen' }. Relayed to consumers. */
  appData?: types.AppData;
  paused?: boolean;
}

export interface RoomStats {
  roomId: string;
  workerPid: number;
  closed: boolean;
  peers: number;
  transports: number;
  producers: number;
  consumers: number;
}

export interface PeerRef {
  peerId: string;
}

export interface ConsumerRef extends PeerRef {
  consumerId: string;
  producerId: string;
}

export interface ConsumerScoreInfo extends ConsumerRef {
  score: number;
  producerScore: number;
}

export type RoomCloseReason = 'closed' | 'worker-died';

/** What a recording tap (recording/recordingTap.ts) reaches inside a room. */
export interface RecordingAccess {
  router: types.Router;
  /** The pool's RTP port range, which the tap's PlainTransports bind in too. */
  portRange: PortRange;
  /** A live producer of any peer (SFU_PRODUCER_NOT_FOUND otherwise). */
  producer(producerId: string): types.Producer;
  /** Throws SFU_ROOM_CLOSED once the room has closed. */
  assertOpen(): void;
}

export interface RoomEvents {
  /** Someone started sending; tell the other peers so they can consume it. */
  newproducer: [ProducerInfo];
  producerclosed: [PeerRef & { producerId: string }];
  producerpaused: [PeerRef & { producerId: string }];
  producerresumed: [PeerRef & { producerId: string }];
  /** A consumer went away because its producer did; tell the consuming peer (`peerId`). */
  consumerclosed: [ConsumerRef];
  /** The producer behind this consumer paused/resumed; tell the consuming peer. */
  consumerpaused: [ConsumerRef];
  consumerresumed: [ConsumerRef];
  /**
   * mediasoup's view of this consumer's downlink (`score`) and its producer's uplink, 0–10
   * (10 = perfect): once when the consumer is created, then on every change.
   */
  consumerscore: [ConsumerScoreInfo];
  /** A transport closed on its own (DTLS failed/closed); the peer must make a new one. */
  transportclosed: [PeerRef & { transportId: string }];
  peerremoved: [PeerRef];
  /** The room is gone. 'worker-died': re-create it (pool emits 'workerrespawned' when a worker is back). */
  close: [{ reason: RoomCloseReason }];
}

interface PeerTransport {
  transport: types.WebRtcTransport;
  direction: TransportDirection;
}

interface Peer {
  id: string;
  rtpCapabilities: types.RtpCapabilities | undefined;
  transports: Map<string, PeerTransport>;
  /** Transports being created: counted against the limit so requests sent back to back cannot all pass it. */
  creating: number;
  producers: Map<string, types.Producer>;
  consumers: Map<string, types.Consumer>;
}

/**
 * One mediasoup router and the peers in it. Knows rooms and peers, never cases:
 * the server decides who may join and relays the events below over signalling.
 *
 * Bookkeeping is driven by mediasoup's `observer 'close'` events, so whatever
 * closes a transport/producer/consumer (us, the client, a dead worker) the maps
 * stay in step and nothing leaks.
 */
export class Room extends EventEmitter<RoomEvents> {
  readonly id: string;
  private readonly router: types.Router;
  private readonly peers = new Map<string, Peer>();
  /** producerId → owning peer id, for consume() and events. */
  private readonly producerOwners = new Map<string, string>();
  private readonly listenInfos: types.TransportListenInfo[];
  private readonly initialAvailableOutgoingBitrate: number;
  private readonly maxIncomingBitrate: number;
  private readonly maxTransportsPerPeer: number;
  private readonly logger: SfuLogger;
  private isClosed = false;

  /** Create a room on `options.worker` or on the pool's least loaded worker. */
  static async create(pool: WorkerPool, options: RoomOptions): Promise<Room> {
    const worker = options.worker ?? pool.leastLoaded();
    const router = await worker.createRouter({
      mediaCodecs: options.mediaCodecs ?? ROUTER_MEDIA_CODECS,
      appData: { roomId: options.roomId },
    });
    return new Room(router, worker.pid, pool.portRange, options);
  }

  private constructor(
    router: types.Router,
    readonly workerPid: number,
    private readonly portRange: PortRange,
    options: RoomOptions,
  ) {
    super();
    this.id = options.roomId;
    this.router = router;
    this.logger = options.logger ?? silentLogger;
    this.initialAvailableOutgoingBitrate = options.initialAvailableOutgoingBitrate ?? 1_000_000;
    this.maxIncomingBitrate = options.maxIncomingBitrate ?? MAX_PUBLISHED_BITRATE;
    this.maxTransportsPerPeer = options.maxTransportsPerPeer ?? 4;

    const listen = {
      ip: options.listenIp ?? '0.0.0.0',
      ...(options.announcedAddress ? { announcedAddress: options.announcedAddress } : {}),
      portRange: { ...portRange },
    };
    this.listenInfos = [{ protocol: 'udp', ...listen }];
    if (options.enableTcp ?? true) this.listenInfos.push({ protocol: 'tcp', ...listen });

    // The worker died (or someone closed the router): the room cannot go on.
    router.on('workerclose', () => this.shutdown('worker-died'));
  }

  get closed(): boolean {
    return this.isClosed;
  }

  get routerId(): string {
    return this.router.id;
  }

  /** The router's RTP capabilities: what a client loads its mediasoup-client Device with. */
  get rtpCapabilities(): types.RtpCapabilities {
    return this.router.rtpCapabilities;
  }

  hasPeer(peerId: string): boolean {
    return this.peers.has(peerId);
  }

  peerIds(): string[] {
    return [...this.peers.keys()];
  }

  /** Transports the peer holds or is being given (each takes one port of the range per protocol); 0 for an unknown peer. */
  transportCount(peerId: string): number {
    const peer = this.peers.get(peerId);
    return peer ? peer.transports.size + peer.creating : 0;
  }

  /**
   * Add a peer. `rtpCapabilities` (the client Device's) are needed before it
   * can consume; they can also be given later with setRtpCapabilities().
   */
  addPeer(peerId: string, opts: { rtpCapabilities?: types.RtpCapabilities } = {}): void {
    this.assertOpen();
    if (this.peers.has(peerId)) {
      throw new SfuError('SFU_PEER_EXISTS', `peer ${peerId} is already in room ${this.id}`, { peerId });
    }
    this.peers.set(peerId, {
      id: peerId,
      rtpCapabilities: opts.rtpCapabilities,
      transports: new Map(),
      creating: 0,
      producers: new Map(),
      consumers: new Map(),
    });
  }

  setRtpCapabilities(peerId: string, rtpCapabilities: types.RtpCapabilities): void {
    this.peer(peerId).rtpCapabilities = rtpCapabilities;
  }

  /** Producers a (newly joined) peer can consume: everyone's but its own. */
  listProducers(exceptPeerId?: string): ProducerInfo[] {
    const out: ProducerInfo[] = [];
    for (const peer of this.peers.values()) {
      if (peer.id === exceptPeerId) continue;
      for (const producer of peer.producers.values()) out.push(producerInfo(peer.id, producer));
    }
    return out;
  }

  async createWebRtcTransport(peerId: string, direction: TransportDirection): Promise<WebRtcTransportInfo> {
    const peer = this.peer(peerId);
    if (direction !== 'send' && direction !== 'recv') {
      throw new SfuError('SFU_TRANSPORT_DIRECTION', `direction must be 'send' or 'recv'`, { direction });
    }
    if (peer.transports.size + peer.creating >= this.maxTransportsPerPeer) {
      throw new SfuError('SFU_LIMIT_EXCEEDED', `peer ${peerId} already has ${peer.transports.size + peer.creating} transports`, {
        peerId,
        max: this.maxTransportsPerPeer,
      });
    }

    peer.creating++;
    let transport: types.WebRtcTransport;
    try {
      transport = await this.router.createWebRtcTransport({
        listenInfos: this.listenInfos,
        preferUdp: true,
        initialAvailableOutgoingBitrate: this.initialAvailableOutgoingBitrate,
        appData: { peerId, direction },
      });
    } finally {
      peer.creating--;
    }
    // The peer may have left (or the room closed) while we awaited.
    if (!this.isCurrent(peer)) {
      transport.close();
      throw this.goneError(peerId);
    }

    peer.transports.set(transport.id, { transport, direction });
    transport.observer.once('close', () => peer.transports.delete(transport.id));
    transport.on('dtlsstatechange', (state) => {
      // 'failed'/'closed' are terminal for DTLS: free the ports now rather than
      // when the peer leaves, and tell the client to make a new transport.
      if (state === 'failed' || state === 'closed') {
        this.logger.warn('transport DTLS ended', { roomId: this.id, peerId, transportId: transport.id, state });
        if (!transport.closed) {
          transport.close();
          this.emit('transportclosed', { peerId, transportId: transport.id });
        }
      }
    });

    if (direction === 'send' && this.maxIncomingBitrate > 0) {
      await transport.setMaxIncomingBitrate(this.maxIncomingBitrate).catch((err: Error) => {
        this.logger.warn('setMaxIncomingBitrate failed', { roomId: this.id, error: err.message });
      });
    }

    return {
      id: transport.id,
      direction,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  async connectTransport(peerId: string, transportId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    await this.transport(peerId, transportId).transport.connect({ dtlsParameters });
  }

  /** New ICE credentials after the client's network changed; the client calls transport.restartIce() with them. */
  async restartIce(peerId: string, transportId: string): Promise<types.IceParameters> {
    return this.transport(peerId, transportId).transport.restartIce();
  }

  async produce(peerId: string, transportId: string, opts: ProduceOptions): Promise<{ id: string }> {
    const peer = this.peer(peerId);
    const { transport, direction } = this.transport(peerId, transportId);
    if (direction !== 'send') {
      throw new SfuError('SFU_TRANSPORT_DIRECTION', `transport ${transportId} is not a send transport`, {
        transportId,
      });
    }

    const producer = await transport.produce({
      kind: opts.kind,
      rtpParameters: opts.rtpParameters,
      paused: opts.paused ?? false,
      keyFrameRequestDelay: KEY_FRAME_REQUEST_SPACING_MS,
      appData: { ...opts.appData, peerId },
    });
    if (!this.isCurrent(peer) || transport.closed) {
      producer.close();
      throw this.goneError(peerId);
    }

    peer.producers.set(producer.id, producer);
    this.producerOwners.set(producer.id, peerId);
    producer.observer.once('close', () => {
      peer.producers.delete(producer.id);
      this.producerOwners.delete(producer.id);
      if (!this.isClosed) this.emit('producerclosed', { peerId, producerId: producer.id });
    });

    this.emit('newproducer', producerInfo(peerId, producer));
    return { id: producer.id };
  }

  async pauseProducer(peerId: string, producerId: string): Promise<void> {
    await this.producer(peerId, producerId).pause();
    this.emit('producerpaused', { peerId, producerId });
  }

  async resumeProducer(peerId: string, producerId: string): Promise<void> {
    await this.producer(peerId, producerId).resume();
    this.emit('producerresumed', { peerId, producerId });
  }

  closeProducer(peerId: string, producerId: string): void {
    this.producer(peerId, producerId).close();
  }

  /** Whether the peer's RTP capabilities (if it sent them) can decode `producerId`. */
  canConsume(peerId: string, producerId: string): boolean {
    const { rtpCapabilities } = this.peer(peerId);
    return rtpCapabilities !== undefined && this.producerOwners.has(producerId) && this.router.canConsume({ producerId, rtpCapabilities });
  }

  /**
   * Consume `producerId` on one of the peer's recv transports. The consumer
   * starts PAUSED: the client creates its local consumer first, then calls
   * resumeConsumer(), so the key frame we request then is not lost. With
   * `resumed` it forwards at once, in one worker request instead of two (what
   * the join and the client's consume requests ask for).
   */
  async consume(peerId: string, transportId: string, producerId: string, opts: { resumed?: boolean } = {}): Promise<ConsumerInfo> {
    const peer = this.peer(peerId);
    const { transport, direction } = this.transport(peerId, transportId);
    if (direction !== 'recv') {
      throw new SfuError('SFU_TRANSPORT_DIRECTION', `transport ${transportId} is not a recv transport`, {
        transportId,
      });
    }
    const producerPeerId = this.producerOwners.get(producerId);
    if (producerPeerId === undefined) {
      throw new SfuError('SFU_PRODUCER_NOT_FOUND', `producer ${producerId} not in room ${this.id}`, { producerId });
    }
    if (!peer.rtpCapabilities) {
      throw new SfuError('SFU_CANNOT_CONSUME', `peer ${peerId} has not sent its RTP capabilities`, { peerId });
    }
    if (!this.canConsume(peerId, producerId)) {
      throw new SfuError('SFU_CANNOT_CONSUME', `peer ${peerId} cannot decode producer ${producerId}`, {
        peerId,
        producerId,
      });
    }

    const consumer = await transport.consume({
      producerId,
      rtpCapabilities: peer.rtpCapabilities,
      paused: !opts.resumed,
      appData: { peerId, producerPeerId },
    });
    if (!this.isCurrent(peer) || transport.closed) {
      consumer.close();
      throw this.goneError(peerId);
    }

    const ref: ConsumerRef = { peerId, consumerId: consumer.id, producerId };
    peer.consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => peer.consumers.delete(consumer.id));
    consumer.on('producerclose', () => {
      if (!this.isClosed) this.emit('consumerclosed', ref);
    });
    consumer.on('producerpause', () => this.emit('consumerpaused', ref));
    consumer.on('producerresume', () => this.emit('consumerresumed', ref));
    const emitScore = ({ score, producerScore }: types.ConsumerScore) => {
      if (!this.isClosed) this.emit('consumerscore', { ...ref, score, producerScore });
    };
    consumer.on('score', emitScore);
    // mediasoup only reports changes: a steady stream would otherwise never get a score.
    emitScore(consumer.score);

    const producerAppData = this.peers.get(producerPeerId)?.producers.get(producerId)?.appData ?? {};
    return {
      id: consumer.id,
      producerId,
      producerPeerId,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      type: consumer.type,
      producerPaused: consumer.producerPaused,
      appData: producerAppData,
    };
  }

  /**
   * Start forwarding. mediasoup itself asks the sender for a key frame when a video consumer
   * starts (on resume, or when its transport connects); asking again here would send a second
   * PLI right after that key frame, which the browser's encoder drops (it takes one per 300 ms),
   * and mediasoup then holds every other viewer's request for that layer for up to 1 s.
   */
  async resumeConsumer(peerId: string, consumerId: string): Promise<void> {
    const consumer = this.consumer(peerId, consumerId);
    await consumer.resume();
  }

  /** For a recording tap (openRecordingTap): throws SFU_ROOM_CLOSED if the room has closed. */
  recordingAccess(): RecordingAccess {
    this.assertOpen();
    return {
      router: this.router,
      portRange: this.portRange,
      producer: (producerId) => this.producerById(producerId),
      assertOpen: () => this.assertOpen(),
    };
  }

  async pauseConsumer(peerId: string, consumerId: string): Promise<void> {
    await this.consumer(peerId, consumerId).pause();
  }

  /** Simulcast/SVC: pick the layers this viewer gets (e.g. a thumbnail vs the main view). */
  async setPreferredLayers(peerId: string, consumerId: string, layers: types.ConsumerLayers): Promise<void> {
    await this.consumer(peerId, consumerId).setPreferredLayers(layers);
  }

  async requestKeyFrame(peerId: string, consumerId: string): Promise<void> {
    await this.consumer(peerId, consumerId).requestKeyFrame();
  }

  /**
   * Remove a peer and close its transports — which closes its producers and
   * consumers, and other peers' consumers of its producers (they get
   * 'consumerclosed'). Unknown peers are ignored: leaving twice is not an error.
   */
  removePeer(peerId: string): void {
    const peer = this.peers.get(peerId);
    if (!peer) return;
    this.peers.delete(peerId);
    for (const { transport } of [...peer.transports.values()]) transport.close();
    this.emit('peerremoved', { peerId });
  }

  /** Close the router and everything in it. Idempotent. */
  close(): void {
    this.shutdown('closed');
  }

  stats(): RoomStats {
    let transports = 0;
    let producers = 0;
    let consumers = 0;
    for (const peer of this.peers.values()) {
      transports += peer.transports.size;
      producers += peer.producers.size;
      consumers += peer.consumers.size;
    }
    return {
      roomId: this.id,
      workerPid: this.workerPid,
      closed: this.isClosed,
      peers: this.peers.size,
      transports,
      producers,
      consumers,
    };
  }

  private shutdown(reason: RoomCloseReason): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.peers.clear();
    this.producerOwners.clear();
    if (!this.router.closed) this.router.close();
    this.logger.info('room closed', { roomId: this.id, reason });
    this.emit('close', { reason });
  }

  private assertOpen(): void {
    if (this.isClosed) throw new SfuError('SFU_ROOM_CLOSED', `room ${this.id} is closed`, { roomId: this.id });
  }

  private isCurrent(peer: Peer): boolean {
    return !this.isClosed && this.peers.get(peer.id) === peer;
  }

  private goneError(peerId: string): SfuError {
    return this.isClosed
      ? new SfuError('SFU_ROOM_CLOSED', `room ${this.id} closed`, { roomId: this.id })
      : new SfuError('SFU_PEER_NOT_FOUND', `peer ${peerId} left room ${this.id}`, { peerId });
  }

  private peer(peerId: string): Peer {
    this.assertOpen();
    const peer = this.peers.get(peerId);
    if (!peer) throw new SfuError('SFU_PEER_NOT_FOUND', `peer ${peerId} not in room ${this.id}`, { peerId });
    return peer;
  }

  private transport(peerId: string, transportId: string): PeerTransport {
    const entry = this.peer(peerId).transports.get(transportId);
    if (!entry) {
      throw new SfuError('SFU_TRANSPORT_NOT_FOUND', `transport ${transportId} not found for peer ${peerId}`, {
        peerId,
        transportId,
      });
    }
    return entry;
  }

  private producer(peerId: string, producerId: string): types.Producer {
    const producer = this.peer(peerId).producers.get(producerId);
    if (!producer) {
      throw new SfuError('SFU_PRODUCER_NOT_FOUND', `producer ${producerId} not found for peer ${peerId}`, {
        peerId,
        producerId,
      });
    }
    return producer;
  }

  private producerById(producerId: string): types.Producer {
    const producer = this.peers.get(this.producerOwners.get(producerId) ?? '')?.producers.get(producerId);
    if (!producer) throw new SfuError('SFU_PRODUCER_NOT_FOUND', `producer ${producerId} not in room ${this.id}`, { producerId });
    return producer;
  }

  private consumer(peerId: string, consumerId: string): types.Consumer {
    const consumer = this.peer(peerId).consumers.get(consumerId);
    if (!consumer) {
      throw new SfuError('SFU_CONSUMER_NOT_FOUND', `consumer ${consumerId} not found for peer ${peerId}`, {
        peerId,
        consumerId,
      });
    }
    return consumer;
  }
}

function producerInfo(peerId: string, producer: types.Producer): ProducerInfo {
  return { peerId, producerId: producer.id, kind: producer.kind, paused: producer.paused, appData: producer.appData };
}
