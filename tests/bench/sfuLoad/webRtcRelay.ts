import { createHmac, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import type { MediasoupTypes as types } from '@tongban/sfu';
import { countBySsrc, type StreamCount } from './rtpSink';

/** The ICE and UDP port of one mediasoup WebRtcTransport, as the relay needs them. */
export interface RelayEnd {
  port: number;
  iceParameters: types.IceParameters;
}

const RECV_BUFFER_BYTES = 16 * 1024 * 1024;
/** mediasoup drops an ICE tuple after 30 s without a binding request (iceConsentTimeout): refresh well before. */
const CONSENT_REFRESH_MS = 5_000;
const STUN_MAGIC_COOKIE = 0x2112a442;
const FINGERPRINT_XOR = 0x5354554e;

/**
 * Plays the browsers for the product-path load run, where every transport is a Room's
 * WebRtcTransport (ICE-lite + DTLS-SRTP). mediasoup never starts ICE itself, so two of its
 * transports cannot talk to each other directly: this relay is the ICE-controlling agent for
 * both ends of every pair — a Room transport on the measured worker, a stand-in WebRtcTransport
 * on the feeder worker (which does the DTLS handshake and SRTP) — and forwards between them.
 *
 * - send pairs (feeder → Room send transport): everything is forwarded both ways (SRTP media in,
 *   RTCP feedback back out, DTLS);
 * - recv pairs (Room recv transport → feeder stand-in): only DTLS is forwarded; the media is the
 *   load's output, counted per SSRC here (the header is clear in SRTP) and dropped.
 *
 * Two sockets in all: one facing the measured worker, one facing the feeder; a pair is told
 * apart by the transport's port.
 */
export class WebRtcRelay {
  private readonly roomToFeeder = new Map<number, number>();
  private readonly feederToRoom = new Map<number, number>();
  private readonly countedPorts = new Set<number>();
  private readonly ends: { socket: dgram.Socket; end: RelayEnd }[] = [];
  private readonly counts = new Map<number, StreamCount>();
  /** DTLS datagrams seen per sending port (either side), for saying where a stuck handshake stopped. */
  private readonly dtlsSeen = new Map<number, number>();
  private readonly timer: NodeJS.Timeout;

  static async open(): Promise<WebRtcRelay> {
    const [roomSide, feederSide] = await Promise.all([bindLoopback(), bindLoopback()]);
    return new WebRtcRelay(roomSide, feederSide);
  }

  private constructor(
    private readonly roomSide: dgram.Socket,
    private readonly feederSide: dgram.Socket,
  ) {
    roomSide.on('message', (msg, rinfo) => this.fromRoom(msg, rinfo.port));
    feederSide.on('message', (msg, rinfo) => this.fromFeeder(msg, rinfo.port));
    this.timer = setInterval(() => {
      for (const { socket, end } of this.ends) sendBindingRequest(socket, end);
    }, CONSENT_REFRESH_MS);
    this.timer.unref();
  }

  /**
   * Pair a Room transport with its feeder-side stand-in and start ICE on both (each selects the
   * relay's socket as its tuple). DTLS roles are the caller's: connect both transports after this.
   */
  link(room: RelayEnd, feeder: RelayEnd, kind: 'send' | 'recv'): void {
    this.roomToFeeder.set(room.port, feeder.port);
    this.feederToRoom.set(feeder.port, room.port);
    if (kind === 'recv') this.countedPorts.add(room.port);
    this.ends.push({ socket: this.roomSide, end: room }, { socket: this.feederSide, end: feeder });
    sendBindingRequest(this.roomSide, room);
    sendBindingRequest(this.feederSide, feeder);
  }

  /** Copy of the running per-SSRC RTP totals of what the Room's recv transports sent. */
  snapshot(): Map<number, StreamCount> {
    return new Map([...this.counts].map(([ssrc, c]) => [ssrc, { ...c }]));
  }

  /** DTLS datagrams the relay has had from this transport port. */
  dtlsFrom(port: number): number {
    return this.dtlsSeen.get(port) ?? 0;
  }

  /**
   * Datagrams the kernel dropped on the socket facing the Room (receive buffer full), from
   * /proc/net/udp: what the worker forwarded and the relay lost. Not the feeder-facing socket's:
   * media lost there never reached the worker, and counting it as delivered had hidden a
   * saturated load core (rows at 116–121 % delivered while 15 % of the input was lost).
   */
  async kernelDrops(): Promise<number> {
    const wanted = `0100007F:${this.roomSide.address().port.toString(16).toUpperCase().padStart(4, '0')}`;
    const table = await readFile('/proc/net/udp', 'utf8');
    let drops = 0;
    for (const line of table.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1] === wanted) drops += Number(cols[cols.length - 1]);
    }
    return drops;
  }

  close(): void {
    clearInterval(this.timer);
    this.roomSide.close();
    this.feederSide.close();
  }

  private fromRoom(msg: Buffer, port: number): void {
    const first = msg[0]!;
    if (first < 4) return; // STUN: mediasoup's binding responses
    if (this.countedPorts.has(port) && first >= 128 && first <= 191) {
      const second = msg[1]!;
      if (second < 192 || second > 223) this.count(msg); // RTP, not RTCP (RFC 5761 demux)
      return;
    }
    if (isDtls(first)) this.dtlsSeen.set(port, this.dtlsFrom(port) + 1);
    const to = this.roomToFeeder.get(port);
    if (to !== undefined) this.feederSide.send(msg, to, '127.0.0.1');
  }

  private fromFeeder(msg: Buffer, port: number): void {
    const first = msg[0]!;
    if (first < 4) return;
    if (isDtls(first)) this.dtlsSeen.set(port, this.dtlsFrom(port) + 1);
    const to = this.feederToRoom.get(port);
    if (to !== undefined) this.roomSide.send(msg, to, '127.0.0.1');
  }

  private count(msg: Buffer): void {
    if (msg.length < 12) return;
    countBySsrc(this.counts, msg);
  }
}

