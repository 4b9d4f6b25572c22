import type { Namespace, Server as SocketServer, Socket } from 'socket.io';
import type { AuthService } from '../auth/AuthService';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { parseCookies, SESSION_COOKIE } from '../api/http';

type Next = (err?: Error) => void;

/**
 * A namespace middleware (`nsp.use`) that cannot end the process: socket.io runs middlewares
 * inside the engine's packet handling, where a throw is an uncaught exception. A bug refuses that
 * one handshake with INTERNAL (unless it already answered) and is logged.
 */
export function safeMiddleware<S extends Socket>(log: Logger, fn: (socket: S, next: Next) => void): (socket: S, next: Next) => void {
  return (socket, next) => {
    let answered = false;
    try {
      fn(socket, (err) => {
        answered = true;
        next(err);
      });
    } catch (err) {
      log.error({ err, namespace: socket.nsp.name }, 'socket middleware failed');
      if (!answered) next(new Error('INTERNAL'));
    }
  };
}

/** setTimeout's longest delay; a session lasting longer is checked again when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * For every namespace (now and created later): middlewares that cannot throw, an `error` listener
 * per socket, and the sockets of a login session — those whose handshake carried its cookie —
 * disconnected when the session ends by logout or expiry, so a browser that logged out stops
 * hearing events.
 */
export function guardSockets(ctx: { auth: AuthService; clock: Clock; log: Logger }, io: SocketServer): void {
  const bySession = new Map<string, Set<Socket>>();

  const track = (socket: Socket) => {
    socket.on('error', (err) => ctx.log.warn({ err, namespace: socket.nsp.name, socketId: socket.id }, 'socket error'));
    const session = ctx.auth.session(parseCookies(socket.handshake.headers.cookie)[SESSION_COOKIE]);
    if (!session) return;
    const set = bySession.get(session.key) ?? new Set<Socket>();
    bySession.set(session.key, set.add(socket));
    let timer: NodeJS.Timeout | undefined;
    const expireLater = () => {
      const left = Date.parse(session.expiresAt) - ctx.clock.now().getTime();
      if (left <= 0) return void socket.disconnect(true);
      timer = setTimeout(expireLater, Math.min(left, MAX_TIMER_MS));
      timer.unref();
    };
    expireLater();
    socket.once('disconnect', () => {
      clearTimeout(timer);
      set.delete(socket);
      if (set.size === 0 && bySession.get(session.key) === set) bySession.delete(session.key);
    });
  };

  ctx.auth.onSessionEnded((key) => {
    // `true` closes the whole connection (every namespace); the client is told, and does not reconnect.
    for (const socket of bySession.get(key) ?? []) socket.disconnect(true);
  });
  const guard = (nsp: Namespace) => {
    // Whoever adds a middleware to this namespace (now or in a feature module), it runs through safeMiddleware.
    const use = nsp.use.bind(nsp);
    nsp.use = (fn) => use(safeMiddleware(ctx.log, fn));
    nsp.on('connection', (socket) => {
      try {
        track(socket);
      } catch (err) {
        ctx.log.error({ err, namespace: nsp.name }, 'socket session tracking failed');
        socket.disconnect(true);
      }
    });
  };
  guard(io.of('/'));
  io.on('new_namespace', guard);
}
