import type * as Browser from 'mediasoup-client/types';
import type * as Sfu from 'mediasoup/types';
import { z } from 'zod';
import type { CodedError } from '../errors';
import { AddAnnotationSchema, RemoveAnnotationSchema, type AnnotationView } from '../annotations/annotations';
import { ConsentRequestSchema } from '../review/checklist';
import type { ReviewQueueEntry, ReviewSessionView } from '../review/session';
import { PhoneSignatureRequestSchema, type DeclarationView, type SignatureView } from '../signature/signature';

/**
 * The socket.io signalling contract of namespace `/rtc`, declared once for server and client.
 *
 * Client → server events carry one payload validated by the zod schema below and an ack
 * callback answered with `Ack<Response>`. Server → client events are plain notifications.
 * mediasoup's own structures (RTP capabilities, RTP/DTLS/ICE parameters) carry the types of
 * mediasoup-client (what the browser sends and takes) and of the mediasoup server (what a parsed
 * request hands to the SFU). They are checked here only as JSON objects; mediasoup validates them
 * in depth and its errors come back as RTC_REQUEST_FAILED.
 */

export const RTC_NAMESPACE = '/rtc';

/** A refused request: the coded error without its details. */
export type AckError = Omit<CodedError, 'details'>;
export type Ack<T> = { ok: true; data: T } | { ok: false; error: AckError };

const id = z.string().min(1).max(128);

/**
 * A mediasoup structure from the browser: checked as a JSON object only (see above), typed as
 * mediasoup-client sends it and as the mediasoup server takes it. The two describe the same JSON;
 * the server's types just know fewer header extensions than the client's.
 */
const mediasoupJson = <Sent, Taken>() => z.record(z.string(), z.unknown()) as unknown as z.ZodType<Taken, Sent>;
const rtpCapabilities = mediasoupJson<Browser.RtpCapabilities, Sfu.RtpCapabilities>();
const dtlsParameters = mediasoupJson<Browser.DtlsParameters, Sfu.DtlsParameters>();

export const MEDIA_SOURCES = ['camera', 'microphone', 'document'] as const;
export type MediaSource = (typeof MEDIA_SOURCES)[number];

export type PeerRole = 'clerk' | 'reviewer' | 'supervisor' | 'admin' | 'applicant';

export interface PeerView {
  peerId: string;
  role: PeerRole;
  displayName: string;
}

/** A video track's capture size at its source: what a full-resolution frame of it measures. */
export const CaptureSizeSchema = z.object({ width: z.number().int().min(1).max(16_384), height: z.number().int().min(1).max(16_384) });
export type CaptureSize = z.infer<typeof CaptureSizeSchema>;

export interface RemoteProducer {
  producerId: string;
  peerId: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  paused: boolean;
}

/** What mediasoup-client's `device.createSendTransport/createRecvTransport` take. */
export type TransportOptions = Pick<Browser.TransportOptions, 'id' | 'iceParameters' | 'iceCandidates' | 'dtlsParameters'>;

/** What mediasoup-client's `transport.consume` takes (plus who sends it). */
export interface ConsumerOptions {
  id: string;
  producerId: string;
  peerId: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  /** The video's capture size at its sender (the simulcast layer received now may be smaller). */
  captureSize?: CaptureSize;
  rtpParameters: Browser.RtpParameters;
  producerPaused: boolean;
}

/** Shared materials viewer: what the clerk and the reviewer both see. */
export const ViewerStateSchema = z.object({
  materialId: z.string().max(128).nullable(),
  page: z.number().int().min(1).max(10_000),
  zoom: z.number().min(0.25).max(8),
  /** Pointer in page coordinates 0..1, or null when the pointer left the page. */
  pointer: z.object({ x: z.number().min(0).max(1), y: z.number().min(0).max(1) }).nullable(),
});
export type ViewerState = z.infer<typeof ViewerStateSchema>;

