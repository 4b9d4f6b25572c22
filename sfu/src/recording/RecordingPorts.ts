import { readFileSync } from 'node:fs';
import type { PortRange } from '../WorkerPool';

/**
 * UDP port pairs (RTP on an even port, RTCP on the next) for FFmpeg to receive recordings on.
 * Pairs are handed out from their own range, skipping any port something on this host already
 * has bound (read from /proc/net/udp), and returned when the recording ends.
 */
export class RecordingPorts {
  private readonly taken = new Set<number>();
  private next: number;

  constructor(
    readonly range: PortRange,
    /** Test seam: ports bound by anyone on the host. */
    private readonly boundPorts: () => Set<number> = boundUdpPorts,
  ) {
    if (!(
      Number.isInteger(range.min) &&
      Number.isInteger(range.max) &&
      range.min > 0 &&
      range.min + 1 <= range.max &&
      range.max <= 65535
    )) {
      throw new RangeError(`invalid recording port range ${range.min}-${range.max}`);
    }
    this.next = evenAtLeast(range.min);
  }

  /** A free RTP port (even) whose RTCP port (+1) is free too; throws when the range is used up. */
  reserve(): number {
    const bound = this.boundPorts();
    const pairs = Math.floor((this.range.max - evenAtLeast(this.range.min) + 1) / 2);
    for (let i = 0; i < pairs; i++) {
      const port = this.next;
      this.next = port + 2 + 1 > this.range.max ? evenAtLeast(this.range.min) : port + 2;
      if (this.taken.has(port) || bound.has(port) || bound.has(port + 1)) continue;
      this.taken.add(port);
      return port;
    }
    throw new RangeError(`no free recording ports left in ${this.range.min}-${this.range.max}`);
  }

  release(port: number): void {
    this.taken.delete(port);
  }

  get inUse(): number {
    return this.taken.size;
  }
}

const evenAtLeast = (n: number) => (n % 2 === 0 ? n : n + 1);

/** Local ports of every UDP socket on the host (IPv4 and IPv6). */
export function boundUdpPorts(): Set<number> {
  const ports = new Set<number>();
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
    let table: string;
    try {
      table = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of table.split('\n').slice(1)) {
      const local = line.trim().split(/\s+/)[1];
      const hex = local?.slice(local.lastIndexOf(':') + 1);
      if (hex) ports.add(parseInt(hex, 16));
    }
  }
  return ports;
}
