/**
 * `npm run bench:sfu` — prints two tables:
 *  1. join → first decoded remote video frame (real server, real SFU, headless Chromium; a clerk
 *     desk sends its fake camera, a receiver joins 10 times with the app's CallClient);
 *  2. SFU load: N concurrent 2-party sessions on ONE worker (tests/bench/sfuLoad.ts): worker CPU
 *     per forwarded stream next to mediasoup's documented ~500 consumers per core.
 */
import { ApiClient } from '../support/testServer';
import { startCallBrowser } from '../support/callBrowser';
import { createPrecheckedCase, openActiveSession } from '../support/reviewFixtures';
import { diagnostics, joinCall } from '../support/callPage';
import { bundleBrowserScript } from '../support/browserBundle';
import { formatSfuLoadTable, runSfuLoadBench, sfuLoadVerdict } from './sfuLoad';

const JOINS = 10;

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

    const bundle = await bundleBrowserScript(new URL('./joinHarness.browser.ts', import.meta.url));
    const receiver = await cb.newPage();
    await cb.login(receiver, 'reviewer');
    // Injected into a page the app server itself serves: same origin for the cookie and socket.io,
    // and a loopback page (a route-fulfilled page would be "public" to Chromium's local network
    // access checks and could not reach 127.0.0.1).
    await receiver.goto(`${cb.url}/__bench`);
    await receiver.addScriptTag({ content: bundle, type: 'module' });
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

/** The forwarding load of one worker, measured by tests/bench/sfuLoad.ts (sinks count every packet). */
async function benchLoad(): Promise<void> {
  const rows = await runSfuLoadBench({ log: progress });
  console.log('\nSFU load: one mediasoup worker, 2-party sessions (2 video + 2 audio producers, 4 consumers each), FFmpeg RTP, SRTP');
  console.log(formatSfuLoadTable(rows));
  console.log(sfuLoadVerdict(rows));
}

await benchJoin();
await benchLoad();