export interface JoinResponse {
  peerId: string;
  role: PeerRole;
  routerRtpCapabilities: Browser.RtpCapabilities;
  /** Created in the same round trip as the join so the client can overlap device loading with them. */
  sendTransport: TransportOptions | null;
  recvTransport: TransportOptions;
  /**
   * Both transports were connected with the join's `dtlsParameters`: the client answers its
   * transports' `connect` at once (when its fingerprints are those it sent) instead of asking.
   */
  transportsConnected: boolean;
  producers: RemoteProducer[];
  /**
   * When the join carried `rtpCapabilities` (a Device loaded ahead from cached router
   * capabilities): consumers of the `producers` this browser can decode, made in the same round
   * trip and already resumed. The client consumes the rest of `producers` by asking.
   */
  consumers: ConsumerOptions[];
  peers: PeerView[];
  viewer: (ViewerState & { by: string }) | null;
  /** The marks drawn on the session's materials so far (empty for the /check self-test): a rejoin shows them again. */
  annotations: AnnotationView[];
  /** Which of them this participant drew (they may take those back). */
  ownAnnotationIds: string[];
  /** Null for the /check self-test room. */
  session: ReviewSessionView | null;
  /**
   * A peer site's reviewer only: their join grant is used up by the first join, so a reconnect of
   * this call hands this key to the handshake (`auth: { rejoin }`) instead.
   */
  rejoinKey?: string;
}

/** Phantom carrier so each entry names its response type next to its request schema. */
interface EventDef<Req extends z.ZodType, Res> {
  request: Req;
  response?: Res;
}
const def =
  <Res>() =>
  <Req extends z.ZodType>(request: Req): EventDef<Req, Res> => ({ request });

const Empty = z.object({}).strict();
const ConsumerRef = z.object({ consumerId: id });
const ProducerRef = z.object({ producerId: id });
/** What either kind of join says of the joining browser. */
const JoinMedia = { clientId: id, rtpCapabilities: rtpCapabilities.optional(), dtlsParameters: dtlsParameters.optional() };

export const CLIENT_EVENTS = {
  /**
   * Join a case session's room (or, with `selfTest`, a private loopback room for /check).
   * `clientId` is random per tab: a rejoin after a network loss replaces the stale peer.
   * `dtlsParameters` (the browser's DTLS certificate, known before its transports exist): the
   * server connects the new transports with them, saving the connect round trip of each.
   * `rtpCapabilities` (what the browser can decode): the server consumes the room's producers
   * in the join too, saving the setRtpCapabilities and consume round trips.
   */
  'rtc:join': def<JoinResponse>()(
    z.union([
      z.object({ sessionId: id, produce: z.boolean().default(true), ...JoinMedia }),
      z.object({ selfTest: z.literal(true), ...JoinMedia }),
    ]),
  ),
  'rtc:setRtpCapabilities': def<Record<string, never>>()(z.object({ rtpCapabilities })),
  'rtc:createTransport': def<TransportOptions>()(z.object({ direction: z.enum(['send', 'recv']) })),
  'rtc:connectTransport': def<Record<string, never>>()(z.object({ transportId: id, dtlsParameters })),
  'rtc:restartIce': def<{ iceParameters: Browser.IceParameters }>()(z.object({ transportId: id })),
  'rtc:produce': def<{ producerId: string }>()(
    z.object({
      transportId: id,
      kind: z.enum(['audio', 'video']),
      rtpParameters: mediasoupJson<Browser.RtpParameters, Sfu.RtpParameters>(),
      source: z.enum(MEDIA_SOURCES),
      captureSize: CaptureSizeSchema.optional(),
    }),
  ),
  'rtc:closeProducer': def<Record<string, never>>()(ProducerRef),
  'rtc:pauseProducer': def<Record<string, never>>()(ProducerRef),
  'rtc:resumeProducer': def<Record<string, never>>()(ProducerRef),
  /**
   * Consume a producer. With `resume`, the server resumes at once: before the transport is
   * connected nothing flows anyway, and mediasoup asks for a key frame when it connects —
   * which saves the resume round trip on the join path.
   */
  'rtc:consume': def<ConsumerOptions>()(z.object({ transportId: id, producerId: id, resume: z.boolean().default(false) })),
  'rtc:resumeConsumer': def<Record<string, never>>()(ConsumerRef),
  'rtc:pauseConsumer': def<Record<string, never>>()(ConsumerRef),
  'rtc:setPreferredLayers': def<Record<string, never>>()(
    ConsumerRef.extend({ spatialLayer: z.number().int().min(0).max(2), temporalLayer: z.number().int().min(0).max(2).optional() }),
  ),
  'rtc:requestKeyFrame': def<Record<string, never>>()(ConsumerRef),
  'rtc:leave': def<Record<string, never>>()(Empty),
  'viewer:update': def<Record<string, never>>()(ViewerStateSchema),
  /** A mark on a page of the shared materials: stored (one audit event), then 'annot:added' to everyone in the call. */
  'annot:add': def<AnnotationView>()(AddAnnotationSchema),
  /** Removes one's own mark: 'annot:removed' to everyone in the call. */
  'annot:remove': def<Record<string, never>>()(RemoveAnnotationSchema),
  /** The applicant answers the consent question on their own phone; the session comes back as 'review:updated'. */
  'review:consent': def<Record<string, never>>()(ConsentRequestSchema.strict()),
  /** The applicant's phone: the declaration (申请人承诺) to read and sign now. */
  'review:declaration': def<DeclarationView>()(Empty),
  /** The applicant signs it on their phone; the session comes back as 'review:updated' with the signature. */
  'review:sign': def<SignatureView>()(PhoneSignatureRequestSchema),
  /** Reviewers and supervisors of a handling office: current queue, then live 'queue:changed'. */
  'queue:subscribe': def<ReviewQueueEntry[]>()(Empty),
} as const;

