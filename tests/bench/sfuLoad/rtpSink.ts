import dgram from 'node:dgram';
import { readFile } from 'node:fs/promises';

export interface StreamCount {
  packets: number;
  bytes: number;
}

const RECV_BUFFER_BYTES = 8 * 1024 * 1024;

/**
 * A UDP socket on 127.0.0.1 that counts the RTP packets it receives, per SSRC.
 *
 * Every bench consumer sends here, so the counts prove the worker really
 * forwarded each stream. Works for SRTP too: the RTP header, SSRC included,
 * travels in clear. RTCP (sender reports) is recognised and left out.
 */
export class RtpSink {
  private readonly counts = new Map<number, StreamCount>();

  static async open(): Promise<RtpSink> {
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: RECV_BUFFER_BYTES });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new RtpSink(socket);
  }

  private constructor(private readonly socket: dgram.Socket) {
    socket.on('message', (msg) => this.count(msg));
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Copy of the running per-SSRC totals. */
  snapshot(): Map<number, StreamCount> {
    return new Map([...this.counts].map(([ssrc, c]) => [ssrc, { ...c }]));
  }

  /** Datagrams the kernel dropped because this socket's receive buffer was full (Linux /proc/net/udp). */
  async kernelDrops(): Promise<number> {
    const localAddress = `0100007F:${this.port.toString(16).toUpperCase().padStart(4, '0')}`;
    const table = await readFile('/proc/net/udp', 'utf8');
    for (const line of table.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1] === localAddress) return Number(cols[cols.length - 1]);
    }
    throw new Error(`sink socket ${localAddress} not found in /proc/net/udp`);
  }

  close(): void {
    this.socket.close();
  }

  private count(msg: Buffer): void {
    if (msg.length < 12 || msg[0]! >> 6 !== 2) return; // not RTP version 2
    const second = msg[1]!;
    if (second >= 192 && second <= 223) return; // RTCP packet types 192–223 (RFC 5761 demux)
    countBySsrc(this.counts, msg);
  }
}

/** Adds one RTP packet (at least its 12-byte header) to its SSRC's packet and byte count. */
export function countBySsrc(counts: Map<number, StreamCount>, msg: Buffer): void {
  const ssrc = msg.readUInt32BE(8);
  const entry = counts.get(ssrc);
  if (entry) {
    entry.packets++;
    entry.bytes += msg.length;
  } else {
    counts.set(ssrc, { packets: 1, bytes: msg.length });
  }
}
