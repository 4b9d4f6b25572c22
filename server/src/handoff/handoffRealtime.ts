import type { Server as SocketServer } from 'socket.io';
import type { AppContext } from '../context';
import { userRoom } from '../realtime/rooms';

/** Bag build progress → socket event `handoff:progress` to the user who started it. */
export function attachHandoffRealtime(ctx: AppContext, io: SocketServer): void {
  ctx.handoff.bags.on('progress', (p) => {
    if (!p.userId) return;
    io.to(userRoom(p.userId)).emit('handoff:progress', {
      caseId: p.caseId,
      file: p.file,
      bytesDone: p.bytesDone,
      bytesTotal: p.bytesTotal,
    });
  });
}
