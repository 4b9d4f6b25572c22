import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROUTER_MEDIA_CODECS, WorkerPool, type MediasoupTypes as types, type PortRange } from '@tongban/sfu';
import { pinToCore, unpin } from '../cpuPinning';
import { createRoomSession } from './roomSession';
import { RtpSink, type StreamCount } from './rtpSink';
import { SyntheticSource } from './syntheticSource';
import { createTwoPartySession, type ForwardedStream } from './twoPartySession';
import { WebRtcRelay } from './webRtcRelay';

/**
 * - 'raw': a bare mediasoup router per session, PlainTransports with SRTP, no product code: the anchor;
 * - 'room': the product's Room per session (its WebRtcTransports, listeners, scores), browsers
 *   played through tests/bench/sfuLoad/webRtcRelay.ts.
 */
export type LoadPath = 'raw' | 'room';

export interface LoadRigOptions {
  path: LoadPath;
  /** Measured worker alone on the last core, everything else (this process, feeder, FFmpeg) on the others. */
  pinCores: boolean;
  /** SRTP suite of the session transports; null = plain RTP. */
  srtpCryptoSuite: types.SrtpCryptoSuite | null;
  /** mediasoup's io_uring send path (falls back to libuv by itself where the kernel refuses it). */
  ioUring: boolean;
  portRange: PortRange;
  videoBitrateKbps: number;
  /** Hard stop for the streaming ffmpeg. */
  maxSeconds: number;
}

export interface StreamWindow extends StreamCount {
  ssrc: number;
  kind: types.MediaKind;
}

/** What happened during one measurement window. */
export interface WindowMeasurement {
  sessions: number;
  seconds: number;
  /** CPU time the measured worker used in the window, ms. */
  workerCpuMs: { user: number; system: number };
  /** Packets the sessions' producers were sent in the window: what full forwarding would deliver. */
  offeredPackets: number;
  /** Per consumer, as counted at the sink. */
  streams: StreamWindow[];
  /** Datagrams the sink's kernel buffer dropped in the window. */
  sinkDrops: number;
  /** Room events the listeners saw in the window (room path; 0 on the raw path). */
  roomEvents: number;
}

/** Where the consumers' packets are counted: RtpSink (raw) or the relay (room). */
interface Counter {
  snapshot(): Map<number, StreamCount>;
  kernelDrops(): Promise<number>;
}

/** Creates one session's streams on the measured worker. */
type SessionFactory = (sessionId: string) => Promise<ForwardedStream[]>;

const MEASURED = 0; // pool slot of the worker under measurement; slot 1 plays the browsers
/** raw: 4 transports on the measured worker, 2 on the feeder; room: 4 × (UDP + TCP) + 4 browser stand-ins. */
const PORTS_PER_SESSION: Record<LoadPath, number> = { raw: 6, room: 12 };
const CREATE_CONCURRENCY = 10;
const GROW_TIMEOUT_MS = 60_000;
const FLOWING_TIMEOUT_MS = 20_000;
const POLL_MS = 200;
const DRAIN_MS = 300;
/** After every consumer forwards again: lets the burst of the restart (key frames, RTCP) pass before a window. */
const SETTLE_MS = 1_000;

/**
 * The load harness: one worker under measurement holding every session, one
 * feeder worker playing all the browsers, one FFmpeg, one sink socket.
 * Grow it session by session, measure windows, close it. Two rigs can share the
 * measured core in turns: quiet() one, loud() the other.
 */
export class LoadRig {
  private readonly streams: ForwardedStream[] = [];
  /** Which session each consumer (by SSRC) belongs to, for saying which ones failed. */
  private readonly sessionOf = new Map<number, string>();
  private sessions = 0;
  private isQuiet = false;

