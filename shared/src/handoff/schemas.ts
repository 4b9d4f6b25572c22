import { z } from 'zod';
import { RatingIndicatorsSchema, type AppealStatus, type RatingIndicator, type RatingIndicators } from './ratingRules';
import { freeText } from '../schemas/text';

/** REST and site-to-site contracts of the handoff feature, shared by server, client and tests. */

export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'sha256: 64 lowercase hex digits');
const courierCompany = freeText(32, { min: 2 });
const waybillNo = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9-]{6,32}$/, 'waybill: 6–32 letters, digits or dashes');

export const TRANSFER_MODES = ['courier', 'online'] as const;
export type TransferMode = (typeof TRANSFER_MODES)[number];

export const CourierHandoffRequestSchema = z.object({ courierCompany, waybillNo });
export type CourierHandoffRequest = z.infer<typeof CourierHandoffRequestSchema>;

/** A waybill as printed and as a scanner or a person types it: the same number whatever the letter case. */
export function sameWaybill(a: string, b: string): boolean {
  return a.trim().toUpperCase() === b.trim().toUpperCase();
}

/** 网上转递, and when the item's paper originals go by courier (原件需邮寄), their courier and waybill. */
export const TransferRequestSchema = z.object({ originals: CourierHandoffRequestSchema.optional() });
export type TransferRequest = z.infer<typeof TransferRequestSchema>;

/**
 * The paper envelope that follows a case by courier: in courier mode the cover sheet with the
 * paper originals; beside an online transfer, the originals the catalogue marks 原件需邮寄.
 * 待寄出 (pending) until the window records its courier and waybill, 已寄出 (mailed), 已签收
 * (received) once the handling office signs for it.
 */
export const ENVELOPE_STATUSES = ['pending', 'mailed', 'received'] as const;
export type EnvelopeStatus = (typeof ENVELOPE_STATUSES)[number];

export const ENVELOPE_STATUS_LABELS: Record<EnvelopeStatus, { zh: string; en: string }> = {
  pending: { zh: '待寄出', en: 'Not mailed yet' },
  mailed: { zh: '已寄出', en: 'Mailed' },
  received: { zh: '已签收', en: 'Received' },
};

export interface EnvelopeView {
  status: EnvelopeStatus;
  courierCompany: string | null;
  waybillNo: string | null;
  mailedAt: string | null;
  receivedAt: string | null;
  /** Who signed for it, as people read it (a display name, or the handling site's name). */
  receivedBy: string | null;
}

export const RESULT_OUTCOMES = ['approved', 'denied'] as const;
export const RESULT_DELIVERIES = ['document', 'mail'] as const;
export type ResultDelivery = (typeof RESULT_DELIVERIES)[number];

/** 办结: an uploaded result document, or a paper result mailed with a waybill number (or both). */
export const ResultRequestSchema = z
  .object({
    outcome: z.enum(RESULT_OUTCOMES),
    summary: freeText(500, { lines: 'multi' }).default(''),
    delivery: z.enum(RESULT_DELIVERIES),
    documentSha256: sha256Hex.optional(),
    courierCompany: courierCompany.optional(),
    waybillNo: waybillNo.optional(),
  })
  .refine((r) => (r.delivery === 'document' ? Boolean(r.documentSha256) : Boolean(r.courierCompany && r.waybillNo)), {
    message: 'RESULT_INVALID',
    path: ['delivery'],
  });
export type ResultRequest = z.infer<typeof ResultRequestSchema>;

/** 好差评 five-level scale, best first. The bottom two open a supervisor follow-up. */
export const RATING_LEVELS = [
  { level: 5, zh: '非常满意', en: 'Very satisfied' },
  { level: 4, zh: '满意', en: 'Satisfied' },
  { level: 3, zh: '基本满意', en: 'Fairly satisfied' },
  { level: 2, zh: '不满意', en: 'Dissatisfied' },
  { level: 1, zh: '非常不满意', en: 'Very dissatisfied' },
] as const;
export const FOLLOW_UP_BELOW = 3;
export type RatingLevel = (typeof RATING_LEVELS)[number];

/** The scale's entry for a stored level (1–5); undefined for anything else. */
export function ratingLevel(level: number): RatingLevel | undefined {
  return RATING_LEVELS.find((l) => l.level === level);
}

export const RatingRequestSchema = z.object({
  level: z.number().int().min(1).max(5),
  comment: freeText(500, { lines: 'multi' }).optional(),
  indicators: RatingIndicatorsSchema.optional(),
});
export type RatingRequest = z.infer<typeof RatingRequestSchema>;

export const FollowUpCloseSchema = z.object({ note: freeText(1000, { min: 1, lines: 'multi' }) });
export type FollowUpCloseRequest = z.infer<typeof FollowUpCloseSchema>;

/** One rating as the supervisor's ledger lists it (and as POST …/rating answers). */
export interface RatingLedgerRow {
  caseId: string;
  caseNo: string;
  itemName: string;
  level: number;
  /** The level's Chinese label (非常满意 … 非常不满意). */
  label: string;
  comment: string | null;
  channel: 'window' | 'phone';
  /** 'default': no rating came in time, so the site recorded 满意 as the rules say. */
  kind: 'applicant' | 'default';
  indicators: RatingIndicators | null;
  ratedAt: string;
  /** 追评, once. */
  appended: { comment: string; at: string } | null;
  /**
   * Opened for a rating below FOLLOW_UP_BELOW: the call-back (回访) and the rectification (整改,
   * closing it) each have a due date; `overdue` names the step that is late.
   */
  followUp: {
    id: string;
    status: 'open' | 'closed';
    note: string | null;
    callbackDue: string | null;
    calledBackAt: string | null;
    callbackNote: string | null;
    rectifyDue: string | null;
    overdue: 'callback' | 'rectify' | null;
  } | null;
  /** 申诉复核; an approved appeal takes the rating out of the figures. */
  appeal: { status: AppealStatus; reason: string; filedByName: string; decisionReason: string | null; decidedByName: string | null } | null;
}

