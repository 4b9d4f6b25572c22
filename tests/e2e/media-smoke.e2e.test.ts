/**
 * Media smoke test: real Chromium → mediasoup worker → real Chromium.
 *
 * Proves the offline-built worker (scripts/install/build-mediasoup-worker.sh)
 * and the sfu Room carry VP8 video and Opus audio end to end: page 1 sends the
 * fake camera + microphone, page 2 consumes both and must decode video frames
 * and receive audio packets.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Page } from 'playwright-core';
import { mediasoupWorkerBin, Room, WorkerPool, type ProducerInfo } from '@tongban/sfu';
import { launchChromium, type ChromiumSession } from '../support/chromium';
import { startMediaPageServer, type MediaPageServer } from '../support/mediaPage';
import type { InboundSummary } from '../support/mediaPage.browser';

const MEDIA_TIMEOUT_MS = 20_000;

async function pollInbound(page: Page, done: (stats: InboundSummary[]) => boolean): Promise<InboundSummary[]> {
  const deadline = Date.now() + MEDIA_TIMEOUT_MS;
  let stats: InboundSummary[] = [];
  while (Date.now() < deadline) {
    stats = await page.evaluate(() => window.media.inboundStats());
    if (done(stats)) return stats;
    await new Promise((r) => setTimeout(r, 250));
  }
  return stats; // the assertions below report what was last seen
}

describe('media smoke: Chromium → SFU → Chromium', () => {
  let pool: WorkerPool | undefined;
  let room: Room | undefined;
  let site: MediaPageServer | undefined;
  let browser: ChromiumSession | undefined;
  const newProducers: ProducerInfo[] = [];

  beforeAll(async () => {
    if (!existsSync(mediasoupWorkerBin)) {
      throw new Error(`mediasoup worker missing at ${mediasoupWorkerBin}: run bash scripts/install/build-mediasoup-worker.sh`);
    }
    pool = await WorkerPool.create({ numWorkers: 1, rtcMinPort: 42000, rtcMaxPort: 42999 });
    room = await Room.create(pool, { roomId: 'smoke', listenIp: '127.0.0.1' });
    room.on('newproducer', (p) => newProducers.push(p));
    site = await startMediaPageServer(room);
    browser = await launchChromium({
      // Two tabs in one browser: keep the one in the background fully running.
      args: ['--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    room?.close();
    pool?.close();
  });

  it('page 2 decodes page 1 fake camera (VP8) and receives its microphone (Opus)', async () => {
    const { context } = browser!;
    const sender = await context.newPage();
    const receiver = await context.newPage();
    const errors: string[] = [];
    for (const page of [sender, receiver]) {
      page.on('pageerror', (err) => errors.push(err.message));
      await page.goto(site!.url);
      await page.waitForFunction(() => 'media' in window);
    }

    await sender.evaluate(() => window.media.join('sender'));
    const producerIds = await sender.evaluate(() => window.media.publish());
    expect(producerIds).toHaveLength(2);
    expect(newProducers.map((p) => p.kind).sort()).toEqual(['audio', 'video']);

    await receiver.evaluate(() => window.media.join('receiver'));
    const consumerIds = await receiver.evaluate(() => window.media.consumeAll());
    expect(consumerIds).toHaveLength(2);

    const stats = await pollInbound(
      receiver,
      (s) => s.some((x) => x.kind === 'video' && x.framesDecoded > 0) && s.some((x) => x.kind === 'audio' && x.packetsReceived > 0),
    );
    // There can be more than one video inbound-rtp: mediasoup's bandwidth probator
    // ("probator" mid) shows up as its own stream, so take the best one of each kind.
    const best = (kind: string, key: 'framesDecoded' | 'packetsReceived') =>
      Math.max(0, ...stats.filter((s) => s.kind === kind).map((s) => s[key]));
    const seen = `inbound-rtp: ${JSON.stringify(stats)}; rpc: ${site!.calls.join(' ')}`;
    expect(best('video', 'framesDecoded'), seen).toBeGreaterThan(0);
    expect(best('audio', 'packetsReceived'), seen).toBeGreaterThan(0);
    expect(errors).toEqual([]);

    // Resuming a consumer that is already forwarding asks the sender for nothing: a second PLI
    // right after the first key frame is dropped by the browser's encoder, and mediasoup would
    // then hold the next viewer's key-frame request for up to a second.
    const video = newProducers.find((p) => p.kind === 'video')!;
    const plisSent = async () => (await room!.recordingAccess().producer(video.producerId).getStats()).reduce((n, s) => n + s.pliCount, 0);
    const plisBefore = await plisSent();
    for (const id of consumerIds) await room!.resumeConsumer('receiver', id);
    expect(await plisSent()).toBe(plisBefore);

    // Two viewers asking for a key frame one just after the other both get one, and no request
    // is wasted: the second reaches the sender only once its encoder will honour it
    // (KEY_FRAME_REQUEST_SPACING_MS), where the browser would drop it and mediasoup ask again 1 s later.
    const keyFrames = async () =>
      Math.max(
        0,
        ...(await receiver.evaluate(() => window.media.inboundStats())).filter((s) => s.kind === 'video').map((s) => s.keyFramesDecoded),
      );
    const keyFramesBefore = await keyFrames();
    const plisBeforeRequests = await plisSent();
    const askForKeyFrame = () => Promise.all(consumerIds.map((id) => room!.requestKeyFrame('receiver', id)));
    await askForKeyFrame();
    await vi.waitFor(async () => expect(await keyFrames()).toBe(keyFramesBefore + 1), { timeout: 5_000 });
    await askForKeyFrame();
    await vi.waitFor(async () => expect(await keyFrames()).toBe(keyFramesBefore + 2), { timeout: 5_000 });
    expect(await plisSent()).toBe(plisBeforeRequests + 2);

    expect(room!.stats()).toMatchObject({ peers: 2, transports: 2, producers: 2, consumers: 2 });
    const [worker] = await pool!.stats();
    expect(worker).toMatchObject({ alive: true, routers: 1 });

    // Leaving closes the sender's transports and producers at once; the worker then
    // closes the receiver's consumers and the room reports each for signalling.
    const closedConsumers: string[] = [];
    room!.on('consumerclosed', (c) => closedConsumers.push(c.consumerId));
    room!.removePeer('sender');
    expect(room!.stats()).toMatchObject({ peers: 1, transports: 1, producers: 0 });
    await vi.waitFor(() => expect(room!.stats().consumers).toBe(0), { timeout: 5_000 });
    expect(closedConsumers.sort()).toEqual([...consumerIds].sort());
  });
});
