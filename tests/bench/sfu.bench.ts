/**
 * `npm run bench:sfu` — prints two tables:
 *  1. join → first decoded remote video frame (real server, real SFU, headless Chromium; a clerk
 *     desk sends its fake camera, a receiver joins 10 times with the app's CallClient);
 *  2. SFU load: N concurrent 2-party sessions on ONE worker, each party sending VP8 640×360 +
 *     Opus over a PlainTransport (RTP captured once from FFmpeg, replayed per producer with its
 *     own SSRC) and consuming the other's two streams: worker CPU per forwarded stream.
 */
import dgram from 'node:dgram';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { types } from 'mediasoup';
import { WorkerPool } from '@tongban/sfu';
import { ApiClient } from '../support/testServer';
import { startCallBrowser } from '../support/callBrowser';
import { createPrecheckedCase, openActiveSession } from '../support/reviewFixtures';
import { diagnostics, joinCall } from '../support/callPage';

const JOINS = 10;
const LOAD_STEPS = [10, 40, 80, 100, 120];
const MEASURE_MS = 6000;

const progress = (msg: string) => process.stderr.write(`[bench:sfu] ${msg}\n`);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : Math.round((s[m - 1]! + s[m]!) / 2);
};

async function benchJoin(): Promise<void> {
  const cb = await startCallBrowser({ rtcMinPort: 46000, env: { OCR_WORKERS: 1 } });
  try {
    const clerk = await ApiClient.login(cb.url, 'clerk');
    const reviewer = await ApiClient.login(cb.url, 'reviewer');
    const sessionId = await openActiveSession(clerk, reviewer, (await createPrecheckedCase(clerk)).id);
    const sender = await cb.newPage();
    await cb.login(sender, 'clerk');
    await joinCall(sender, cb.url, sessionId);
    progress('sender desk joined');

    const bundle = await build({
      entryPoints: [fileURLToPath(new URL('./joinHarness.browser.ts', import.meta.url))],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'chrome120',
      logLevel: 'warning',
    });
    const receiver = await cb.newPage();
    await cb.login(receiver, 'reviewer');
    // Injected into a page the app server itself serves: same origin for the cookie and socket.io,
    // and a loopback page (a route-fulfilled page would be "public" to Chromium's local network
    // access checks and could not reach 127.0.0.1).
    await receiver.goto(`${cb.url}/__bench`);
    await receiver.addScriptTag({ content: bundle.outputFiles[0]!.text, type: 'module' });
    await receiver.waitForFunction(() => typeof window.benchJoin === 'function');
    progress('receiver page ready');
    // The sender is publishing before the first join.
    for (let d = await diagnostics(sender); (d.framesSent['camera'] ?? 0) === 0; d = await diagnostics(sender)) {
      progress(`waiting for the sender to publish: ${JSON.stringify(d)}`);
      await new Promise((r) => setTimeout(r, 1000));
    }

    const times: number[] = [];
    for (let i = 0; i < JOINS; i++) {
      times.push(await receiver.evaluate((sid) => window.benchJoin(sid), sessionId));
      progress(`join ${i + 1}: ${times[i]} ms`);
      await new Promise((r) => setTimeout(r, 300));
    }
    console.log('\nJoin → first decoded remote video frame (loopback, real server + SFU, headless Chromium)');
    console.table({
      joins: JOINS,
      'first join (no cached router caps) ms': times[0],
      'median ms': median(times),
      'min ms': Math.min(...times),
      'max ms': Math.max(...times),
      'all ms': times.join(' '),
    });
  } finally {
    await cb.close();
  }
}

/* ---------- SFU load ---------- */

interface Captured {
  packets: Buffer[];
  /** Send offset of each packet in ms from the first. */
  at: number[];
  durationMs: number;
  /** RTP clock ticks per millisecond (90 for video, 48 for Opus). */
  ticksPerMs: number;
}

