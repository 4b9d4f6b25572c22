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
import { prepareCall } from '../../client/src/features/call/rtc/devicePreparation';

export interface JoinTiming {
  /** Join start → the first remote video frame decoded (packet received + decode), ms. */
  decoded: number;
  /** Join start → getStats() first reporting a decoded frame, ms. */
  statsSeen: number;
}

declare global {
  interface Window {
    benchJoin(sessionId: string): Promise<JoinTiming>;
    /** What the pre-join screen (DeviceSetup) does while the user checks their devices. */
    benchPrepare(): void;
  }
}

interface FrameMetadata {
  receiveTime?: number;
  processingDuration?: number;
}
type FrameCallbackVideo = HTMLVideoElement & { requestVideoFrameCallback(cb: (now: number, md: FrameMetadata) => void): number };

/** When the first frame of `track` finished decoding, on the performance.now() clock. */
function firstFrameDecodedAt(track: MediaStreamTrack): Promise<number> {
  const video = document.createElement('video') as FrameCallbackVideo;
  video.muted = true;
  video.autoplay = true;
  video.srcObject = new MediaStream([track]);
  document.body.append(video);
  return new Promise((resolve) =>
    video.requestVideoFrameCallback((now, md) => {
      video.remove();
      resolve(md.receiveTime !== undefined ? md.receiveTime + (md.processingDuration ?? 0) * 1000 : now);
    }),
  );
}

window.benchPrepare = () => prepareCall();

window.benchJoin = async (sessionId) => {
  // Before the socket, the join and (the first time, with no router capabilities known) the Device load.
  const t0 = performance.now();
  const client = new CallClient({ target: { sessionId }, produce: false });
  let decodedAt: Promise<number> | undefined;
  client.on('tracks', (tracks) => {
    const video = tracks.find((t) => t.kind === 'video');
    if (video && !decodedAt) decodedAt = firstFrameDecodedAt(video.track);
  });
  try {
    await client.join();
    const statsSeen = await firstDecodedFrame(() => client.recvStats(), t0);
    if (!decodedAt) throw new Error('no remote video track');
    return { decoded: Math.round((await decodedAt) - t0), statsSeen };
  } finally {
    await client.leave();
  }
};
