import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { MediasoupTypes as types } from '@tongban/sfu';

export interface SyntheticSourceOptions {
  /** Router the two source producers live on (not the measured worker's). */
  router: types.Router;
  listenInfo: types.TransportListenInfo;
  /** Directory for the encoded clip. */
  workDir: string;
  videoBitrateKbps: number;
  /** ffmpeg stops by itself after this long, so an orphan (bench killed hard) cannot stream forever. */
  maxSeconds: number;
}

const VIDEO_PT = 101;
const AUDIO_PT = 100;
const VIDEO_SSRC = 11_111_111;
const AUDIO_SSRC = 22_222_222;
const CLIP_SECONDS = 10;
const ENCODE_TIMEOUT_MS = 60_000;
const FIRST_PACKET_TIMEOUT_MS = 10_000;
const POLL_MS = 100;

/**
 * One camera-like VP8 stream and one microphone-like Opus stream, as mediasoup
 * producers fed over RTP by FFmpeg.
 *
 * Encoding is the expensive part, so it happens once, up front, into a 10 s
 * clip; the streaming ffmpeg only copies packets (`-c copy`, real-time pace,
 * looped). Fan-out to many sessions happens inside mediasoup, by consuming
 * these two producers as often as needed.
 */
export class SyntheticSource {
  private exited = false;
  private stderrTail = '';
  private readonly killOnExit = () => this.streamer.kill('SIGKILL');

  static async start(opts: SyntheticSourceOptions): Promise<SyntheticSource> {
    const clip = await encodeClip(opts.workDir, opts.videoBitrateKbps);
    // comedia: the transports learn ffmpeg's address from its first packet.
    // ffmpeg's RTP muxer sends RTCP to a separate port, hence rtcpMux false.
    const [videoIn, audioIn] = await Promise.all(
      [0, 1].map(() => opts.router.createPlainTransport({ listenInfo: opts.listenInfo, comedia: true, rtcpMux: false })),
    );
    const video = await videoIn!.produce({
      kind: 'video',
      rtpParameters: {
        codecs: [{ mimeType: 'video/VP8', payloadType: VIDEO_PT, clockRate: 90000 }],
        encodings: [{ ssrc: VIDEO_SSRC }],
      },
    });
    const audio = await audioIn!.produce({
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: AUDIO_PT, clockRate: 48000, channels: 2 }],
        encodings: [{ ssrc: AUDIO_SSRC }],
      },
    });
    const streamer = spawn(
      'ffmpeg',
      [
        ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-stream_loop', '-1', '-i', clip],
        ...rtpOutput('0:v:0', VIDEO_PT, VIDEO_SSRC, videoIn!, opts.maxSeconds),
        ...rtpOutput('0:a:0', AUDIO_PT, AUDIO_SSRC, audioIn!, opts.maxSeconds),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const source = new SyntheticSource(video, audio, streamer);
    try {
      await source.waitForPackets();
    } catch (err) {
      source.close();
      throw err;
    }
    return source;
  }

  private constructor(
    readonly video: types.Producer,
    readonly audio: types.Producer,
    private readonly streamer: ChildProcess,
  ) {
    streamer.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-2000);
    });
    streamer.once('exit', () => {
      this.exited = true;
      process.off('exit', this.killOnExit);
    });
    process.once('exit', this.killOnExit);
  }

  /** Its producers stop (or start again) forwarding to every consumer; ffmpeg keeps streaming into them. */
  async pause(): Promise<void> {
    await Promise.all([this.video.pause(), this.audio.pause()]);
  }

  async resume(): Promise<void> {
    await Promise.all([this.video.resume(), this.audio.resume()]);
  }

  /** Stop the streaming ffmpeg. Idempotent. */
  close(): void {
    if (!this.exited) this.streamer.kill('SIGKILL');
    process.off('exit', this.killOnExit);
  }

  /** Both producers have received RTP, i.e. ffmpeg is streaming into them. */
  private async waitForPackets(): Promise<void> {
    const deadline = Date.now() + FIRST_PACKET_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`streaming ffmpeg exited early: ${this.stderrTail.trim()}`);
      const stats = await Promise.all([this.video.getStats(), this.audio.getStats()]);
      if (stats.every((s) => s.some((stream) => stream.packetCount > 0))) return;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    throw new Error(`no RTP from ffmpeg within ${FIRST_PACKET_TIMEOUT_MS} ms: ${this.stderrTail.trim()}`);
  }
}

function rtpOutput(map: string, payloadType: number, ssrc: number, transport: types.PlainTransport, maxSeconds: number): string[] {
  const rtcpPort = transport.rtcpTuple?.localPort;
  if (rtcpPort === undefined) throw new Error('source transport has no RTCP port (rtcpMux must be false)');
  const url = `rtp://127.0.0.1:${transport.tuple.localPort}?rtcpport=${rtcpPort}&pkt_size=1200`;
  return [
    '-map',
    map,
    '-c',
    'copy',
    '-t',
    String(maxSeconds),
    '-f',
    'rtp',
    '-payload_type',
    String(payloadType),
    '-ssrc',
    String(ssrc),
    url,
  ];
}

/** 640×360@30 VP8 (testsrc, real-time settings, key frame every 2 s) + 48 kHz stereo Opus (sine), 10 s. */
async function encodeClip(workDir: string, videoBitrateKbps: number): Promise<string> {
  const clip = join(workDir, 'clip.webm');
  const args = [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'],
    ...['-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=30'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
    ...['-t', String(CLIP_SECONDS)],
    ...['-map', '0:v', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8'],
    ...['-b:v', `${videoBitrateKbps}k`, '-g', '60', '-keyint_min', '60'],
    ...['-map', '1:a', '-c:a', 'libopus', '-b:a', '32k', '-ac', '2'],
    clip,
  ];
  await new Promise<void>((resolve, reject) => {
    const ffmpeg = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    ffmpeg.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => ffmpeg.kill('SIGKILL'), ENCODE_TIMEOUT_MS);
    ffmpeg.once('error', reject);
    ffmpeg.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`ffmpeg clip encode failed (${signal ?? code}): ${stderr.trim()}`));
    });
  });
  return clip;
}
