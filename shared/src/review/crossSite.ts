import { z } from 'zod';
import { backoffDelay, type RetryPolicy } from '../backoff';
import { CASE_NUMBER_PATTERN } from '../cases/caseNumber';
import { PRECHECK_RULES } from '../catalog/types';
import { MAX_FILES_PER_CASE } from '../precheck/limits';
import type { Finding } from '../precheck/types';
import { ApplicantInputSchema, SCAN_MEDIA_TYPES } from '../schemas/cases';
import { isoTime, recordId, siteId } from '../schemas/ids';
import { MASKED_ID_NUMBER } from '../validators/idNumber';
import { freeText, plainText } from '../schemas/text';
import { CorrectionItemSchema, DecisionRequestSchema } from './session';

/**
 * Site-to-site messages of a co-review across two deployments: the intake site asks the handling
 * office's site for a review, withdraws the request, grants a reviewer of that site a short-lived
 * join, and receives the decision signed there. Each travels as a signed envelope (siteSigning)
 * whose `kind` names it, so one message can never be replayed as another. A valid signature says
 * who sent it, not that it is sound: every schema is strict, bounded, and carries no full ID
 * number — only what the reviewer needs before accepting.
 */

const code = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'code: 1–64 letters, digits, _ . or -');
const caseNo = z.string().max(64).regex(CASE_NUMBER_PATTERN, 'case number: e.g. GD-SG-20261125-0001');
const displayName = plainText(64, { min: 1 });
const count = z.number().int().min(0).max(10_000);

/** The applicant as another site sees them before accepting: the name and the masked ID number only. */
const CrossSiteApplicantSchema = z.strictObject({
  name: ApplicantInputSchema.shape.name,
  idNumberMasked: z.string().regex(MASKED_ID_NUMBER, 'ID number: masked only (e.g. 4301**********123X, H*****678)'),
});

const bbox = z.strictObject({
  x0: z.number().int().min(0),
  y0: z.number().int().min(0),
  x1: z.number().int().min(0),
  y1: z.number().int().min(0),
});

/** A pre-check finding (the Finding of shared/precheck) of one of the listed materials; its texts masked as free text. */
const CrossSiteFindingSchema = z.strictObject({
  materialId: recordId,
  rule: z.enum(PRECHECK_RULES),
  severity: z.enum(['block', 'warn', 'info']),
  code: z.string().regex(/^[A-Z][A-Z0-9_]{1,63}$/, 'finding code: e.g. ID_NUMBER_CHECKSUM'),
  message_zh: freeText(500, { min: 1 }),
  message_en: freeText(500),
  page: z.number().int().min(0).max(10_000).optional(),
  bbox: bbox.optional(),
  fieldKey: code.optional(),
}) satisfies z.ZodType<Finding & { materialId: string }>;

const CrossSiteMaterialSchema = z.strictObject({
  id: recordId,
  slotCode: code,
  slotName: plainText(128, { min: 1 }),
  fileName: plainText(255, { min: 1 }),
  mediaType: z.enum(SCAN_MEDIA_TYPES),
  size: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  /** Known once the pre-check has read the file (a PDF's page count). */
  pages: z.number().int().min(1).max(10_000).optional(),
});

const PrecheckSummarySchema = z.strictObject({
  /** After overrides; `none` when the pre-check has not run. */
  verdict: z.enum(['pass', 'warn', 'block', 'none']),
  blocking: count,
  warnings: count,
  missingSlots: z.array(z.strictObject({ code, name: plainText(128, { min: 1 }) })).max(100),
  findings: z.array(CrossSiteFindingSchema).max(1000),
});

/** A reviewer of the handling site, as that site vouches for them: the person, their office and site. */
export const SiteReviewerSchema = z.strictObject({
  userId: recordId,
  displayName,
  officeId: recordId,
  siteId,
});
export type SiteReviewer = z.infer<typeof SiteReviewerSchema>;

/* ---------- intake site → handling site ---------- */

/**
 * 会审请求: sent when the clerk requests a co-review of a case whose handling office a peer
 * site hosts. The session id is the request's identity (and idempotency key): a retry of it
 * changes nothing at the handling site.
 */
export const CoReviewRequestSchema = z
  .strictObject({
    kind: z.literal('tongban.coreview.request.v1'),
    sessionId: recordId,
    caseId: recordId,
    caseNo,
    item: z.strictObject({ code, name: plainText(128, { min: 1 }) }),
    intakeOfficeId: recordId,
    handlingOfficeId: recordId,
    applicant: CrossSiteApplicantSchema,
    precheck: PrecheckSummarySchema,
    materials: z.array(CrossSiteMaterialSchema).max(MAX_FILES_PER_CASE),
    requestedAt: isoTime,
  })
  .superRefine((r, ctx) => {
    if (r.intakeOfficeId === r.handlingOfficeId)
      ctx.addIssue({ code: 'custom', path: ['handlingOfficeId'], message: 'must differ from intakeOfficeId' });
    const ids = new Set(r.materials.map((m) => m.id));
    if (ids.size !== r.materials.length) ctx.addIssue({ code: 'custom', path: ['materials'], message: 'material id listed twice' });
    r.precheck.findings.forEach((f, i) => {
      if (!ids.has(f.materialId))
        ctx.addIssue({ code: 'custom', path: ['precheck', 'findings', i, 'materialId'], message: 'not one of the listed materials' });
    });
  });
export type CoReviewRequest = z.infer<typeof CoReviewRequestSchema>;

export const WITHDRAWAL_REASONS = ['withdrawn', 'timed_out'] as const;

