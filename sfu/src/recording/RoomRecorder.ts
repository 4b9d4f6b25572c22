import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ProducerInfo, Room } from '../Room';
import { silentLogger, type SfuLogger } from '../logger';
import { FfmpegRecorder, type FfmpegExit } from './FfmpegRecorder';
import type { RecordingPorts } from './RecordingPorts';
import { openRecordingTap, type RecordingTap } from './recordingTap';
import { recordingContainer, recordingSdp, type RecordingContainer } from './sdp';

/** What one file holds: a peer's camera with its microphone, or its document camera. */
export type RecordingGroup = 'camera' | 'document';

export interface RecordingSegment {
  id: string;
  roomId: string;
  peerId: string;
  group: RecordingGroup;
  producers: ProducerInfo[];
  path: string;
  container: RecordingContainer;
  startedAt: Date;
}

export interface FinishedSegment extends RecordingSegment {
  endedAt: Date;
  /** 'complete': FFmpeg ended cleanly and finalised the file; 'failed': it crashed (see `error`). */
  outcome: 'complete' | 'failed';
  /** FFmpeg ended by itself at the maximum duration. */
  reachedMaxDuration: boolean;
  error?: string;
}

export interface RoomRecorderOptions {
  /** Where FFmpeg writes (a temporary directory: the caller moves finished files away). */
  dir: string;
  ports: RecordingPorts;
  maxSeconds: number;
  ffmpegPath?: string;
  /** Wait this long after a producer comes or goes before (re)starting a file, so camera and microphone land in one. */
  settleMs?: number;
  /** When to ask for key frames after FFmpeg starts listening (ms): the file must start with one. */
  keyFrameAtMs?: readonly number[];
  /** Restarts of one group's FFmpeg after crashes before giving up on it. */
  maxRestarts?: number;
  logger?: SfuLogger;
}

export interface RoomRecorderEvents {
  started: [RecordingSegment];
  finished: [FinishedSegment];
}

interface Running {
  segment: RecordingSegment;
  tap: RecordingTap;
  ffmpeg: FfmpegRecorder;
  ports: number[];
  keyFrameTimers: NodeJS.Timeout[];
}

interface GroupState {
  peerId: string;
  group: RecordingGroup;
  producers: Map<string, ProducerInfo>;
  running: Running | undefined;
  timer: NodeJS.Timeout | undefined;
  /** Operations on this group run one after the other. */
  chain: Promise<void>;
  crashes: number;
  /** Stopped for good: the maximum duration was reached, or it crashed too often. */
  done: boolean;
}

/** UDP "discard" (RFC 863): where the taps' RTCP goes. */
const DISCARD_PORT = 9;

const groupOf = (p: ProducerInfo): RecordingGroup => (p.appData['source'] === 'document' ? 'document' : 'camera');

/**
 * Records a Room: for each peer, one file of its camera + microphone and one of its document
 * camera, each written by its own FFmpeg from a recording tap (PlainTransports, no transcoding).
 * Producers that come later (the applicant's phone) get files of their own; when the set of a
 * group's producers changes, the current file is finished and a new one begun. Everything stops
 * when stop() is called or the room closes (a dead worker included): no FFmpeg outlives it.
 */
export class RoomRecorder extends EventEmitter<RoomRecorderEvents> {
  private readonly groups = new Map<string, GroupState>();
  private readonly settleMs: number;
  private readonly keyFrameAtMs: readonly number[];
  private readonly maxRestarts: number;
  private readonly logger: SfuLogger;
  private readonly detach: () => void;
  private stopped = false;

  constructor(
    private readonly room: Room,
    private readonly opts: RoomRecorderOptions,
  ) {
    super();
    this.settleMs = opts.settleMs ?? 1500;
    this.keyFrameAtMs = opts.keyFrameAtMs ?? [0, 300, 1000, 2000, 3500, 5000];
    this.maxRestarts = opts.maxRestarts ?? 3;
    this.logger = opts.logger ?? silentLogger;
    const onNew = (p: ProducerInfo) => this.producerAdded(p);
    const onClosed = ({ producerId }: { producerId: string }) => this.producerGone(producerId);
    const onClose = () => void this.stop();
    room.on('newproducer', onNew);
    room.on('producerclosed', onClosed);
    room.on('close', onClose);
    this.detach = () => {
      room.off('newproducer', onNew);
      room.off('producerclosed', onClosed);
      room.off('close', onClose);
    };
    for (const p of room.listProducers()) this.producerAdded(p);
  }

