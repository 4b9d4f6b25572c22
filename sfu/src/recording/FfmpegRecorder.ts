import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import { boundUdpPorts } from './RecordingPorts';
import type { RecordingContainer } from './sdp';

export interface FfmpegRecorderOptions {
  /** SDP file describing the RTP streams (see recordingSdp). */
  sdpPath: string;
  outputPath: string;
  container: RecordingContainer;
  /** FFmpeg stops by itself after this long (`-t`), with the file finalised. */
  maxSeconds: number;
  /** Every UDP port the SDP names: start() resolves once FFmpeg has bound them all. */
  ports: readonly number[];
  /** The RTCP port of each stream: stop() sends an RTCP BYE to each. */
  rtcpPorts: readonly number[];
  ffmpegPath?: string;
  listenTimeoutMs?: number;
}

export interface FfmpegExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stop() was called (so exit code 0 after the BYEs, or 255 after SIGINT, is the normal end). */
  stopped: boolean;
  /** Last lines FFmpeg wrote at `-loglevel error`. */
  stderr: string;
}

const STDERR_KEEP = 4000;

/** RTCP BYE (RFC 3550 §6.6) with two SSRCs: FFmpeg ignores RTP/RTCP packets under 12 bytes. */
const RTCP_BYE = Buffer.from([0x82, 203, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0]);

/**
 * One FFmpeg process writing RTP (described by an SDP file) into a WebM/Matroska file without
 * transcoding. Stopped the RTP way, with an RTCP BYE per stream: FFmpeg ends its input, writes
 * the file's index and duration and exits 0. (SIGINT alone is not enough: FFmpeg only notices it
 * between packets, and a stream whose sender is gone sends none.) SIGINT, then SIGKILL, if it
 * does not exit in time.
 */
export class FfmpegRecorder extends EventEmitter<{ exit: [FfmpegExit] }> {
  private stderr = '';
  private stopping = false;
  private exitInfo: FfmpegExit | undefined;
  private readonly exited: Promise<FfmpegExit>;

  /** Spawns FFmpeg and resolves once it listens on every port; rejects (and kills it) otherwise. */
  static async start(opts: FfmpegRecorderOptions): Promise<FfmpegRecorder> {
    const recorder = new FfmpegRecorder(opts);
    try {
      await recorder.listening(opts.ports, opts.listenTimeoutMs ?? 5000);
    } catch (err) {
      await recorder.stop(1000);
      throw err;
    }
    return recorder;
  }

  private readonly child: ChildProcess;

  private readonly rtcpPorts: readonly number[];

  private constructor(opts: FfmpegRecorderOptions) {
    super();
    this.rtcpPorts = opts.rtcpPorts;
    this.child = spawn(opts.ffmpegPath ?? 'ffmpeg', ffmpegArgs(opts), { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_KEEP);
    });
    this.exited = new Promise((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.exitInfo) return;
        this.exitInfo = { code, signal, stopped: this.stopping, stderr: this.stderr.trim() };
        resolve(this.exitInfo);
        this.emit('exit', this.exitInfo);
      };
      this.child.once('exit', done);
      this.child.once('error', (err) => {
        this.stderr += `\n${err.message}`;
        done(null, null);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** RTCP BYEs (FFmpeg finalises the file and exits), SIGINT after a while, SIGKILL after `timeoutMs`. Idempotent. */
  async stop(timeoutMs = 10_000): Promise<FfmpegExit> {
    if (this.exitInfo) return this.exitInfo;
    this.stopping = true;
    await sendBye(this.rtcpPorts).catch(() => undefined);
    const interrupt = setTimeout(() => this.child.kill('SIGINT'), timeoutMs / 2);
    const kill = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(interrupt);
      clearTimeout(kill);
    }
  }

  private async listening(ports: readonly number[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.exitInfo) throw new Error(`ffmpeg exited before listening: ${this.exitInfo.stderr || `code ${this.exitInfo.code}`}`);
      const bound = boundUdpPorts();
      if (ports.every((p) => bound.has(p))) return;
      if (Date.now() > deadline) throw new Error(`ffmpeg did not bind ports ${ports.join(', ')} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export function ffmpegArgs(opts: Pick<FfmpegRecorderOptions, 'sdpPath' | 'outputPath' | 'container' | 'maxSeconds'>): string[] {
  return [
    '-nostdin',
    '-hide_banner',
    '-loglevel',
    'error',
    '-protocol_whitelist',
    'file,udp,rtp',
    '-fflags',
    '+genpts',
    // Video dimensions come from the first key frame; leave time to get one.
    '-analyzeduration',
    '10000000',
    // Wait for packets as long as it takes (a paused camera and microphone send none); stop() ends it.
    '-listen_timeout',
    '-1',
    // Only this host's mediasoup can reach FFmpeg's ports.
    '-localaddr',
    '127.0.0.1',
    // A key frame arrives as a burst of packets; when FFmpeg is short of CPU the default socket
    // buffer (384 KiB) can overflow and frames are lost. 2 MiB (the kernel doubles it, up to rmem_max).
    '-buffer_size',
    '2097152',
    '-i',
    opts.sdpPath,
    '-map',
    '0',
    '-c',
    'copy',
    '-t',
    String(opts.maxSeconds),
    '-f',
    opts.container,
    '-y',
    opts.outputPath,
  ];
}

function sendBye(ports: readonly number[]): Promise<void> {
  const socket = dgram.createSocket('udp4');
  return Promise.all(
    ports.map(
      (port) => new Promise<void>((resolve, reject) => socket.send(RTCP_BYE, port, '127.0.0.1', (err) => (err ? reject(err) : resolve()))),
    ),
  ).then(
    () => {
      socket.close();
    },
    (err: unknown) => {
      socket.close();
      throw err;
    },
  );
}