/** GET /api/ledger/ratings: 好差评 of the user's intake office (all offices for an admin), newest first. */
export interface RatingsLedgerView {
  total: number;
  /** Count per level, keyed "1"…"5". */
  byLevel: Record<string, number>;
  /** Share of ratings at 基本满意 or better; null before the first rating. */
  satisfiedRate: number | null;
  openFollowUps: number;
  /** Open follow-ups past their call-back or rectification date. */
  overdueFollowUps: number;
  /** Per indicator: how many rated it, and the average level (null when none did). */
  byIndicator: Record<RatingIndicator, { count: number; average: number | null }>;
  /** Default ratings (no rating came in time). */
  defaults: number;
  /** Ratings removed on appeal: listed, not counted. */
  removedOnAppeal: number;
  /** Empty for clerks: the staff rated see the figures, never a row that leads to the rater. */
  ratings: RatingLedgerRow[];
  /** Appeals waiting for this user's office as the case's other (handling) office to decide. */
  appealsToDecide: RatingLedgerRow[];
}

/** Signed by the handling site and stored by the intake site (回执). */
export const TransferReceiptSchema = z.object({
  kind: z.literal('tongban.receipt.v1'),
  transferId: z.string().min(1),
  idempotencyKey: z.string().min(1),
  fromSite: z.string().min(1),
  toSite: z.string().min(1),
  caseId: z.string().min(1),
  caseNo: z.string().min(1),
  tagmanifestSha256: sha256Hex,
  bagSha256: sha256Hex,
  receivedAt: z.string().min(1),
  state: z.string().min(1),
});
export type TransferReceipt = z.infer<typeof TransferReceiptSchema>;

export const SignedEnvelopeSchema = z.object({ payload: z.unknown(), keyFingerprint: sha256Hex, signature: z.string().min(1) });

/**
 * The largest result document that goes back online: it travels base64 inside the signed result
 * message, whose size the intake site caps at RESULT_MESSAGE_MAX_BYTES. A larger one is refused
 * at upload, before the case completes (mail the paper result instead).
 */
export const RESULT_DOCUMENT_MAX_BYTES = 48 * 1024 * 1024;
export const RESULT_MESSAGE_MAX_BYTES = (RESULT_DOCUMENT_MAX_BYTES / 3) * 4 + 1024 * 1024;

/** Sent by the handling site to the intake site when the case is decided (办结送达). */
export const ResultMessageSchema = z.object({
  kind: z.literal('tongban.result.v1'),
  caseId: z.string().min(1),
  caseNo: z.string().min(1),
  fromSite: z.string().min(1),
  outcome: z.enum(RESULT_OUTCOMES),
  summary: z.string().max(500),
  delivery: z.enum(RESULT_DELIVERIES),
  courierCompany: z.string().optional(),
  waybillNo: z.string().optional(),
  document: z
    .object({ fileName: z.string().min(1).max(200), mediaType: z.string().min(1), sha256: sha256Hex, base64: z.string() })
    .optional(),
  decidedAt: z.string().min(1),
  /** When the handling office signed for the mailed originals (absent: not yet, or none were mailed). */
  originalsReceivedAt: z.string().min(1).optional(),
});
export type ResultMessage = z.infer<typeof ResultMessageSchema>;

export interface HandoffStatusView {
  /** The handling office is hosted by a peer site: the case's record reaches it only online (its paper may follow by courier). */
  handlingAtPeerSite: boolean;
  handoff: null | {
    mode: TransferMode;
    bagSha256: string;
    bagSize: number;
    tagmanifestSha256: string;
    courierCompany: string | null;
    waybillNo: string | null;
    createdAt: string;
  };
  transfer: null | {
    status: 'sent' | 'failed';
    peerSite: string;
    /** The peer site as people read it ("湖南省站点"). */
    peerSiteName: string;
    receipt: TransferReceipt | null;
    error: string | null;
    updatedAt: string;
  };
  result: null | {
    outcome: (typeof RESULT_OUTCOMES)[number];
    summary: string;
    delivery: ResultDelivery;
    documentSha256: string | null;
    courierCompany: string | null;
    waybillNo: string | null;
    decidedAt: string;
    sentAt: string | null;
    /** Where the result went: `local` decided here, `peer` received from the handling site. */
    origin: 'local' | 'peer';
  };
  rating: null | {
    level: number;
    comment: string | null;
    channel: 'window' | 'phone';
    ratedAt: string;
    /** 'default': not rated in time, recorded as 满意 by the rules. */
    kind: 'applicant' | 'default';
    /** 追评, once. */
    appended: string | null;
  };
  /** The paper envelope once the case is handed off (null: nothing travels on paper). */
  envelope: EnvelopeView | null;
  /** The catalog's 结果送达方式 for this item, so the clerk can tell the applicant. */
  resultDeliveryOptions: string[];
}

/** The cover sheet QR payload: case number + SHA-256 of tagmanifest-sha256.txt. */
const QR_PREFIX = 'TONGBAN-HANDOFF:1';

export function formatHandoffQr(caseNo: string, tagmanifestSha256: string): string {
  return `${QR_PREFIX}:${caseNo}:${tagmanifestSha256}`;
}

export function parseHandoffQr(text: string): { caseNo: string; tagmanifestSha256: string } | undefined {
  const m = /^TONGBAN-HANDOFF:1:(.+):([0-9a-f]{64})$/.exec(text.trim());
  return m ? { caseNo: m[1]!, tagmanifestSha256: m[2]! } : undefined;
}
