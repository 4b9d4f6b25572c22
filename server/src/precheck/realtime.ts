import type { Server as SocketServer } from 'socket.io';
import type { PrecheckService } from './PrecheckService';

/** Pre-check progress goes to the requesting clerk and their office (rooms joined at connection). */
export function attachPrecheckRealtime(precheck: PrecheckService, io: SocketServer): void {
  precheck.setNotifier((rooms, event, payload) => io.to(rooms).emit(event, payload));
}
