import { z } from 'zod';
import { freeText } from '../schemas/text';
import type { CheckStepResult, ChecklistStatus, LivenessPrompt } from './checklist';
import type { CoReviewRequest, SignedDecision } from './crossSite';
import type { SignatureFacts, SignatureView } from '../signature/signature';

/**
 * A live co-review session (视频会审) of one case: requested by the intake window, waiting in the
 * handling office's queue, accepted by a reviewer, ended by the decision.
 */
export const REVIEW_STATUSES = ['waiting', 'active', 'decided', 'cancelled'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export const REVIEW_STATUS_LABELS: Record<ReviewStatus, { zh: string; en: string }> = {
  waiting: { zh: '等待审核人员接入', en: 'Waiting for a reviewer' },
  active: { zh: '会审进行中', en: 'In session' },
  decided: { zh: '已出审查结论', en: 'Decided' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
};

/* ---------- decision (审查结论) ---------- */

export const CorrectionItemSchema = z.object({
  /** The material slot to correct (from the service item's materials list). */
  slotCode: z.string().trim().min(1).max(64),
  reason: freeText(500, { min: 1, minMessage: '请写明需要补正的原因', lines: 'multi' }),
  /** The mark (批注) on the shared materials this item was made from: the notice prints a crop of its page. */
  annotationId: z.string().min(1).max(128).optional(),
});
export type CorrectionItem = z.infer<typeof CorrectionItemSchema>;

/** The three outcomes are the case state machine's reviewer actions. */
export const DecisionRequestSchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('accept'), note: freeText(2000, { lines: 'multi' }).optional() }),
  z.object({
    outcome: z.literal('request_correction'),
    items: z.array(CorrectionItemSchema).min(1, '请至少列出一项需要补正的材料').max(50),
    note: freeText(2000, { lines: 'multi' }).optional(),
  }),
  z.object({ outcome: z.literal('reject'), reason: freeText(2000, { min: 1, minMessage: '请写明不予受理的理由', lines: 'multi' }) }),
]);
export type DecisionRequest = z.infer<typeof DecisionRequestSchema>;
export type DecisionOutcome = DecisionRequest['outcome'];

export const DECISION_LABELS: Record<DecisionOutcome, { zh: string; en: string }> = {
  accept: { zh: '受理', en: 'Accepted' },
  request_correction: { zh: '补正', en: 'Correction needed' },
  reject: { zh: '不予受理', en: 'Rejected' },
};

/** `decisionId` names the decision at both sites of a cross-site co-review (absent on decisions recorded before it existed). */
export type ReviewDecision = DecisionRequest & { decisionId?: string; decidedBy: string; decidedByName: string; decidedAt: string };

/* ---------- views ---------- */

export interface ReviewConsent {
  recordingAllowed: boolean;
  snapshotsAllowed: boolean;
  note?: string;
  recordedBy: string;
  recordedAt: string;
}

export interface ReviewSnapshotView {
  id: string;
  sha256: string;
  label: string;
  width: number;
  height: number;
  takenBy: string;
  takenAt: string;
}

/** One recording file of a session: a participant's camera + microphone, or its document camera. */
export interface ReviewRecordingView {
  id: string;
  /** Role of the participant recorded (clerk, reviewer, applicant, …). */
  role: string;
  source: 'camera' | 'document';
  /** e.g. 'video+audio'. */
  tracks: string;
  status: 'recording' | 'stored' | 'failed';
  startedAt: string;
  endedAt?: string;
  sha256?: string;
  mediaType?: string;
  size?: number;
  durationSeconds?: number;
}

export interface ReviewSessionView {
  id: string;
  caseId: string;
  caseNo: string;
  intakeOfficeId: string;
  handlingOfficeId: string;
  status: ReviewStatus;
  requestedBy: string;
  requestedAt: string;
  acceptedBy?: string;
  acceptedAt?: string;
  /** Seconds in the queue: until accepted, or until `now` while still waiting. */
  waitingSeconds: number;
  consent?: ReviewConsent;
  checks: CheckStepResult[];
  checklist: ChecklistStatus;
  liveness?: LivenessPrompt;
  snapshots: ReviewSnapshotView[];
  decision?: ReviewDecision;
  /** The call is being recorded now (consent given, session open): everyone on camera is shown so. */
  recording: boolean;
  /** Whether this site can record at all (the consent step offers recording only then). */
  recordingAvailability: RecordingAvailability;
  recordings: ReviewRecordingView[];
  /** Set when the handling office is hosted by a peer site: how the request's delivery there stands. */
  peer?: PeerDeliveryView;
  /** The case's 申请人签名 in force (signed on the phone in this call, or at the window). */
  signature?: SignatureView;
}

