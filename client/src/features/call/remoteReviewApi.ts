import type { RemoteCallTicket } from '@tongban/shared/review/grantAccess';
import { api } from '../../api/client';

/**
 * 接单 of a co-review requested at a peer site: this site asks the intake site for a fresh join
 * grant for the reviewer. The ticket lives in memory only: the queue hands it to the call page it
 * opens, and a reload of that page accepts again (the same reviewer gets a new grant).
 */
const handedOver = new Map<string, RemoteCallTicket>();

export async function acceptRemote(sessionId: string): Promise<RemoteCallTicket> {
  const ticket = await api.post<RemoteCallTicket>(`/api/review/remote/${encodeURIComponent(sessionId)}/accept`);
  handedOver.set(sessionId, ticket);
  return ticket;
}

/** The ticket the queue just got for this session (once), else a new accept. */
export function ticketFor(sessionId: string): Promise<RemoteCallTicket> {
  const ticket = handedOver.get(sessionId);
  handedOver.delete(sessionId);
  return ticket ? Promise.resolve(ticket) : acceptRemote(sessionId).finally(() => handedOver.delete(sessionId));
}
