import { EventEmitter } from 'node:events';
import { callId, type CallKey } from './callKey';
import { CallRoom, type CallEvents } from './CallRoom';
import type { SfuService } from './sfuService';

/**
 * The live calls by key. A call's room is made on first use on the least loaded worker; a call
 * whose room closed is forgotten (a worker died: its members rejoin, which makes a new call on a
 * live worker).
 */
export class CallRegistry {
  readonly events = new EventEmitter<CallEvents>();
  private readonly calls = new Map<string, Promise<CallRoom>>();
  /** The same calls once their room is made, to see synchronously whether one has closed. */
  private readonly live = new Map<string, CallRoom>();

  constructor(private readonly sfu: SfuService) {}

  /** The call for `key`, made if it does not exist. */
  open(key: CallKey): Promise<CallRoom> {
    const id = callId(key);
    if (this.live.get(id)?.room.closed) this.forget(id);
    let call = this.calls.get(id);
    if (!call) {
      call = this.create(key);
      this.calls.set(id, call);
      call.catch(() => this.forget(id));
    }
    return call;
  }

  /** The call if its room is made and open. */
  get(key: CallKey): CallRoom | undefined {
    const call = this.live.get(callId(key));
    return call && !call.room.closed ? call : undefined;
  }

  /**
   * Closes the call's room if nobody is in it any more (frees its router). Synchronous on purpose:
   * the key is forgotten before anything else runs, so a join right after (a lone peer rejoining)
   * makes a fresh room instead of getting this one as it closes (SFU_ROOM_CLOSED).
   */
  closeIfEmpty(call: CallRoom): void {
    if (this.live.get(call.id) !== call || call.room.closed || call.room.peerIds().length > 0) return;
    this.forget(call.id);
    call.room.close();
  }

  /** Forgets every call (the SFU closing closes their rooms). */
  close(): void {
    this.calls.clear();
    this.live.clear();
  }

  private forget(id: string): void {
    this.calls.delete(id);
    this.live.delete(id);
  }

  private async create(key: CallKey): Promise<CallRoom> {
    const room = await this.sfu.createRoom(callId(key));
    const call = new CallRoom(key, room, this.events);
    this.live.set(call.id, call);
    room.on('close', ({ reason }) => {
      // Only forget the call if the map still points at this one (a rejoin may have made a new one).
      if (this.live.get(call.id) === call) this.forget(call.id);
      this.events.emit('callEnded', { key, reason });
    });
    this.events.emit('callStarted', { key, room });
    return call;
  }
}
