import type { IncomingMessage } from 'node:http';
import express, { type RequestHandler } from 'express';
import { AppError } from '@tongban/shared';
import type { Config } from '../config/config';

/**
 * Request defences in front of the API and socket.io: who may send state-changing requests, what
 * bodies they may carry, and the headers that keep pages of this site out of other sites' frames.
 */

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * True when the browser page behind `req` (its `Origin`) may change state here or open a socket:
 * a page of this site — the host the request was made to, or PUBLIC_URL — or one of ALLOWED_ORIGINS.
 * Without `Origin` the caller is not a cross-site browser page (CLI, peer site, tests) and is allowed.
 * The scheme is not compared: a page of another site cannot reach this host:port over another scheme.
 */
export function createOriginCheck(config: Pick<Config, 'PUBLIC_URL' | 'ALLOWED_ORIGINS'>): (req: IncomingMessage) => boolean {
  const allowed = new Set(config.ALLOWED_ORIGINS);
  if (config.PUBLIC_URL) allowed.add(new URL(config.PUBLIC_URL).origin);
  return (req) => {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    if (allowed.has(origin)) return true;
    const page = URL.canParse(origin) ? new URL(origin) : undefined; // `null` from sandboxed frames and file: pages
    const host = req.headers.host;
    if (!page || !host || !URL.canParse(`${page.protocol}//${host}`)) return false;
    return new URL(`${page.protocol}//${host}`).host === page.host;
  };
}

/**
 * The origins of the peer sites' pages (PEER_SITES), by site id. Their pages are not this site's:
 * they may open the call and read its materials only with a join grant, never with a login here.
 */
export function peerOrigins(config: Pick<Config, 'PEER_SITES'>): ReadonlyMap<string, string> {
  return new Map(config.PEER_SITES.map((p) => [new URL(p.url).origin, p.id]));
}

/**
 * The routes a peer site's page may send state-changing requests to: the join grant's (under
 * /api/sites/grant/), where the grant in the Authorization header is the only credential.
 */
export function peerPagesAllowed(config: Pick<Config, 'PEER_SITES'>): (req: IncomingMessage & { path?: string }) => boolean {
  const peers = peerOrigins(config);
  return (req) => req.headers.origin !== undefined && peers.has(req.headers.origin) && (req.path ?? '').startsWith('/sites/grant/');
}

/** Refuses state-changing requests from another site's pages (SameSite=Lax does not separate ports of one host). */
export function refuseForeignOrigins(isAllowed: (req: IncomingMessage) => boolean): RequestHandler {
  return (req, _res, next) => {
    if (!STATE_CHANGING.has(req.method) || isAllowed(req)) return next();
    next(new AppError('ORIGIN_FORBIDDEN', { details: { origin: req.headers.origin } }));
  };
}

/**
 * The API routes (under /api) whose body is not JSON; each parses and checks its own body:
 * scan uploads and the result document (multipart), review snapshots (image bytes) and the signed
 * site-to-site messages (a zip, a signed result, co-review requests), whose bytes the signature covers.
 */
const NON_JSON_ROUTES: readonly RegExp[] = [
  /^\/cases\/[^/]+\/materials\/[^/]+$/,
  /^\/cases\/[^/]+\/handoff\/result\/document$/,
  /^\/review\/sessions\/[^/]+\/snapshots$/,
  /^\/transfers(\/results)?$/,
  /^\/sites\/co-reviews(\/withdrawals|\/decisions)?$/,
  /^\/sites\/join-grants$/,
  /^\/sites\/grant\/snapshots$/,
];

/**
 * State-changing API requests carry JSON or nothing, so an HTML form (urlencoded, multipart,
 * text/plain — the bodies a page may send cross-site without asking) never reaches a JSON route.
 */
export const requireJsonBodies: RequestHandler = (req, _res, next) => {
  if (!STATE_CHANGING.has(req.method) || (req.method === 'POST' && NON_JSON_ROUTES.some((p) => p.test(req.path)))) return next();
  const type = req.headers['content-type'];
  const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';
  if (type === undefined ? !hasBody : mediaType(type) === 'application/json') return next();
  next(new AppError('REQUEST_NOT_JSON', { details: { contentType: type ?? null } }));
};

const mediaType = (header: string) => header.split(';')[0]!.trim().toLowerCase();

/** express.json, with a body over the limit answered as REQUEST_BODY_TOO_LARGE (not as a file upload). */
export function jsonBody(limitBytes: number): RequestHandler {
  const parse = express.json({ limit: limitBytes });
  return (req, res, next) =>
    parse(req, res, (err?: unknown) => {
      if ((err as { type?: unknown } | undefined)?.type === 'entity.too.large') {
        next(new AppError('REQUEST_BODY_TOO_LARGE', { details: { limitBytes } }));
      } else next(err);
    });
}

/**
 * What the built client needs and nothing more: its own scripts, styles and API (and socket.io over
 * ws/wss on the same host), images from the API plus data: (QR codes) and blob: (ID photo, a peer
 * site's pages read with a join grant), media from the camera (MediaStream objects are not URLs and
 * need no source) or blob:. No frames, no plugins. A peer site's reviewer joins calls and reads
 * materials at the intake site (PEER_SITES): its origins, over HTTP(S) and WS(S), are the only others.
 */
export function contentSecurityPolicy(config: Pick<Config, 'PEER_SITES'>): string {
  const peers = [...peerOrigins(config).keys()];
  const sockets = peers.map((o) => o.replace(/^http/, 'ws'));
  const list = (...sources: string[]) => sources.join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${list("'self'", 'data:', 'blob:', ...peers)}`,
    "media-src 'self' blob: mediastream:",
    "font-src 'self' data:",
    `connect-src ${list("'self'", ...peers, ...sockets)}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Security headers on every response; HSTS only on HTTPS (directly or through a trusted proxy). */
export function securityHeaders(config: Pick<Config, 'PEER_SITES'>): RequestHandler {
  const csp = contentSecurityPolicy(config);
  return (req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('Content-Security-Policy', csp);
    res.setHeader('X-Frame-Options', 'DENY');
    if (req.secure) res.setHeader('Strict-Transport-Security', 'max-age=15552000');
    next();
  };
}
