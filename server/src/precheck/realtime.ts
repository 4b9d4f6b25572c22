import type { Server as SocketServer } from 'socket.io';
import type { AppContext } from '../context';

/** Pre-check progress goes to the requesting clerk and their office (rooms joined at connection). */
export function attachPrecheckRealtime(ctx: AppContext, io: SocketServer): void {
  ctx.precheck.setNotifier((rooms, event, payload) => io.to(rooms).emit(event, payload));
}