  get roomId(): string {
    return this.room.id;
  }

  get active(): boolean {
    return !this.stopped;
  }

  /** FFmpeg processes running now. */
  processes(): number[] {
    return [...this.groups.values()].flatMap((g) => (g.running?.ffmpeg.pid !== undefined ? [g.running.ffmpeg.pid] : []));
  }

  /** Finish every file (FFmpeg finalises it) and stop watching the room. Resolves when all 'finished' events are out. */
  async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.detach();
      for (const g of this.groups.values()) {
        if (g.timer) clearTimeout(g.timer);
        g.timer = undefined;
        this.enqueue(g, () => this.finish(g));
      }
    }
    await Promise.all([...this.groups.values()].map((g) => g.chain));
  }

  private producerAdded(p: ProducerInfo): void {
    if (this.stopped) return;
    const key = `${p.peerId}|${groupOf(p)}`;
    let g = this.groups.get(key);
    if (!g) {
      g = {
        peerId: p.peerId,
        group: groupOf(p),
        producers: new Map(),
        running: undefined,
        timer: undefined,
        chain: Promise.resolve(),
        crashes: 0,
        done: false,
      };
      this.groups.set(key, g);
    }
    g.producers.set(p.producerId, p);
    this.settle(g);
  }

  private producerGone(producerId: string): void {
    for (const g of this.groups.values()) {
      if (g.producers.delete(producerId)) this.settle(g);
    }
  }

  private settle(g: GroupState): void {
    if (g.timer) clearTimeout(g.timer);
    g.timer = setTimeout(() => {
      g.timer = undefined;
      this.enqueue(g, () => this.reconcile(g));
    }, this.settleMs);
  }

  private enqueue(g: GroupState, op: () => Promise<void>): void {
    g.chain = g.chain
      .then(op)
      .catch((err: Error) => this.logger.error('recording operation failed', { roomId: this.room.id, error: err.message }));
  }

  /** Make the running file match the group's producers: finish it if they changed, start one if there are any. */
  private async reconcile(g: GroupState): Promise<void> {
    if (this.stopped || g.done) return;
    const wanted = [...g.producers.keys()].sort().join(',');
    const current = g.running
      ? g.running.segment.producers
          .map((p) => p.producerId)
          .sort()
          .join(',')
      : '';
    if (wanted === current) return;
    await this.finish(g);
    if (g.producers.size > 0 && !this.room.closed) await this.begin(g);
  }

  private async begin(g: GroupState): Promise<void> {
    const producers = [...g.producers.values()].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'video' ? -1 : 1));
    const id = randomUUID();
    const ports: number[] = [];
    let tap: RecordingTap | undefined;
    let sdpPath: string | undefined;
    let ffmpeg: FfmpegRecorder | undefined;
    try {
      for (let i = 0; i < producers.length; i++) ports.push(this.opts.ports.reserve());
      // RTCP goes to the discard port, not to FFmpeg: in a file of 2+ streams, FFmpeg's RTP demuxer
      // re-times each stream when its first sender report arrives, and mediasoup sends the audio
      // one seconds after the video one, so audio jumped back and the file got overlapping
      // timestamps. Without reports each stream is timed from its first packet, and tap.resume()
      // starts them together.
      tap = await openRecordingTap(
        this.room,
        producers.map((p, i) => ({ producerId: p.producerId, port: ports[i]!, rtcpPort: DISCARD_PORT })),
      );
      const streams = tap.streams.map((s) => ({
        kind: s.kind,
        port: s.port,
        rtcpPort: s.port + 1,
        payloadType: s.codec.payloadType,
        mimeType: s.codec.mimeType,
        clockRate: s.codec.clockRate,
        ...(s.codec.channels ? { channels: s.codec.channels } : {}),
        ...(s.codec.parameters ? { parameters: s.codec.parameters } : {}),
      }));
      const container = recordingContainer(streams);
      sdpPath = path.join(this.opts.dir, `${id}.sdp`);
      const outputPath = path.join(this.opts.dir, `${id}.${container === 'webm' ? 'webm' : 'mkv'}`);
      await writeFile(sdpPath, recordingSdp(streams));
      ffmpeg = await FfmpegRecorder.start({
        sdpPath,
        outputPath,
        container,
        maxSeconds: this.opts.maxSeconds,
        ports: ports.flatMap((p) => [p, p + 1]),
        rtcpPorts: streams.map((s) => s.rtcpPort),
        ...(this.opts.ffmpegPath ? { ffmpegPath: this.opts.ffmpegPath } : {}),
      });
      const segment: RecordingSegment = {
        id,
        roomId: this.room.id,
        peerId: g.peerId,
        group: g.group,
        producers,
        path: outputPath,
        container,
        startedAt: new Date(),
      };
      const running: Running = { segment, tap, ffmpeg, ports, keyFrameTimers: [] };
      g.running = running;
      const sdp = sdpPath;
      const onExit = (exit: FfmpegExit) => {
        void rm(sdp, { force: true });
        if (!exit.stopped) this.enqueue(g, () => this.ended(g, running, exit));
      };
      if (ffmpeg.running) ffmpeg.once('exit', onExit);
      else onExit(await ffmpeg.stop());
      // Only now that FFmpeg listens: forward, and keep asking for key frames until one has surely arrived.
      await tap.resume();
      const t = tap;
      running.keyFrameTimers = this.keyFrameAtMs.map((ms) => setTimeout(() => void t.requestKeyFrame().catch(() => undefined), ms));
      this.emit('started', segment);
    } catch (err) {
      if (g.running?.segment.id === id) g.running = undefined;
      await ffmpeg?.stop(2000);
      tap?.close();
      for (const p of ports) this.opts.ports.release(p);
      if (sdpPath) await rm(sdpPath, { force: true });
      this.logger.error('recording did not start', {
        roomId: this.room.id,
        peerId: g.peerId,
        group: g.group,
        error: (err as Error).message,
      });
      this.crashed(g);
    }
  }

  /** Stop the running FFmpeg (if any) and report its file. */
  private async finish(g: GroupState): Promise<void> {
    const running = g.running;
    if (!running) return;
    await this.ended(g, running, await running.ffmpeg.stop());
  }

  private async ended(g: GroupState, running: Running, exit: FfmpegExit): Promise<void> {
    if (g.running !== running) return;
    g.running = undefined;
    for (const t of running.keyFrameTimers) clearTimeout(t);
    running.tap.close();
    for (const p of running.ports) this.opts.ports.release(p);
    // FFmpeg exits 0 after our BYEs (255 if it took SIGINT), and 0 by itself at the maximum duration.
    const reachedMaxDuration = !exit.stopped && exit.code === 0;
    const clean = reachedMaxDuration || (exit.stopped && (exit.code === 255 || exit.code === 0));
    const error = clean ? undefined : `ffmpeg exited with ${exit.signal ?? `code ${exit.code}`}${exit.stderr ? `: ${exit.stderr}` : ''}`;
    const result: FinishedSegment = {
      ...running.segment,
      endedAt: new Date(),
      outcome: clean ? 'complete' : 'failed',
      reachedMaxDuration,
      ...(error ? { error } : {}),
    };
    if (reachedMaxDuration) g.done = true;
    this.emit('finished', result);
    if (!clean && !exit.stopped) {
      this.logger.error('recording ffmpeg crashed', { roomId: this.room.id, peerId: g.peerId, group: g.group, error });
      this.crashed(g);
    }
  }

  /** After a failure: try again a little later, a few times. */
  private crashed(g: GroupState): void {
    g.crashes++;
    if (g.crashes > this.maxRestarts) {
      g.done = true;
      return;
    }
    if (!this.stopped) this.settle(g);
  }
}
