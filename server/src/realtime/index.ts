import type { Server as SocketServer, Socket } from 'socket.io';
import type { AppContext } from '../context';
import { parseCookies, SESSION_COOKIE } from '../api/http';
import { createOriginCheck } from '../api/guards';
import type { SessionUser } from '../auth/AuthService';
import { officeRoom, roleRoom, userRoom } from './rooms';
import { guardSockets } from './socketGuards';

export interface SocketData {
  user?: SessionUser;
}
export type AppSocket = Socket<Record<string, never>, Record<string, never>, Record<string, never>, SocketData>;

/**
 * socket.io namespaces. The login session authenticates the default namespace the same way as
 * the REST API; feature namespaces (signalling, job progress) attach here.
 */
export function attachRealtime(ctx: AppContext, io: SocketServer): void {
  // First: every namespace's middlewares and sockets are guarded from here on (see socketGuards).
  guardSockets(ctx, io);
  const ownOrigin = createOriginCheck(ctx.config);
  io.use((socket, next) => {
    // A peer site's page, let through the handshake for /rtc with a join grant, gets nothing else here.
    if (!ownOrigin(socket.request)) return next(new Error('ORIGIN_FORBIDDEN'));
    const token = parseCookies(socket.handshake.headers.cookie)[SESSION_COOKIE];
    const user = ctx.auth.userForToken(token);
    if (!user) return next(new Error('AUTH_REQUIRED'));
    (socket.data as SocketData).user = user;
    next();
  });
  io.on('connection', (socket) => {
    const user = (socket.data as SocketData).user!;
    // Rooms per office, role and user let services push queue, progress and case updates.
    void socket.join([officeRoom(user.officeId), roleRoom(user.role), userRoom(user.id)]);
  });
  for (const feature of ctx.features) feature.realtime?.(io);
}
