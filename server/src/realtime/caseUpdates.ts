import type { Server as SocketServer } from 'socket.io';
import { canViewCase } from '@tongban/shared/cases/access';
import { CASE_CHANGED_EVENT, type CaseChangedEvent } from '@tongban/shared/cases/caseEvents';
import type { CaseChange } from '../cases/caseChanges';
import type { CaseService } from '../cases/CaseService';
import type { Logger } from '../logger';
import type { SocketData } from './index';
import { officeRoom, roleRoom } from './rooms';

/**
 * Committed case changes → `case:changed` to every connected user who may see the case: sockets
 * in the rooms of its two offices (and administrators'), checked one by one with the same access
 * rule as the REST API, so a supervisor sees both sides and a reviewer at an intake office none.
 */
export function attachCaseUpdates(ctx: { cases: CaseService; log: Logger }, io: SocketServer): void {
  const push = async (change: CaseChange) => {
    const event: CaseChangedEvent = { caseId: change.caseId, state: change.state, kinds: change.kinds, byUserId: change.byUserId };
    const sockets = await io.in([officeRoom(change.intakeOfficeId), officeRoom(change.handlingOfficeId), roleRoom('admin')]).fetchSockets();
    for (const s of sockets) {
      const user = (s.data as SocketData).user;
      if (user && canViewCase(user, change)) s.emit(CASE_CHANGED_EVENT, event);
    }
  };
  ctx.cases.changes.on('changed', (change) => {
    push(change).catch((e: unknown) => ctx.log.warn({ err: e, caseId: change.caseId }, 'case update push failed'));
  });
}
