import type { Server as SocketServer } from 'socket.io';
import type { HandoffService } from './HandoffService';
import { userRoom } from '../realtime/rooms';

/** Bag build progress → socket event `handoff:progress` to the user who started it. */
export function attachHandoffRealtime(bags: HandoffService, io: SocketServer): void {
  bags.on('progress', (p) => {
    if (!p.userId) return;
    io.to(userRoom(p.userId)).emit('handoff:progress', {
      caseId: p.caseId,
      file: p.file,
      bytesDone: p.bytesDone,
      bytesTotal: p.bytesTotal,
    });
  });
}
