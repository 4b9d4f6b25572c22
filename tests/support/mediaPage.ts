import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bundleBrowserScript } from './browserBundle';
import type { MediasoupTypes, Room, TransportDirection } from '@tongban/sfu';

/**
 * A tiny page + JSON-over-HTTP signalling in front of one sfu Room, for media
 * tests without the real server. The browser half is mediaPage.browser.ts,
 * bundled here with esbuild (mediasoup-client and its dependencies included).
 */
export interface MediaPageServer {
  url: string;
  /** RPC methods called, in order ("peerId:method"), for debugging failures. */
  calls: string[];
  close(): Promise<void>;
}

let bundle: Promise<string> | undefined;

/** Bundle the browser half once per process. */
export function bundleMediaPage(): Promise<string> {
  bundle ??= bundleBrowserScript(new URL('./mediaPage.browser.ts', import.meta.url));
  return bundle;
}

type Params = Record<string, unknown> & { peerId: string };

/** Each method maps to one Room call, as the real signalling handlers do. */
function dispatch(room: Room, method: string, p: Params): Promise<unknown> | unknown {
  switch (method) {
    case 'join':
      if (!room.hasPeer(p.peerId)) room.addPeer(p.peerId);
      return room.rtpCapabilities;
    case 'setRtpCapabilities':
      return room.setRtpCapabilities(p.peerId, p['rtpCapabilities'] as MediasoupTypes.RtpCapabilities);
    case 'createWebRtcTransport':
      return room.createWebRtcTransport(p.peerId, p['direction'] as TransportDirection);
    case 'connectTransport':
      return room.connectTransport(p.peerId, String(p['transportId']), p['dtlsParameters'] as MediasoupTypes.DtlsParameters);
    case 'produce':
      return room.produce(p.peerId, String(p['transportId']), {
        kind: p['kind'] as MediasoupTypes.MediaKind,
        rtpParameters: p['rtpParameters'] as MediasoupTypes.RtpParameters,
        appData: (p['appData'] ?? {}) as MediasoupTypes.AppData,
      });
    case 'listProducers':
      return room.listProducers(p.peerId);
    case 'consume':
      return room.consume(p.peerId, String(p['transportId']), String(p['producerId']));
    case 'resumeConsumer':
      return room.resumeConsumer(p.peerId, String(p['consumerId']));
    default:
      throw new Error(`unknown method ${method}`);
  }
}

async function readJson(req: IncomingMessage): Promise<{ method: string; params: Params }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as { method: string; params: Params };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

/** Serve the page on a random 127.0.0.1 port. */
export async function startMediaPageServer(room: Room): Promise<MediaPageServer> {
  const script = await bundleMediaPage();
  const calls: string[] = [];
  const html = '<!doctype html><meta charset="utf-8"><title>media</title><script type="module" src="/app.js"></script>';

  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/') return send(res, 200, 'text/html; charset=utf-8', html);
    if (req.method === 'GET' && req.url === '/app.js') return send(res, 200, 'text/javascript', script);
    if (req.method === 'POST' && req.url === '/rpc') {
      readJson(req)
        .then(async ({ method, params }) => {
          calls.push(`${params.peerId}:${method}`);
          const result = await dispatch(room, method, params);
          send(res, 200, 'application/json', JSON.stringify({ result: result ?? null }));
        })
        .catch((err: Error & { code?: string }) => {
          send(res, 400, 'application/json', JSON.stringify({ error: err.message, code: err.code }));
        });
      return;
    }
    send(res, 404, 'text/plain', 'not found');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