export type ClientEventName = keyof typeof CLIENT_EVENTS;
export type RequestOf<E extends ClientEventName> = z.input<(typeof CLIENT_EVENTS)[E]['request']>;
export type ParsedRequestOf<E extends ClientEventName> = z.output<(typeof CLIENT_EVENTS)[E]['request']>;
export type ResponseOf<E extends ClientEventName> = NonNullable<(typeof CLIENT_EVENTS)[E]['response']>;

export interface ServerEvents {
  'rtc:newProducer': RemoteProducer;
  'rtc:producerClosed': { producerId: string; peerId: string };
  'rtc:producerPaused': { producerId: string; peerId: string };
  'rtc:producerResumed': { producerId: string; peerId: string };
  'rtc:consumerClosed': { consumerId: string; producerId: string };
  /** The SFU's score of this consumer's downlink (`score`) and of its producer's uplink, 0–10 (10 = perfect). */
  'rtc:consumerScore': { consumerId: string; producerId: string; score: number; producerScore: number };
  'rtc:transportClosed': { transportId: string };
  'rtc:peerJoined': PeerView;
  'rtc:peerLeft': { peerId: string };
  /** The room is gone (its SFU worker died): rejoin, a new room is made on a live worker. */
  'rtc:roomReset': { reason: 'worker-died' | 'closed' };
  'viewer:state': ViewerState & { by: string };
  'annot:added': AnnotationView;
  'annot:removed': { annotationId: string };
  /** Consent, checklist, snapshots or decision changed. The decision reaches the clerk this way. */
  'review:updated': ReviewSessionView;
  'queue:changed': ReviewQueueEntry[];
}

/** socket.io typings derived from the map (used as Socket<ServerToClient, ClientToServer>). */
export type ClientToServerEvents = {
  [E in ClientEventName]: (req: RequestOf<E>, ack: (res: Ack<ResponseOf<E>>) => void) => void;
};
export type ServerToClientEvents = { [E in keyof ServerEvents]: (payload: ServerEvents[E]) => void };
