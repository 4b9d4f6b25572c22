import { z } from 'zod';
import { IDENTITY_STEPS, LIVENESS_KINDS } from '../review/checklist';
import { SignedDecisionSchema } from '../review/crossSite';
import { DecisionRequestSchema } from '../review/session';
import type { HandoffStatusView } from './schemas';
import { SIGNATURE_CHANNELS } from '../signature/signature';

/**
 * What the handling site shows of the review evidence that came in a transfer bag: the transfer
 * itself and data/review/review.json as the intake site wrote it (see server/src/handoff/evidence.ts),
 * plus a short summary of data/precheck/precheck.json. The bag stays the record; this is a reading of it.
 */

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
/** A file next to review.json, relative to data/review/ (`snapshots/01-….jpg`, `recordings/01-….webm`). */
const reviewFile = z.string().regex(/^(snapshots|recordings)\/[A-Za-z0-9_.-]+$/);

const CheckStepSchema = z.object({
  step: z.enum(IDENTITY_STEPS),
  passed: z.boolean(),
  note: z.string(),
  checkedBy: z.string(),
  checkedAt: z.string(),
  prompt: z.looseObject({ kind: z.enum(LIVENESS_KINDS), textZh: z.string(), textEn: z.string() }).optional(),
});

const DecisionSchema = z.intersection(
  DecisionRequestSchema,
  // decisionId: the same at both sites of a cross-site co-review (absent in bags of older versions).
  z.object({ decisionId: z.string().optional(), decidedBy: z.string(), decidedByName: z.string(), decidedAt: z.string() }),
);

const SnapshotFileSchema = z.object({
  id: z.string(),
  sha256: sha256Hex,
  label: z.string(),
  width: z.number(),
  height: z.number(),
  takenBy: z.string(),
  takenAt: z.string(),
  file: reviewFile,
  size: z.number().int().nonnegative(),
});

const RecordingFileSchema = z.object({
  id: z.string(),
  role: z.string(),
  source: z.enum(['camera', 'document']),
  tracks: z.string(),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  sha256: sha256Hex,
  mediaType: z.string().optional(),
  durationSeconds: z.number().optional(),
  file: reviewFile,
  size: z.number().int().nonnegative(),
});

/** data/review/review.json of a case bag. */
export const BagReviewSchema = z.object({
  sessionId: z.string(),
  caseNo: z.string(),
  acceptedBy: z.string().optional(),
  acceptedAt: z.string().optional(),
  consent: z
    .object({
      recordingAllowed: z.boolean(),
      snapshotsAllowed: z.boolean(),
      note: z.string().optional(),
      recordedBy: z.string(),
      recordedAt: z.string(),
    })
    .optional(),
  checks: z.array(CheckStepSchema),
  decision: DecisionSchema.optional(),
  /** A decision taken at the handling site (cross-site co-review): as that site signed it, so it can check it is its own. */
  signedDecision: SignedDecisionSchema.optional(),
  snapshots: z.array(SnapshotFileSchema),
  recordings: z.array(RecordingFileSchema),
  /** Recordings that failed, or were still being written when the bag was built: evidence that did not travel. */
  recordingsFailed: z.number().int().optional(),
  recordingsUnfinished: z.number().int().optional(),
  /** 申请人签名: the hashes of the text signed and of the image (both under data/signature/). */
  signature: z
    .object({ textSha256: sha256Hex, imageSha256: sha256Hex, signedAt: z.string(), channel: z.enum(SIGNATURE_CHANNELS) })
    .optional(),
});
export type BagReview = z.infer<typeof BagReviewSchema>;
export type BagReviewSnapshot = z.infer<typeof SnapshotFileSchema>;
export type BagReviewRecording = z.infer<typeof RecordingFileSchema>;

/** One scanned material's pre-check outcome, as the intake site's pre-check left it. */
export const PrecheckMaterialSummarySchema = z.object({
  slotCode: z.string(),
  fileName: z.string(),
  verdict: z.enum(['pass', 'warn', 'block']).nullable(),
  findings: z.number().int().nonnegative(),
});
export const PrecheckSummarySchema = z.object({
  ready: z.boolean(),
  missingSlots: z.array(z.string()),
  materials: z.array(PrecheckMaterialSummarySchema),
});
export type PrecheckSummary = z.infer<typeof PrecheckSummarySchema>;

/** GET /api/cases/:id/handoff/received */
export const ReceivedEvidenceSchema = z.object({
  transfer: z.object({
    transferId: z.string(),
    fromSite: z.string(),
    /** The sending site as people read it ("广东省站点"). */
    fromSiteName: z.string(),
    receivedAt: z.string(),
    tagmanifestSha256: sha256Hex,
    bagSha256: sha256Hex,
    /** The intake site's signing key, as the bag's signature file names it (checked on import). */
    signerKeyFingerprint: z.string().nullable(),
  }),
  /** Null: the bag carried no co-review (e.g. a case decided without one). */
  review: BagReviewSchema.nullable(),
  precheck: PrecheckSummarySchema.nullable(),
  /** This site's own record of the bag's decision, when its reviewer took it in a cross-site co-review (linked on import). */
  ownDecision: z
    .object({
      decisionId: z.string(),
      outcome: z.enum(['accept', 'request_correction', 'reject']),
      decidedByName: z.string(),
      decidedAt: z.string(),
      linkedAt: z.string(),
    })
    .nullable(),
});
export type OwnDecisionRecord = NonNullable<ReceivedEvidence['ownDecision']>;
export type ReceivedEvidence = z.infer<typeof ReceivedEvidenceSchema>;

/** Where the review files are fetched from: `GET /api/cases/:id/handoff/received/files/<file>`. */
export function receivedFilePath(caseId: string, file: string): string {
  return `/api/cases/${encodeURIComponent(caseId)}/handoff/received/files/${file.split('/').map(encodeURIComponent).join('/')}`;
}

/** The case came to this site by an online transfer (the receipt this site signed names the peer as its sender). */
export function isReceivedByTransfer(status: Pick<HandoffStatusView, 'transfer'>): boolean {
  const t = status.transfer;
  return t?.receipt != null && t.receipt.fromSite === t.peerSite;
}
