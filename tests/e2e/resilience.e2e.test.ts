import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ApiClient } from '../support/testServer';
import { MEDIA_ARGS, startCallBrowser, type CallBrowser } from '../support/callBrowser';
import { createPrecheckedCase, openActiveSession } from '../support/reviewFixtures';
import { diagnostics, joinClerkAndReviewer, videoResumes } from '../support/callPage';
import { cutOff, launchChromiumAsNobody } from '../support/netCut';

/**
 * Recovery without anyone doing anything: a 30 s network cut of one desk, and an SFU worker
 * crash. Times are printed (figures for the report), not asserted against the wall clock.
 */
let cb: CallBrowser;
let nobody: Awaited<ReturnType<typeof launchChromiumAsNobody>> | undefined;
let clerkPage: Page;
let reviewerPage: Page;
let sessionId: string;

beforeAll(async () => {
  cb = await startCallBrowser({ rtcMinPort: 45400, env: { SFU_WORKERS: 2, OCR_WORKERS: 1 } });
  const clerk = await ApiClient.login(cb.url, 'clerk');
  const reviewer = await ApiClient.login(cb.url, 'reviewer');
  sessionId = await openActiveSession(clerk, reviewer, (await createPrecheckedCase(clerk)).id);
  clerkPage = await cb.newPage();
  nobody = await launchChromiumAsNobody(MEDIA_ARGS);
  reviewerPage = nobody.context.pages()[0] ?? (await nobody.context.newPage());
  await joinClerkAndReviewer(cb, sessionId, { clerk: clerkPage, reviewer: reviewerPage });
});
afterAll(async () => {
  await nobody?.close();
  await cb?.close();
});

function rtcSocketPort(username: string): number[] {
  const nsp = cb.server.app.io.of('/rtc');
  return [...nsp.sockets.values()]
    .filter((s) => (s.data as { principal?: { user?: { username: string } } }).principal?.user?.username === username)
    .map((s) => s.request.socket.remotePort)
    .filter((p): p is number => typeof p === 'number');
}

describe('resilience', () => {
  it('a desk cut off for 30 s comes back by itself, without the other side doing anything', async () => {
    const before = await diagnostics(reviewerPage);
    const cut = cutOff({
      rtcPorts: cb.rtcPorts,
      serverPort: Number(new URL(cb.url).port),
      browserPorts: { udp: before.icePorts, tcp: rtcSocketPort('reviewer') },
    });
    let restoredAt = 0;
    try {
      await new Promise((r) => setTimeout(r, 5000));
      // The cut is real: the reviewer's desk sees its connection go.
      await expect.poll(async () => (await diagnostics(reviewerPage)).state, { timeout: 30_000 }).toBe('reconnecting');
      await reviewerPage.getByText('正在重新连接…').waitFor({ timeout: 1000 });
      await new Promise((r) => setTimeout(r, Math.max(0, 30_000 - 5000)));
    } finally {
      cut.restore();
      restoredAt = Date.now();
    }
    const [reviewerBack, clerkBack] = await Promise.all([videoResumes(reviewerPage, restoredAt), videoResumes(clerkPage, restoredAt)]);
    console.log(`network cut 30 s: video back on the cut desk after ${reviewerBack} ms, on the other desk after ${clerkBack} ms`);
    expect(reviewerBack).not.toBeNull();
    expect(clerkBack).not.toBeNull();
    // No leak: exactly two peers with two transports each.
    await expect.poll(async () => (await cb.server.ctx.call.sfu.stats()).totals).toMatchObject({ peers: 2, transports: 4 });
  });

  it('a killed SFU worker: both desks rejoin on a new router by themselves', async () => {
    const room = (await cb.server.ctx.call.sfu.stats()).rooms.find((r) => r.roomId === `review:${sessionId}`);
    expect(room).toBeDefined();
    const killedAt = Date.now();
    process.kill(room!.workerPid, 'SIGKILL');
    const [reviewerBack, clerkBack] = await Promise.all([videoResumes(reviewerPage, killedAt), videoResumes(clerkPage, killedAt)]);
    console.log(`worker SIGKILL: video back after ${reviewerBack} ms (reviewer) and ${clerkBack} ms (clerk)`);
    expect(reviewerBack).not.toBeNull();
    expect(clerkBack).not.toBeNull();
    const after = (await cb.server.ctx.call.sfu.stats()).rooms.find((r) => r.roomId === `review:${sessionId}`);
    expect(after?.workerPid).not.toBe(room!.workerPid);
    expect(after).toMatchObject({ peers: 2, transports: 4 });
  });

  it('closing a tab frees its transports', async () => {
    await clerkPage.close();
    await expect
      .poll(async () => (await cb.server.ctx.call.sfu.stats()).totals, { timeout: 10_000 })
      .toMatchObject({ peers: 1, transports: 2 });
  });
});
