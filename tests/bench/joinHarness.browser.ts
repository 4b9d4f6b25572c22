/**
 * Browser half of the join benchmark (bundled by sfu.bench.ts): joins a session as a receiver
 * with the app's own CallClient and times start-of-join → first decoded remote video frame.
 */
import { CallClient } from '../../client/src/features/call/rtc/CallClient';
import { firstDecodedFrame } from '../../client/src/features/call/rtc/stats';

declare global {
  interface Window {
    benchJoin(sessionId: string): Promise<number>;
  }
}

window.benchJoin = async (sessionId) => {
  const t0 = performance.now(); // before the socket, the join and the Device load
  const client = new CallClient({ target: { sessionId }, produce: false });
  try {
    await client.join();
    return await firstDecodedFrame(() => client.recvStats(), t0);
  } finally {
    await client.leave();
  }
};
