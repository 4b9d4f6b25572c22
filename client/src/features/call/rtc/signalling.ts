import { io, type Socket } from 'socket.io-client';
import type { CodedError } from '@tongban/shared/errors';
import {
  RTC_NAMESPACE,
  type AckError,
  type Ack,
  type ClientEventName,
  type ClientToServerEvents,
  type RequestOf,
  type ResponseOf,
  type ServerToClientEvents,
} from '@tongban/shared/signalling/events';

/** A refused or failed signalling request, with the server's stable code and bilingual message. */
export class RtcError extends Error implements CodedError {
  readonly code: string;
  readonly message_zh: string;
  readonly message_en: string;
  constructor(e: AckError) {
    super(e.message_en);
    this.name = 'RtcError';
    this.code = e.code;
    this.message_zh = e.message_zh;
    this.message_en = e.message_en;
  }
}

export type RtcSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Signs this page in to a peer site's /rtc (the intake site of a cross-site co-review): the join
 * grant for the first handshake, then — once a join answered a rejoin key, the grant being used up —
 * that key, so reconnects after a network loss or the intake site's restart still get in.
 */
export class PeerSiteCredential {
  private rejoinKey: string | undefined;
  constructor(
    readonly siteUrl: string,
    private readonly grant: string,
  ) {}
  auth(): { grant: string } | { rejoin: string } {
    return this.rejoinKey ? { rejoin: this.rejoinKey } : { grant: this.grant };
  }
  joined(rejoinKey: string | undefined): void {
    if (rejoinKey) this.rejoinKey = rejoinKey;
  }
}

/** How a call signs in to /rtc: an applicant's session key, a peer site's credential, or (neither) this site's login cookie. */
export interface RtcSocketAuth {
  token?: string;
  peer?: PeerSiteCredential;
}

/**
 * The /rtc namespace over its own socket.io connection (separate from the app's default socket,
 * so an applicant with only a session key can use it). WebSocket first: no polling upgrade delay.
 * With `peer`, the peer site's /rtc without this site's cookie: its credential is the only one.
 */
export function openRtcSocket(opts: RtcSocketAuth = {}): RtcSocket {
  const { peer, token } = opts;
  return io(peer ? `${peer.siteUrl}${RTC_NAMESPACE}` : RTC_NAMESPACE, {
    path: '/socket.io',
    transports: ['websocket', 'polling'],
    withCredentials: !peer,
    reconnection: true,
    reconnectionDelay: 300,
    reconnectionDelayMax: 2000,
    randomizationFactor: 0.2,
    timeout: 5000,
    // A function is asked again at every reconnect, so a reconnect presents the rejoin key.
    ...(peer ? { auth: (cb: (auth: object) => void) => cb(peer.auth()) } : token ? { auth: { token } } : {}),
  });
}

const TIMEOUT = new RtcError({
  code: 'RTC_TIMEOUT',
  message_zh: '视频服务器无响应，正在重新连接',
  message_en: 'The video server did not answer; reconnecting',
});

/** One typed request/ack round trip; rejects with RtcError (code RTC_TIMEOUT when no answer). */
export function rtcRequest<E extends ClientEventName>(
  socket: RtcSocket,
  event: E,
  req: RequestOf<E>,
  timeoutMs = 6000,
): Promise<ResponseOf<E>> {
  return new Promise((resolve, reject) => {
    // socket.io cannot check an emit whose event is a type parameter; this signature ties req and ack to E.
    (socket.timeout(timeoutMs) as Socket).emit(event, req, (err: Error | null, ack: Ack<ResponseOf<E>>) => {
      if (err) reject(TIMEOUT);
      else if (ack.ok) resolve(ack.data);
      else reject(new RtcError(ack.error));
    });
  });
}
