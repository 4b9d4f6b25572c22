import type { types } from 'mediasoup';
import { SfuError } from '../errors';
import type { Room } from '../Room';

/** Where a recording tap sends one producer's RTP (a local FFmpeg): RTP to `port`, RTCP to `rtcpPort`. */
export interface RecordingTarget {
  producerId: string;
  port: number;
  rtcpPort: number;
}

/** One producer's stream as the tap forwards it: what FFmpeg's SDP must describe. */
export interface RecordingTapStream extends RecordingTarget {
  kind: types.MediaKind;
  codec: types.RtpCodecParameters;
}

/**
 * Paused consumers of some producers on PlainTransports aimed at a local recorder. The recorder
 * resumes them once it listens, asks for key frames so its file starts decodable, and closes the
 * tap when done (the room closing closes it too).
 */
export interface RecordingTap {
  streams: RecordingTapStream[];
  /**
   * Video first (with a key frame request), audio once video flows (or after `maxWaitMs`): the
   * recorder times each stream from its first packet, so both must start at the same moment.
   */
  resume(maxWaitMs?: number): Promise<void>;
  requestKeyFrame(): Promise<void>;
  close(): void;
}

/**
 * Per producer of `room`, a PlainTransport on `ip` sending plain RTP (no comedia: we know where
 * the recorder listens) and a paused consumer without RTX or header extensions, which FFmpeg
 * would not understand. RTCP goes to `target.rtcpPort`.
 */
export async function openRecordingTap(room: Room, targets: readonly RecordingTarget[], ip = '127.0.0.1'): Promise<RecordingTap> {
  const access = room.recordingAccess();
  const transports: types.PlainTransport[] = [];
  const consumers: types.Consumer[] = [];
  const close = () => {
    for (const t of transports) if (!t.closed) t.close();
  };
  try {
    const streams: RecordingTapStream[] = [];
    for (const target of targets) {
      const producer = access.producer(target.producerId);
      const transport = await access.router.createPlainTransport({
        listenInfo: { protocol: 'udp', ip, portRange: { ...access.portRange } },
        rtcpMux: false,
        comedia: false,
        appData: { recording: true },
      });
      transports.push(transport);
      await transport.connect({ ip, port: target.port, rtcpPort: target.rtcpPort });
      const codecs = access.router.rtpCapabilities.codecs?.filter((c) => c.kind === producer.kind && !c.mimeType.endsWith('/rtx')) ?? [];
      const consumer = await transport.consume({
        producerId: producer.id,
        rtpCapabilities: { codecs, headerExtensions: [] },
        paused: true,
        appData: { recording: true },
      });
      consumers.push(consumer);
      const codec = consumer.rtpParameters.codecs[0];
      if (!codec) throw new SfuError('SFU_CANNOT_CONSUME', `no codec to record producer ${producer.id}`, { producerId: producer.id });
      streams.push({ ...target, kind: consumer.kind, codec });
    }
    // The room may have closed while the transports were being made.
    access.assertOpen();
    return {
      streams,
      resume: async (maxWaitMs = 3000) => {
        const open = consumers.filter((c) => !c.closed);
        const video = open.filter((c) => c.kind === 'video');
        await Promise.all(video.map(async (c) => (await c.resume(), await c.requestKeyFrame())));
        const deadline = Date.now() + maxWaitMs;
        while (video.length > 0 && Date.now() < deadline && !(await allSending(video))) await new Promise((r) => setTimeout(r, 20));
        await Promise.all(open.filter((c) => c.kind === 'audio' && !c.closed).map((c) => c.resume()));
      },
      requestKeyFrame: async () => {
        await Promise.all(consumers.filter((c) => !c.closed && c.kind === 'video').map((c) => c.requestKeyFrame()));
      },
      close,
    };
  } catch (err) {
    close();
    throw err;
  }
}

/** Every consumer has sent at least one RTP packet. */
async function allSending(consumers: types.Consumer[]): Promise<boolean> {
  const stats = await Promise.all(consumers.map((c) => (c.closed ? Promise.resolve([]) : c.getStats().catch(() => []))));
  return stats.every((s) => s.some((x) => x.type === 'outbound-rtp' && x.packetCount > 0));
}