/** Captures 12 s of RTP from FFmpeg once; replay timing comes from the RTP timestamps. */
async function captureRtp(kind: 'video' | 'audio'): Promise<Captured> {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const port = sock.address().port;
  const packets: Buffer[] = [];
  sock.on('message', (m) => {
    if ((m[1]! & 0x7f) >= 72 && (m[1]! & 0x7f) <= 79) return; // RTCP sender reports
    packets.push(Buffer.from(m));
  });
  const args =
    kind === 'video'
      ? [
          '-f',
          'lavfi',
          '-i',
          'testsrc=size=640x360:rate=30',
          '-t',
          '12',
          '-c:v',
          'libvpx',
          '-deadline',
          'realtime',
          '-cpu-used',
          '8',
          '-b:v',
          '600k',
          '-g',
          '60',
          '-payload_type',
          '101',
          '-ssrc',
          '1111',
        ]
      : [
          '-f',
          'lavfi',
          '-i',
          'sine=frequency=440:sample_rate=48000',
          '-t',
          '12',
          '-c:a',
          'libopus',
          '-b:a',
          '32k',
          '-ac',
          '2',
          '-payload_type',
          '100',
          '-ssrc',
          '2222',
        ];
  await new Promise<void>((resolve, reject) => {
    const p = spawn(
      'ffmpeg',
      ['-hide_banner', '-loglevel', 'error', '-re', ...args, '-f', 'rtp', `rtp://127.0.0.1:${port}?pkt_size=1200`],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}`))));
  });
  await new Promise((r) => setTimeout(r, 200));
  sock.close();
  const clock = kind === 'video' ? 90 : 48; // ticks per ms
  const ts0 = packets[0]!.readUInt32BE(4);
  const at = packets.map((p) => (p.readUInt32BE(4) - ts0) / clock);
  return { packets, at, durationMs: at[at.length - 1]! + (kind === 'video' ? 33 : 20), ticksPerMs: clock };
}

/** Replays captured RTP to many PlainTransports, each with its own SSRC, looping seamlessly. */
class Replayer {
  private readonly sock = dgram.createSocket('udp4');
  private readonly targets: Array<{ port: number; ssrc: number; cap: Captured; next: number; loop: number; seqBase: number }> = [];
  private timer: NodeJS.Timeout | undefined;
  private t0 = 0;
  sent = 0;

  add(port: number, ssrc: number, cap: Captured): void {
    this.targets.push({ port, ssrc, cap, next: 0, loop: 0, seqBase: Math.floor(Math.random() * 1000) });
  }

  start(): void {
    this.t0 = performance.now();
    this.timer = setInterval(() => this.tick(), 5);
  }

  stop(): void {
    clearInterval(this.timer);
    this.sock.close();
  }

  private tick(): void {
    const now = performance.now() - this.t0;
    for (const t of this.targets) {
      for (;;) {
        const at = t.cap.at[t.next]! + t.loop * t.cap.durationMs;
        if (at > now) break;
        const src = t.cap.packets[t.next]!;
        const pkt = Buffer.from(src);
        const n = t.cap.packets.length;
        pkt.writeUInt16BE((src.readUInt16BE(2) + t.seqBase + t.loop * n) & 0xffff, 2);
        // Each loop continues the sequence numbers and timestamps, as one endless stream.
        pkt.writeUInt32BE((src.readUInt32BE(4) + t.cap.ticksPerMs * t.cap.durationMs * t.loop) >>> 0, 4);
        pkt.writeUInt32BE(t.ssrc, 8);
        this.sock.send(pkt, t.port, '127.0.0.1');
        this.sent++;
        t.next++;
        if (t.next === n) {
          t.next = 0;
          t.loop++;
        }
      }
    }
  }
}

/** Bits per second of a captured stream (RTP payload + header, as forwarded). */
const bitrate = (c: Captured) => (8 * c.packets.reduce((n, p) => n + p.length, 0)) / (c.durationMs / 1000);

const captured: { video: Captured; audio: Captured } = { video: undefined as never, audio: undefined as never };

async function benchLoad(): Promise<void> {
  [captured.video, captured.audio] = await Promise.all([captureRtp('video'), captureRtp('audio')]);
  const pool = await WorkerPool.create({ numWorkers: 1, rtcMinPort: 46400, rtcMaxPort: 47999, cpuSampleIntervalMs: 0 });
  // Consumers send to a sink in its own process, so receiving does not slow the replayer down.
  const sink = spawn(
    process.execPath,
    [
      '-e',
      "const s=require('dgram').createSocket('udp4');s.on('message',()=>{});s.bind(0,'127.0.0.1',()=>process.send(s.address().port));process.on('disconnect',()=>process.exit(0))",
    ],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const sinkPort = await new Promise<number>((resolve) => sink.once('message', (port) => resolve(Number(port))));
  const recvTransports: types.PlainTransport[] = [];
  /** Bytes the SFU sent to consumers, from its own transport counters. */
  const forwardedBytes = async () =>
    (await Promise.all(recvTransports.map(async (t) => (await t.getStats())[0]?.bytesSent ?? 0))).reduce((a, b) => a + b, 0);
  const worker = pool.workers()[0]!;
  const routers: types.Router[] = [];
  const replayer = new Replayer();
  let ssrc = 10_000;
  let consumers = 0;
  const rows: Array<Record<string, string | number>> = [];

  const addSession = async () => {
    const router = await worker.createRouter({
      mediaCodecs: [
        { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
        { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
      ],
    });
    routers.push(router);
    const producers: types.Producer[][] = [];
    for (let party = 0; party < 2; party++) {
      const send = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: true });
      const v = ++ssrc;
      const a = ++ssrc;
      producers.push([
        await send.produce({
          kind: 'video',
          rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: v }] },
        }),
        await send.produce({
          kind: 'audio',
          rtpParameters: {
            codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
            encodings: [{ ssrc: a }],
          },
        }),
      ]);
      replayer.add(send.tuple.localPort, v, captured.video);
      replayer.add(send.tuple.localPort, a, captured.audio);
    }
    for (let party = 0; party < 2; party++) {
      const recv = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
      await recv.connect({ ip: '127.0.0.1', port: sinkPort });
      recvTransports.push(recv);
      for (const p of producers[1 - party]!) {
        await recv.consume({ producerId: p.id, rtpCapabilities: router.rtpCapabilities, paused: false });
        consumers++;
      }
    }
  };

  replayer.start();
  let sessions = 0;
  try {
    for (const target of LOAD_STEPS) {
      while (sessions < target) {
        await addSession();
        sessions++;
      }
      await new Promise((r) => setTimeout(r, 1500)); // settle (key frames, bitrate estimates)
      await pool.stats();
      const bytes0 = await forwardedBytes();
      const t0 = Date.now();
      await new Promise((r) => setTimeout(r, MEASURE_MS));
      const [w] = await pool.stats();
      const secs = (Date.now() - t0) / 1000;
      const cpu = w!.cpuLoad;
      const nominal = sessions * 2 * (bitrate(captured.video) + bitrate(captured.audio));
      const delivered = (8 * ((await forwardedBytes()) - bytes0)) / secs;
      rows.push({
        sessions,
        'producers (2 video + 2 audio each)': sessions * 4,
        'consumers (forwarded streams)': consumers,
        'forwarded Mbit/s': +(delivered / 1e6).toFixed(1),
        'driver delivered % of nominal': Math.round((100 * delivered) / nominal),
        'worker CPU % of one core': +(cpu * 100).toFixed(1),
        'CPU % per forwarded stream': +((cpu * 100) / consumers).toFixed(3),
        'consumers at 80% CPU (linear)': Math.round((0.8 / cpu) * consumers),
      });
      if (cpu > 0.8) break;
    }
  } finally {
    replayer.stop();
    sink.disconnect();
    for (const r of routers) r.close();
    pool.close();
  }
  console.log(
    '\nSFU load: one mediasoup worker, 2-party sessions driven by replayed FFmpeg RTP (VP8 640×360 ~600 kbit/s + Opus 32 kbit/s)',
  );
  console.table(rows);
  console.log('Reference: mediasoup documents roughly 500 consumers per worker (one CPU core).');
  console.log('"driver delivered" below ~90% means the Node replayer, not the SFU, is the limit at that step.');
}

await benchJoin();
await benchLoad();