/** RFC 7983 demultiplexing: DTLS records start with 20–63. */
const isDtls = (first: number) => first >= 20 && first <= 63;

async function bindLoopback(): Promise<dgram.Socket> {
  const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: RECV_BUFFER_BYTES, sendBufferSize: RECV_BUFFER_BYTES });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return socket;
}

function sendBindingRequest(socket: dgram.Socket, end: RelayEnd): void {
  socket.send(stunBindingRequest(end.iceParameters), end.port, '127.0.0.1');
}

/**
 * RFC 8445 binding request from the controlling agent, nominating the pair: USERNAME
 * ("<their ufrag>:<ours>"), PRIORITY, USE-CANDIDATE, ICE-CONTROLLING, MESSAGE-INTEGRITY
 * (HMAC-SHA1 keyed with their password) and FINGERPRINT.
 */
export function stunBindingRequest(ice: Pick<types.IceParameters, 'usernameFragment' | 'password'>): Buffer {
  const priority = Buffer.alloc(4);
  priority.writeUInt32BE(0x6e0001ff);
  const attrs = Buffer.concat([
    stunAttr(0x0006, Buffer.from(`${ice.usernameFragment}:bench`)),
    stunAttr(0x0024, priority),
    stunAttr(0x0025, Buffer.alloc(0)),
    stunAttr(0x802a, randomBytes(8)),
  ]);
  const header = Buffer.alloc(20);
  header.writeUInt16BE(0x0001, 0);
  header.writeUInt32BE(STUN_MAGIC_COOKIE, 4);
  randomBytes(12).copy(header, 8);
  // Each check covers the message up to itself, with the length field already counting it.
  header.writeUInt16BE(attrs.length + 24, 2);
  const integrity = createHmac('sha1', ice.password).update(header).update(attrs).digest();
  const withIntegrity = Buffer.concat([header, attrs, stunAttr(0x0008, integrity)]);
  withIntegrity.writeUInt16BE(withIntegrity.length - 20 + 8, 2);
  const fingerprint = Buffer.alloc(4);
  fingerprint.writeUInt32BE((crc32(withIntegrity) ^ FINGERPRINT_XOR) >>> 0);
  return Buffer.concat([withIntegrity, stunAttr(0x8028, fingerprint)]);
}

function stunAttr(type: number, value: Buffer): Buffer {
  const out = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4);
  out.writeUInt16BE(type, 0);
  out.writeUInt16BE(value.length, 2);
  value.copy(out, 4);
  return out;
}
