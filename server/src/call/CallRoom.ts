import type { EventEmitter } from 'node:events';
import type { Room, RoomCloseReason } from '@tongban/sfu';
import type { PeerView, ViewerState } from '@tongban/shared/signalling/events';
import { callId, type CallKey } from './callKey';

/** What the call module tells the rest of the server (recording follows `callStarted`). */
export interface CallEvents {
  /** A call's SFU room was made: on its first join, or again after its worker died. */
  callStarted: [{ key: CallKey; room: Room }];
  /** The room closed: emptied, or its worker died (then its members rejoin and a new call starts). */
  callEnded: [{ key: CallKey; reason: RoomCloseReason }];
  memberJoined: [{ key: CallKey; member: PeerView }];
  memberLeft: [{ key: CallKey; peerId: string }];
}

/** A member of a call: its peer id is its `/rtc` socket id. */
export interface CallMember {
  view: PeerView;
  /** The browser tab's id: a rejoin from the same tab replaces the old socket. */
  clientId: string;
}

/**
 * One live call: its SFU room, who is in it (by peer id) and the shared document view. Made by
 * CallRegistry with the room and dropped with it, so nothing of a dead room's call carries over.
 */
export class CallRoom {
  readonly id: string;
  /** The document view the reviewer last shared, and by whom: a late joiner starts from it. */
  viewer: (ViewerState & { by: string }) | undefined;
  private readonly members = new Map<string, CallMember>();

  constructor(
    readonly key: CallKey,
    readonly room: Room,
    private readonly events: EventEmitter<CallEvents>,
  ) {
    this.id = callId(key);
  }

  member(peerId: string): CallMember | undefined {
    return this.members.get(peerId);
  }

  /** Peer ids of the members that joined from the tab `clientId`. */
  peersOfClient(clientId: string): string[] {
    return [...this.members].flatMap(([peerId, m]) => (m.clientId === clientId ? [peerId] : []));
  }

  peerIds(): string[] {
    return [...this.members.keys()];
  }

  views(): PeerView[] {
    return [...this.members.values()].map((m) => m.view);
  }

  add(member: CallMember): void {
    this.members.set(member.view.peerId, member);
    this.events.emit('memberJoined', { key: this.key, member: member.view });
  }

  remove(peerId: string): void {
    if (this.members.delete(peerId)) this.events.emit('memberLeft', { key: this.key, peerId });
  }
}
