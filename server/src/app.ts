import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import express from 'express';
import { Server as SocketServer } from 'socket.io';
import { AppError } from '@tongban/shared';
import type { AppContext } from './context';
import { errorMiddleware, parseCookies, SESSION_COOKIE } from './api/http';
import {
  createOriginCheck,
  jsonBody,
  peerOrigins,
  peerPagesAllowed,
  refuseForeignOrigins,
  requireJsonBodies,
  securityHeaders,
} from './api/guards';
import { createApiRouter } from './api';
import { attachRealtime } from './realtime';

export interface RunningApp {
  server: http.Server | https.Server;
  io: SocketServer;
  url: string;
  close(): Promise<void>;
}

/** Builds the Express app and socket.io on one HTTP(S) server, serving the built client. */
export function createHttpApp(ctx: AppContext, tls?: { cert: Buffer; key: Buffer }) {
  const app = express();
  app.disable('x-powered-by');
  // req.ip (login rate limit) and req.secure (HSTS) believe X-Forwarded-* only from configured proxies.
  app.set('trust proxy', ctx.config.TRUST_PROXY);
  app.use(securityHeaders(ctx.config));
  const originAllowed = createOriginCheck(ctx.config);
  const peerPage = peerPagesAllowed(ctx.config);
  app.use(
    '/api',
    refuseForeignOrigins((req) => originAllowed(req) || peerPage(req)),
    requireJsonBodies,
  );

  // Session cookie → req.user, for every API call.
  app.use('/api', (req, _res, next) => {
    const token = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    const user = ctx.auth.userForToken(token);
    if (user) {
      req.user = user;
      req.sessionToken = token;
    }
    next();
  });
  app.use('/api', jsonBody(1024 * 1024));
  app.use('/api', createApiRouter(ctx));
  app.use('/api', (req, _res, next) => next(new AppError('NOT_FOUND', { details: { path: req.path } })));

  const clientDist = path.join(ctx.config.repoRoot, 'client', 'dist');
  if (fs.existsSync(path.join(clientDist, 'index.html'))) {
    app.use(express.static(clientDist, { index: false, maxAge: '1h' }));
    // Client-side routes (/desk, /case/..., /check, /join/...) all load the single page.
    app.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res) => res.sendFile(path.join(clientDist, 'index.html')));
  }
  app.use(errorMiddleware(ctx.log));

  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, app) : http.createServer(app);
  const peerPages = peerOrigins(ctx.config);
  const io = new SocketServer(server, {
    serveClient: false,
    maxHttpBufferSize: 1e6,
    // A peer site's page (its reviewer joining a call here with a grant) polls cross-origin: CORS for those pages only, no credentials.
    ...(peerPages.size > 0 ? { cors: { origin: [...peerPages.keys()] } } : {}),
    // Every namespace's handshake: a websocket from another site's page would carry the user's cookie.
    // Peer sites' pages pass here; only /rtc then lets them in, and only with a join grant.
    allowRequest: (req, answer) => {
      const ok = originAllowed(req) || peerPages.has(req.headers.origin ?? '');
      answer(ok ? null : 'ORIGIN_FORBIDDEN', ok);
    },
  });
  attachRealtime(ctx, io);
  return { app, server, io };
}

export async function listen(ctx: AppContext, tls?: { cert: Buffer; key: Buffer }): Promise<RunningApp> {
  const { server, io } = createHttpApp(ctx, tls);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(ctx.config.PORT, ctx.config.HOST, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : ctx.config.PORT;
  const host = ctx.config.HOST === '0.0.0.0' || ctx.config.HOST === '::' ? '127.0.0.1' : ctx.config.HOST;
  const url = ctx.config.PUBLIC_URL ?? `${tls ? 'https' : 'http'}://${host}:${port}`;
  return {
    server,
    io,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        void io.close();
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}