/**
 * The request's way to the peer site hosting the handling office: `sending` (first attempt),
 * `retrying` (the peer was unreachable or answered 5xx; tried again with backoff), `delivered`,
 * `failed` (the peer refused it: `lastError` carries its code and message).
 */
export const PEER_DELIVERY_STATES = ['sending', 'retrying', 'delivered', 'failed'] as const;
export type PeerDeliveryState = (typeof PEER_DELIVERY_STATES)[number];

export interface PeerDeliveryView {
  site: string;
  state: PeerDeliveryState;
  attempts: number;
  lastError?: { code: string; message_zh: string; message_en: string };
  nextAttemptAt?: string;
  deliveredAt?: string;
}

/**
 * Whether this site can record calls: switched on (RECORDING_ENABLED) and FFmpeg found at start.
 * The consent step offers recording only when it is available, and says why not otherwise.
 */
export type RecordingAvailability =
  { available: true; ffmpegVersion: string } | { available: false; reason: 'disabled' | 'ffmpeg_missing'; detail?: string };

/** Whether a session is recorded: only while it is open, and only with the applicant's consent. */
export function isRecorded(
  session: { status: ReviewStatus; consent?: Pick<ReviewConsent, 'recordingAllowed'> },
  recording: RecordingAvailability,
): boolean {
  return recording.available && session.status === 'active' && session.consent?.recordingAllowed === true;
}

/** One entry in the handling office's live queue. */
export interface ReviewQueueEntry {
  sessionId: string;
  caseId: string;
  caseNo: string;
  itemName: string;
  applicantName: string;
  intakeOfficeId: string;
  requestedAt: string;
  waitingSeconds: number;
  /** REVIEW_ASSIGNMENT=random: the reviewer it was assigned to (only they, or a supervisor, may take it). */
  assignedToName?: string;
  /** A request sent by another site's intake window; `caseId` is then that site's, with no case here. */
  remote?: RemoteQueueInfo;
}

/** What the handling site knows of a peer's request before accepting it (the CoReviewRequest as received). */
export interface RemoteQueueInfo {
  /** The intake site (SITE_ID) the request came from. */
  site: string;
  intakeOfficeName: string;
  intakeProvince: string;
  applicantIdMasked: string;
  precheck: CoReviewRequest['precheck'];
  materials: CoReviewRequest['materials'];
}

export const SnapshotLabelSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9_-]{1,32}$/, 'label: 1–32 lowercase letters, digits, _ or -')
  .default('snapshot');

/** What the applicant's phone gets for a one-time link. */
export interface ApplicantLink {
  url: string;
  token: string;
  expiresAt: string;
}

export const RedeemTokenRequestSchema = z.object({ token: z.string().trim().min(16).max(128) });

/** The redeemed link: a key for this session only (socket.io `auth.token`), valid while it lasts. */
export interface ApplicantPass {
  sessionId: string;
  caseNo: string;
  key: string;
  expiresAt: string;
}

/** Export for the handoff bag. */
export interface ReviewExport {
  sessionId: string;
  caseNo: string;
  acceptedBy?: string;
  acceptedAt?: string;
  consent?: ReviewConsent;
  checks: CheckStepResult[];
  decision?: ReviewDecision;
  /** Decided at a peer site (the case's handling office): its signed decision, so the bag lets that site recognise its own. */
  signedDecision?: SignedDecision;
  snapshots: ReviewSnapshotView[];
  /** Every recording of the session, whatever its status: the bag carries the stored ones and counts the rest. */
  recordings: ReviewRecordingView[];
  /** The case's signature in force: its hashes (the files are under data/signature/). */
  signature?: SignatureFacts;
}