  static async start(opts: LoadRigOptions): Promise<LoadRig> {
    const workDir = await mkdtemp(join(tmpdir(), 'tongban-sfu-load-'));
    const cleanup: (() => void | Promise<void>)[] = [() => rm(workDir, { recursive: true, force: true })];
    try {
      // Pin first: the workers and FFmpeg inherit this process's core; then the measured worker moves.
      const cores = opts.pinCores ? await pinToCore(process.pid, 'rest') : null;
      if (cores) cleanup.push(() => unpin(process.pid));
      const pool = await WorkerPool.create({
        numWorkers: 2,
        rtcMinPort: opts.portRange.min,
        rtcMaxPort: opts.portRange.max,
        disableLiburing: !opts.ioUring,
        cpuSampleIntervalMs: 0,
      });
      cleanup.push(() => pool.close());
      const [measured, feeder] = pool.workers();
      if (cores) await pinToCore(measured!.pid, 'last');
      const listenInfo: types.TransportListenInfo = { protocol: 'udp', ip: '127.0.0.1', portRange: { ...opts.portRange } };
      const sourceRouter = await feeder!.createRouter({ mediaCodecs: ROUTER_MEDIA_CODECS });
      const source = await SyntheticSource.start({
        router: sourceRouter,
        listenInfo,
        workDir,
        videoBitrateKbps: opts.videoBitrateKbps,
        maxSeconds: opts.maxSeconds,
      });
      cleanup.push(() => source.close());
      const roomEvents = { count: 0 };
      let counter: Counter & { close(): void };
      let create: SessionFactory;
      let sink: RtpSink | null = null;
      if (opts.path === 'raw') {
        sink = await RtpSink.open();
        counter = sink;
        const env = { worker: measured!, sourceRouter, source, listenInfo, sinkPort: sink.port, srtpCryptoSuite: opts.srtpCryptoSuite };
        create = (id) => createTwoPartySession(env, id);
      } else {
        const relay = await WebRtcRelay.open();
        counter = relay;
        const roomTransports = new Map<string, types.WebRtcTransport>();
        measured!.observer.on('newrouter', (router) =>
          router.observer.on('newtransport', (t) => {
            if (t.type === 'webrtc') roomTransports.set(t.id, t as types.WebRtcTransport);
          }),
        );
        const env = {
          roomTransports,
          pool,
          worker: measured!,
          sourceRouter,
          source,
          relay,
          portRange: opts.portRange,
          onRoomEvent: () => roomEvents.count++,
        };
        create = (id) => createRoomSession(env, id);
      }
      cleanup.push(() => counter.close());
      return new LoadRig(
        opts.path,
        pool,
        cores ? measured!.pid : null,
        counter,
        sink,
        source,
        create,
        roomEvents,
        PORTS_PER_SESSION[opts.path],
        opts.portRange,
        cleanup,
      );
    } catch (err) {
      await runCleanup(cleanup);
      throw err;
    }
  }

  private constructor(
    private readonly path: LoadPath,
    private readonly pool: WorkerPool,
    /** The measured worker's pid when it is pinned (it moves off its core while quiet). */
    private readonly pinnedPid: number | null,
    private readonly counter: Counter,
    private readonly sink: RtpSink | null,
    private readonly source: SyntheticSource,
    private readonly create: SessionFactory,
    private readonly roomEvents: { count: number },
    private readonly portsPerSession: number,
    private readonly portRange: PortRange,
    private readonly cleanup: (() => void | Promise<void>)[],
  ) {}

  get sessionCount(): number {
    return this.sessions;
  }

  /**
   * Add sessions up to `target` (a few at a time) with the source paused, then, if the rig is
   * fed, resume it and wait until the counter hears every consumer. Set-up with media flowing
   * left whole batches of Room sessions with DTLS stuck half-way (each end had sent one record
   * and neither retransmitted, for good) once the load core was saturated; a quiet rig has its
   * sessions counted at its next loud().
   */
  async growTo(target: number): Promise<void> {
    const capacity = Math.floor((this.portRange.max - this.portRange.min + 1 - 4) / this.portsPerSession);
    if (target > capacity) {
      throw new RangeError(`${target} sessions need more ports than ${this.portRange.min}-${this.portRange.max} (max ${capacity})`);
    }
    const fed = !this.isQuiet;
    const before = this.counter.snapshot();
    if (fed) await this.source.pause();
    const deadline = Date.now() + GROW_TIMEOUT_MS;
    while (this.sessions < target) {
      if (Date.now() > deadline) {
        throw new Error(`only ${this.sessions}/${target} sessions set up in ${GROW_TIMEOUT_MS} ms: is the host CPU saturated?`);
      }
      const batch = Math.min(CREATE_CONCURRENCY, target - this.sessions);
      const ids = Array.from({ length: batch }, (_, i) => `load-${this.sessions + i}`);
      const created = await Promise.all(ids.map((id) => this.create(id)));
      created.forEach((streams, i) => {
        this.streams.push(...streams);
        for (const { ssrc } of streams) this.sessionOf.set(ssrc, ids[i]!);
      });
      this.sessions += batch;
    }
    if (fed) {
      await this.source.resume();
      await this.waitUntilAllFlowing(before);
    }
  }

  /**
   * Stop feeding the sessions (the source's producers pause, so the feeder forwards nothing)
   * and move the measured worker off its core: it keeps every session, idle (its timers and
   * RTCP still cost a few % of a core), while another rig is measured there.
   */
  async quiet(): Promise<void> {
    this.isQuiet = true;
    await this.source.pause();
    if (this.pinnedPid !== null) await pinToCore(this.pinnedPid, 'rest');
    await new Promise((r) => setTimeout(r, DRAIN_MS));
  }

  /**
   * Back on its core, feed the sessions again and wait until every consumer forwards (video
   * from the source's next key frame, ≤ 2 s).
   */
  async loud(): Promise<void> {
    if (this.pinnedPid !== null) await pinToCore(this.pinnedPid, 'last');
    const before = this.counter.snapshot();
    await this.source.resume();
    await this.waitUntilAllFlowing(before);
    this.isQuiet = false;
    await new Promise((r) => setTimeout(r, SETTLE_MS));
  }

