/**
 * Browser side of the media test page (bundled by mediaPage.ts with esbuild).
 * A bare mediasoup-client peer driven from the test through `window.media`.
 * Signalling is JSON over HTTP: POST /rpc { method, params } → { result } | { error }.
 */
import { Device, type types } from 'mediasoup-client';

export interface InboundSummary {
  kind: string;
  packetsReceived: number;
  bytesReceived: number;
  framesDecoded: number;
  keyFramesDecoded: number;
  frameWidth: number;
  frameHeight: number;
}

export interface MediaPageApi {
  join(peerId: string): Promise<void>;
  publish(): Promise<string[]>;
  consumeAll(): Promise<string[]>;
  inboundStats(): Promise<InboundSummary[]>;
}

declare global {
  interface Window {
    media: MediaPageApi;
  }
}

let peerId = '';
let device: Device | undefined;
let recvTransport: types.Transport | undefined;

async function rpc<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch('/rpc', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ method, params: { peerId, ...params } }),
  });
  const body = (await res.json()) as { result?: T; error?: string };
  if (!res.ok) throw new Error(`${method}: ${body.error ?? res.status}`);
  return body.result as T;
}

function wire(transport: types.Transport): void {
  transport.on('connect', ({ dtlsParameters }, ok, fail) => {
    rpc('connectTransport', { transportId: transport.id, dtlsParameters }).then(() => ok(), fail);
  });
  transport.on('produce', ({ kind, rtpParameters, appData }, ok, fail) => {
    rpc<{ id: string }>('produce', { transportId: transport.id, kind, rtpParameters, appData }).then(ok, fail);
  });
}

function requireDevice(): Device {
  if (!device) throw new Error('join() first');
  return device;
}

window.media = {
  async join(id) {
    peerId = id;
    const routerRtpCapabilities = await rpc<types.RtpCapabilities>('join');
    device = new Device();
    await device.load({ routerRtpCapabilities });
    await rpc('setRtpCapabilities', { rtpCapabilities: device.recvRtpCapabilities });
  },

  async publish() {
    const dev = requireDevice();
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: true,
      video: { width: 640, height: 480, frameRate: 15 },
    });
    const transport = dev.createSendTransport(await rpc<types.TransportOptions>('createWebRtcTransport', { direction: 'send' }));
    wire(transport);
    const ids: string[] = [];
    for (const track of stream.getTracks()) {
      const producer = await transport.produce({ track, appData: { source: 'camera' } });
      ids.push(producer.id);
    }
    return ids;
  },

  async consumeAll() {
    const dev = requireDevice();
    recvTransport = dev.createRecvTransport(await rpc<types.TransportOptions>('createWebRtcTransport', { direction: 'recv' }));
    wire(recvTransport);
    const producers = await rpc<{ producerId: string }[]>('listProducers');
    const ids: string[] = [];
    for (const { producerId } of producers) {
      const info = await rpc<types.ConsumerOptions>('consume', { transportId: recvTransport.id, producerId });
      const consumer = await recvTransport.consume({
        id: info.id,
        producerId: info.producerId,
        kind: info.kind,
        rtpParameters: info.rtpParameters,
      });
      // Render it, as the real client does: a track with no sink may not be decoded.
      const el = document.createElement(consumer.kind === 'video' ? 'video' : 'audio');
      el.autoplay = true;
      el.muted = true;
      el.srcObject = new MediaStream([consumer.track]);
      document.body.append(el);
      void el.play().catch(() => {});
      await rpc('resumeConsumer', { consumerId: consumer.id });
      ids.push(consumer.id);
    }
    return ids;
  },

  async inboundStats() {
    if (!recvTransport) return [];
    const report = await recvTransport.getStats();
    const out: InboundSummary[] = [];
    report.forEach((s: Record<string, unknown>) => {
      if (s['type'] !== 'inbound-rtp') return;
      out.push({
        kind: String(s['kind']),
        packetsReceived: Number(s['packetsReceived'] ?? 0),
        bytesReceived: Number(s['bytesReceived'] ?? 0),
        framesDecoded: Number(s['framesDecoded'] ?? 0),
        keyFramesDecoded: Number(s['keyFramesDecoded'] ?? 0),
        frameWidth: Number(s['frameWidth'] ?? 0),
        frameHeight: Number(s['frameHeight'] ?? 0),
      });
    });
    return out;
  },
};