/** The request leaves the handling site's queue: the clerk withdrew it, or it waited too long. */
export const CoReviewWithdrawalSchema = z.strictObject({
  kind: z.literal('tongban.coreview.withdrawal.v1'),
  sessionId: recordId,
  reason: z.enum(WITHDRAWAL_REASONS),
  at: isoTime,
});
export type CoReviewWithdrawal = z.infer<typeof CoReviewWithdrawalSchema>;

/* ---------- handling site → intake site: joining ---------- */

/**
 * The handling site asks the intake site for a join grant for its reviewer and this session;
 * `accept`: the reviewer accepted the co-review, so the session becomes theirs (again by them: a reload).
 */
export const JoinGrantRequestSchema = z.strictObject({
  kind: z.literal('tongban.coreview.join-request.v1'),
  sessionId: recordId,
  reviewer: SiteReviewerSchema,
  accept: z.literal(true).optional(),
});
export type JoinGrantRequest = z.infer<typeof JoinGrantRequestSchema>;

/** How long a join grant lasts, and the longest any grant may claim. */
export const JOIN_GRANT_TTL_MS = 5 * 60_000;
export const JOIN_GRANT_MAX_TTL_MS = 10 * 60_000;

/**
 * 接入凭证, signed by the intake site: one reviewer, one session, minutes long, used once. The
 * grant id is random and unguessable (the reviewer's browser presents it to the intake site's
 * signalling); it opens that session's call and its materials while it is live, nothing else.
 */
export const JoinGrantSchema = z
  .strictObject({
    kind: z.literal('tongban.coreview.join-grant.v1'),
    grantId: z.string().regex(/^[A-Za-z0-9_-]{22,128}$/, 'grant id: 22–128 random base64url characters'),
    sessionId: recordId,
    reviewer: SiteReviewerSchema,
    intakeSite: siteId,
    issuedAt: isoTime,
    expiresAt: isoTime,
    singleUse: z.literal(true),
  })
  .superRefine((g, ctx) => {
    const ttl = Date.parse(g.expiresAt) - Date.parse(g.issuedAt);
    if (!(ttl > 0 && ttl <= JOIN_GRANT_MAX_TTL_MS))
      ctx.addIssue({
        code: 'custom',
        path: ['expiresAt'],
        message: `must be after issuedAt, at most ${JOIN_GRANT_MAX_TTL_MS / 60_000} minutes`,
      });
  });
export type JoinGrant = z.infer<typeof JoinGrantSchema>;

/**
 * How far apart two sites' clocks may be and a grant still work (each site keeps its own time;
 * two minutes apart must not lock the reviewer out).
 */
export const SITE_CLOCK_SKEW_MS = 3 * 60_000;

export type GrantCheck = { ok: true } | { ok: false; reason: 'expired' | 'not_yet_valid' };

/** Whether a grant's time window holds `now`, widened on both sides by the clocks' tolerated skew. */
export function grantUsable(grant: Pick<JoinGrant, 'issuedAt' | 'expiresAt'>, now: Date, opts: { skewMs?: number } = {}): GrantCheck {
  const skew = opts.skewMs ?? SITE_CLOCK_SKEW_MS;
  const t = now.getTime();
  if (t < Date.parse(grant.issuedAt) - skew) return { ok: false, reason: 'not_yet_valid' };
  if (t >= Date.parse(grant.expiresAt) + skew) return { ok: false, reason: 'expired' };
  return { ok: true };
}

/* ---------- handling site → intake site: the decision ---------- */

// The decision as the reviewer's form sends it, but strict: a peer's message takes no extra fields.
const [acceptOutcome, correctionOutcome, rejectOutcome] = DecisionRequestSchema.options;
const CrossSiteOutcomeSchema = z.discriminatedUnion('outcome', [
  acceptOutcome.strict(),
  z.strictObject({ ...correctionOutcome.shape, items: z.array(CorrectionItemSchema.strict()).min(1).max(50) }),
  rejectOutcome.strict(),
]);

/**
 * 审查结论, signed by the handling site and recorded at both sites under the same decision id;
 * the intake site refuses one not signed by the case's handling site.
 */
export const CoReviewDecisionSchema = z.strictObject({
  kind: z.literal('tongban.coreview.decision.v1'),
  decisionId: recordId,
  sessionId: recordId,
  caseNo,
  decision: CrossSiteOutcomeSchema,
  decidedBy: SiteReviewerSchema,
  decidedAt: isoTime,
});
export type CoReviewDecision = z.infer<typeof CoReviewDecisionSchema>;

/**
 * The decision as the intake site receives and keeps it: the handling site's signature over the
 * canonical JSON of the payload (siteSigning's envelope), so it stays verifiable after transport.
 */
export const SignedDecisionSchema = z.strictObject({
  payload: z.unknown(),
  keyFingerprint: z.string().regex(/^[0-9a-f]{64}$/, 'key fingerprint: 64 hex digits'),
  signature: z.string().regex(/^[A-Za-z0-9+/]{16,512}={0,2}$/, 'signature: base64'),
});
export type SignedDecision = { payload: CoReviewDecision; keyFingerprint: string; signature: string };

/* ---------- delivery ---------- */

/** Retries of a message to a peer site that did not answer: exponential, capped, jittered. */
export type { RetryPolicy };

export const PEER_RETRY_POLICY: RetryPolicy = { initialMs: 1000, maxMs: 30_000, jitter: 0.25 };

/** The wait before the peer site is tried again (retry number `attempt`, from 1). */
export function nextRetryDelay(attempt: number, random: () => number, policy: RetryPolicy = PEER_RETRY_POLICY): number {
  return backoffDelay(attempt, policy, random);
}

/** The waits before the first `attempts` retries. */
export function retryDelays(attempts: number, random: () => number, policy: RetryPolicy = PEER_RETRY_POLICY): number[] {
  return Array.from({ length: attempts }, (_, i) => nextRetryDelay(i + 1, random, policy));
}