  /** Measure one window; throws if any consumer delivered nothing to the sink in it. */
  async measure(seconds: number): Promise<WindowMeasurement> {
    const start = await this.sample();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const end = await this.sample();

    const streams = this.streams.map(({ ssrc, kind }) => {
      const before = start.counts.get(ssrc) ?? { packets: 0, bytes: 0 };
      const after = end.counts.get(ssrc) ?? { packets: 0, bytes: 0 };
      return { ssrc, kind, packets: after.packets - before.packets, bytes: after.bytes - before.bytes };
    });
    const silent = streams.filter((s) => s.packets === 0);
    if (silent.length > 0) {
      throw new Error(
        `${silent.length}/${streams.length} consumers forwarded nothing to the sink in the window (ssrc ${silent.map((s) => s.ssrc).join(', ')})`,
      );
    }
    return {
      sessions: this.sessions,
      seconds: (end.at - start.at) / 1000,
      workerCpuMs: { user: end.cpu.user - start.cpu.user, system: end.cpu.system - start.cpu.system },
      // Every session has two parties, each sending one copy of the source's two streams.
      offeredPackets: 2 * this.sessions * (end.sourcePackets - start.sourcePackets),
      streams,
      sinkDrops: end.drops - start.drops,
      roomEvents: end.roomEvents - start.roomEvents,
    };
  }

  /**
   * Stop forwarding, let the last packets land, then compare what each consumer
   * says it sent with what the sink counted: they must match exactly.
   */
  async verifyExactDelivery(): Promise<void> {
    if (!this.sink) throw new Error('exact delivery is checked on the raw path (the Room keeps its consumers)');
    await Promise.all(this.streams.map(({ consumer }) => consumer?.pause()));
    await new Promise((r) => setTimeout(r, DRAIN_MS));
    const received = this.sink.snapshot();
    const mismatches: string[] = [];
    for (const { ssrc, kind, consumer } of this.streams) {
      if (!consumer) continue;
      const sent = (await consumer.getStats()).find((s) => s.type === 'outbound-rtp' && s.ssrc === ssrc)?.packetCount ?? 0;
      const got = received.get(ssrc)?.packets ?? 0;
      if (sent === 0 || got !== sent) mismatches.push(`${kind} ssrc ${ssrc}: worker sent ${sent}, sink got ${got}`);
    }
    if (mismatches.length > 0) throw new Error(`delivery mismatch:\n  ${mismatches.join('\n  ')}`);
  }

  async close(): Promise<void> {
    await runCleanup(this.cleanup);
  }

  /** Until every consumer has forwarded more than it had in `since`. */
  private async waitUntilAllFlowing(since = new Map<number, StreamCount>()): Promise<void> {
    const deadline = Date.now() + FLOWING_TIMEOUT_MS;
    let silent = this.streams;
    while (Date.now() < deadline) {
      const counts = this.counter.snapshot();
      silent = this.streams.filter((s) => (counts.get(s.ssrc)?.packets ?? 0) <= (since.get(s.ssrc)?.packets ?? 0));
      if (silent.length === 0) return;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    const sessions = [...new Set(silent.map((s) => this.sessionOf.get(s.ssrc)))].join(', ');
    const states = [...new Set(silent.flatMap((s) => (s.transportState ? [s.transportState()] : [])))];
    throw new Error(
      `${this.path} path: ${silent.length}/${this.streams.length} consumers still silent at the sink after ${FLOWING_TIMEOUT_MS} ms ` +
        `(${silent.filter((s) => s.kind === 'video').length} video; sessions ${sessions})` +
        states.map((st) => `\n  ${st}`).join(''),
    );
  }

  /**
   * Everything a window is computed from. The source count and the sink count
   * are taken back to back (worker replies lag under load, so they are not
   * awaited together with the CPU figure).
   */
  private async sample(): Promise<Sample> {
    const measured = (await this.pool.stats()).find((w) => w.index === MEASURED);
    if (!measured?.alive) throw new Error('the measured mediasoup worker is not alive');
    const [video, audio] = await Promise.all([this.source.video.getStats(), this.source.audio.getStats()]);
    const counts = this.counter.snapshot();
    const at = performance.now();
    const sourcePackets = [...video, ...audio].reduce((sum, s) => sum + s.packetCount, 0);
    const roomEvents = this.roomEvents.count;
    return { at, counts, cpu: measured.cpu, sourcePackets, roomEvents, drops: await this.counter.kernelDrops() };
  }
}

interface Sample {
  at: number;
  counts: Map<number, StreamCount>;
  cpu: { user: number; system: number };
  /** RTP packets the source producers have received from ffmpeg so far. */
  sourcePackets: number;
  roomEvents: number;
  drops: number;
}

/** Run (and forget) cleanups last-in first-out; every one runs even if an earlier one fails. */
async function runCleanup(steps: (() => void | Promise<void>)[]): Promise<void> {
  for (const step of steps.splice(0).reverse()) {
    try {
      await step();
    } catch {
      // best effort: the remaining resources must still be released
    }
  }
}
