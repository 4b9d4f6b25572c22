/**
 * Browser half of the join benchmark (bundled by sfu.bench.ts): joins a session as a receiver
 * with the app's own CallClient and times start-of-join → first decoded remote video frame.
 *
 * The decode time comes from the frame itself: requestVideoFrameCallback's metadata gives, for a
 * WebRTC frame, when its last packet arrived and how long decoding took. Polling getStats() for
 * framesDecoded (the figure beside it) sees the same frame later, as Chromium serves a stats
 * report from a cache for 50 ms.
 */
import { CallClient } from '../../client/src/features/call/rtc/CallClient';
import { firstDecodedFrame } from '../../client/src/features/call/rtc/stats';
import { prepareCall } from '../../client/src/features/call/rtc/callPreparation';

export interface JoinTiming {
  /** Join start → the first remote video frame decoded (packet received + decode), ms. */
  decoded: number;
  /** Join start → getStats() first reporting a decoded frame, ms. */
  statsSeen: number;
  /** Where the time went (join start → …, ms; the stats phases as getStats, cached up to 50 ms, saw them), for the slow ones. */
  phases: JoinPhases;
}

export interface JoinPhases {
  joined: number;
  track: number | null;
  dtlsConnected: number | null;
  firstVideoPacket: number | null;
  /** Receiver-side key-frame requests and NACKs sent by the time of the first decoded frame. */
  pli: number;
  fir: number;
  nack: number;
  /** Width of the first decoded frame: which simulcast layer the join started on. */
  width: number;
}

declare global {
  interface Window {
    benchJoin(sessionId: string): Promise<JoinTiming>;
    /** What the pre-join screen (DeviceSetup) does while the user checks their devices. */
    benchPrepare(): void;
  }
}

interface FrameMetadata {
  width: number;
  receiveTime?: number;
  processingDuration?: number;
}
type FrameCallbackVideo = HTMLVideoElement & { requestVideoFrameCallback(cb: (now: number, md: FrameMetadata) => void): number };

/** When the first frame of `track` finished decoding (performance.now() clock), and its width. */
function firstFrameDecodedAt(track: MediaStreamTrack): Promise<{ at: number; width: number }> {
  const video = document.createElement('video') as FrameCallbackVideo;
  video.muted = true;
  video.autoplay = true;
  video.srcObject = new MediaStream([track]);
  document.body.append(video);
  return new Promise((resolve) =>
    video.requestVideoFrameCallback((now, md) => {
      video.remove();
      const at = md.receiveTime !== undefined ? md.receiveTime + (md.processingDuration ?? 0) * 1000 : now;
      resolve({ at, width: md.width });
    }),
  );
}

window.benchPrepare = () => void prepareCall();

type Stat = Record<string, unknown> & { type: string };

/** Notes in `phases` what a stats report of the receive transport shows first (ms since `t0`). */
function notePhases(report: RTCStatsReport | undefined, t0: number, phases: JoinPhases): void {
  const at = () => Math.round(performance.now() - t0);
  report?.forEach((s: Stat) => {
    if (s.type === 'transport' && s['dtlsState'] === 'connected') phases.dtlsConnected ??= at();
    if (s.type === 'inbound-rtp' && s['kind'] === 'video') {
      if (Number(s['packetsReceived'] ?? 0) > 0) phases.firstVideoPacket ??= at();
      phases.pli = Number(s['pliCount'] ?? 0);
      phases.fir = Number(s['firCount'] ?? 0);
      phases.nack = Number(s['nackCount'] ?? 0);
    }
  });
}

window.benchJoin = async (sessionId) => {
  // Before the socket, the join and (the first time, with no router capabilities known) the Device load.
  const t0 = performance.now();
  const client = new CallClient({ target: { sessionId }, produce: false });
  const phases: JoinPhases = { joined: 0, track: null, dtlsConnected: null, firstVideoPacket: null, pli: 0, fir: 0, nack: 0, width: 0 };
  let decodedAt: Promise<{ at: number; width: number }> | undefined;
  client.on('tracks', (tracks) => {
    const video = tracks.find((t) => t.kind === 'video');
    if (video && !decodedAt) {
      phases.track = Math.round(performance.now() - t0);
      decodedAt = firstFrameDecodedAt(video.track);
    }
  });
  try {
    await client.join();
    phases.joined = Math.round(performance.now() - t0);
    // One poller: each report the decoded-frame wait reads also tells the phases.
    const statsSeen = await firstDecodedFrame(async () => {
      const report = await client.recvStats();
      notePhases(report, t0, phases);
      return report;
    }, t0);
    if (!decodedAt) throw new Error('no remote video track');
    const first = await decodedAt;
    phases.width = first.width;
    return { decoded: Math.round(first.at - t0), statsSeen, phases };
  } finally {
    await client.leave();
  }
};
