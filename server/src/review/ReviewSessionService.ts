import { EventEmitter } from 'node:events';
import { createHash, randomInt } from 'node:crypto';
import { Readable } from 'node:stream';
import { AppError } from '@tongban/shared';
import { assertCan } from '@tongban/shared/cases/access';
import {
  checklistStatus,
  livenessPrompt,
  type CheckStepRequest,
  type CheckStepResult,
  type ConsentRequest,
  type IdentityStep,
  type LivenessPrompt,
} from '@tongban/shared/review/checklist';
import {
  isRecorded,
  type RecordingAvailability,
  type ApplicantLink,
  type ApplicantPass,
  type DecisionRequest,
  type ReviewConsent,
  type ReviewDecision,
  type PeerDeliveryView,
  type ReviewExport,
  type ReviewQueueEntry,
  type ReviewSessionView,
  type ReviewSnapshotView,
  type ReviewStatus,
} from '@tongban/shared/review/session';
import type { CoReviewDecision, CoReviewWithdrawal, SignedDecision, SiteReviewer } from '@tongban/shared/review/crossSite';
import type { Principal } from '@tongban/shared/cases/access';
import type { PeerRole } from '@tongban/shared/signalling/events';
import type { SignatureView } from '@tongban/shared/signature/signature';
import { chinaDateTime } from '@tongban/shared/cases/chinaTime';
import { maskIdNumbersInText } from '@tongban/shared/cases/masking';
import { actorOf, type AuthService, type SessionUser } from '../auth/AuthService';
import { APPLICANT_ACTOR, SYSTEM_ACTOR, type Actor, type AuditLedger } from '../audit/AuditLedger';
import type { Clock, IdSource } from '../clock';
import type { Config } from '../config/config';
import type { BlobStore } from '../storage/BlobStore';
import type { Db } from '../storage/database';
import type { CaseRecord, CaseService } from '../cases/CaseService';
import { ApplicantTokens } from './applicantTokens';
import { watermarkSnapshot } from './watermark';
import { recordingViews } from './recordingRows';

/** What the co-review flow is built on; `auth` names the users in the audit trail of a session. */
export interface ReviewDeps {
  db: Db;
  clock: Clock;
  ids: IdSource;
  ledger: AuditLedger;
  blobs: BlobStore;
  config: Pick<Config, 'PUBLIC_URL' | 'REVIEW_ASSIGNMENT'>;
  auth: Pick<AuthService, 'userById'>;
}

/** A reviewer of the peer site hosting the case's handling office, holding a join grant this site issued (no account here). */
export interface PeerReviewer {
  kind: 'peerReviewer';
  /** The grant's name in the audit trail, never the grant itself. */
  grantRef: string;
  sessionId: string;
  reviewer: SiteReviewer;
  /** Their name and site, as the call shows them. */
  displayName: string;
}

/** Who verifies and decides in a call: a reviewer with an account here, or a peer site's reviewer holding a grant for the session. */
export type Verifier = SessionUser | PeerReviewer;

/** A verifier as the rows and the audit trail name them: a user id here, or the peer reviewer's name as their site vouched for them. */
interface VerifierRecord {
  principal: Principal;
  actor: Actor;
  userId: string | null;
  peerName: string | null;
  name: string;
  /** Added to the audit event's details: for a peer reviewer, who they are and through which site and grant. */
  details: Record<string, unknown>;
}

const isPeer = (v: Verifier): v is PeerReviewer => 'kind' in v && v.kind === 'peerReviewer';

/**
 * A peer site's reviewer acts here as a reviewer of their (handling) office — the state machine's
 * rules are a reviewer's — with no account here (no actor id), named as their site vouched for them,
 * via that site.
 */
function peerRecord(reviewer: SiteReviewer, displayName: string, details: Record<string, unknown>): VerifierRecord {
  return {
    principal: { role: 'reviewer', officeId: reviewer.officeId },
    actor: { id: null, name: displayName, role: 'reviewer', officeId: reviewer.officeId },
    userId: null,
    peerName: displayName,
    name: displayName,
    details: { via: `site:${reviewer.siteId}`, reviewer, ...details },
  };
}

function recordOf(v: Verifier): VerifierRecord {
  if (isPeer(v)) return peerRecord(v.reviewer, v.displayName, { grantRef: v.grantRef });
  return { principal: v, actor: actorOf(v), userId: v.id, peerName: null, name: v.displayName, details: {} };
}

/** Who is asking: a logged-in user, an applicant holding a session key, or a peer site's reviewer holding a join grant. */
export type ReviewPrincipal = { kind: 'user'; user: SessionUser } | { kind: 'applicant'; sessionId: string } | PeerReviewer;

export interface JoinGrant {
  session: ReviewSessionView;
  role: PeerRole;
  displayName: string;
}

interface SessionRow {
  id: string;
  case_id: string;
  status: ReviewStatus;
  requested_by: string;
  requested_at: string;
  accepted_by: string | null;
  accepted_at: string | null;
  assigned_to: string | null;
  /** A peer site's reviewer who accepted: { reviewer, displayName }. */
  accepted_peer_json: string | null;
  consent_json: string | null;
  decision_json: string | null;
  /** The decision as the peer site hosting the handling office signed it (SignedDecision). */
  signed_decision_json: string | null;
}

interface AcceptedPeer {
  reviewer: SiteReviewer;
  displayName: string;
}

const samePerson = (a: SiteReviewer, b: SiteReviewer) => a.userId === b.userId && a.siteId === b.siteId;

const OPEN: readonly ReviewStatus[] = ['waiting', 'active'];
const SNAPSHOT_MAX_BYTES = 15 * 1024 * 1024;

export interface ReviewEvents {
  /** A session changed (consent, checks, snapshot, decision, status): push to its room. */
  session: [ReviewSessionView];
  /** A handling office's queue changed. */
  queue: [officeId: string];
}

/**
 * How a co-review reaches a handling office another site hosts (the federation module links it).
 * `requested` and `withdrawn` run inside the session's own transaction, so a session is never
 * recorded here without its message to the peer, nor a message queued for a session that was not.
 */
/** The case's signature in force, as the signature module answers. */
export interface ReviewSignatures {
  inForce(caseId: string): SignatureView | undefined;
}

export interface PeerReviewLink {
  /** Queues the request for the peer site hosting the case's handling office; that site, or undefined when this site hosts it. */
  requested(sessionId: string, c: CaseRecord, requestedAt: string): string | undefined;
  /** The session left the queue here: tells the peer site its request went to, if any. */
  withdrawn(sessionId: string, reason: CoReviewWithdrawal['reason']): void;
  /** How the request's delivery stands, for a session sent to a peer site. */
  delivery(sessionId: string): PeerDeliveryView | undefined;
  /** Requests from peer sites waiting in this handling office's queue. */
  remoteQueue(officeId: string): ReviewQueueEntry[];
}

/** What the linked module reports back: a request's delivery changed, a handling office's queue changed. */
export interface PeerReviewNotices {
  deliveryChanged(sessionId: string): void;
  queueChanged(officeId: string): void;
}

/**
 * The co-review flow: request → the handling office's live queue → a reviewer accepts → the call
 * (consent, identity checklist, liveness, snapshots) → the decision, which drives the case state
 * machine. Every change is one transaction with its audit event.
 */
export class ReviewSessionService extends EventEmitter<ReviewEvents> {
  private readonly tokens: ApplicantTokens;
  private peerLink: PeerReviewLink | undefined;
  private signatures: ReviewSignatures | undefined;

  constructor(
    private readonly ctx: ReviewDeps,
    private readonly cases: CaseService,
    /** Whether this site can record (probed at start): consent to recording is refused otherwise. */
    private readonly recording: RecordingAvailability,
  ) {
    super();
    this.tokens = new ApplicantTokens(ctx.db);
  }

  /** Sends requests for offices of peer sites through `link`, and lists the requests peers sent here. */
  linkPeerSites(link: PeerReviewLink): PeerReviewNotices {
    this.peerLink = link;
    return {
      deliveryChanged: (sessionId) => {
        // The clerk waits on the case page, not in the call: the case feed carries it there.
        this.cases.changes.changed(this.changed(sessionId).caseId, 'review', null);
      },
      queueChanged: (officeId) => this.emit('queue', officeId),
    };
  }

  /** Shows the case's 申请人签名 in its sessions' views and in review.json (the signature module links itself here). */
  linkSignatures(signatures: ReviewSignatures): void {
    this.signatures = signatures;
  }

  /** The signature of a case changed: its open session's view goes out again, so the call shows it at once. */
  signatureChanged(caseId: string): void {
    const row = this.openRow(caseId);
    if (row) this.changed(row.id);
  }

  /**
   * The case an applicant's key opens, for them to act on in the call: only while their session is
   * active (a reviewer has taken it), as with the consent.
   */
  activeForApplicant(principal: ReviewPrincipal): { sessionId: string; c: CaseRecord } {
    if (principal.kind !== 'applicant') throw new AppError('FORBIDDEN_ROLE', { details: { role: principal.kind } });
    const { row, c } = this.load(principal.sessionId);
    if (row.status !== 'active') throw new AppError('REVIEW_STATE', { details: { status: row.status } });
    return { sessionId: row.id, c };
  }

  /* ---------- request, queue, accept ---------- */

  /** Clerk: open a co-review for a pre-checked case (or re-open one for a case still in review). */
  request(user: SessionUser, caseId: string): ReviewSessionView {
    const c = this.cases.get(caseId);
    assertCan(user, 'review.request', c);
    const id = this.ctx.ids.uuid();
    const now = this.ctx.clock.now().toISOString();
    this.ctx.db.transaction(() => {
      if (this.openRow(caseId)) throw new AppError('REVIEW_ALREADY_OPEN');
      const assignee = this.randomReviewer(c.handlingOfficeId);
      this.ctx.db
        .prepare(
          "INSERT INTO review_sessions (id, case_id, status, requested_by, requested_at, assigned_to) VALUES (?, ?, 'waiting', ?, ?, ?)",
        )
        .run(id, caseId, user.id, now, assignee?.id ?? null);
      const peerSite = this.peerLink?.requested(id, c, now);
      const details = { sessionId: id, ...(peerSite ? { peerSite } : {}), ...(assignee ? { assignedTo: assignee.display_name } : {}) };
      if (c.state === 'in_review') {
        // The case is already in review (an earlier session was cancelled): no state change.
        this.ctx.ledger.append(actorOf(user), 'review.requested', { caseId, details });
        this.cases.changes.changed(caseId, 'review', actorOf(user));
      } else {
        this.cases.applyTransition(caseId, 'request_review', actorOf(user), { details });
      }
    })();
    this.emit('queue', c.handlingOfficeId);
    return this.view(this.row(id));
  }

  cancel(user: SessionUser, sessionId: string): ReviewSessionView {
    const { row, c } = this.load(sessionId);
    assertCan(user, 'review.cancel', c);
    this.ctx.db.transaction(() => {
      this.setStatus(row.id, 'waiting', "status = 'cancelled', ended_at = @now");
      this.ctx.ledger.append(actorOf(user), 'review.cancelled', { caseId: c.id, details: { sessionId } });
      this.cases.changes.changed(c.id, 'review', actorOf(user));
      this.peerLink?.withdrawn(sessionId, 'withdrawn');
    })();
    this.emit('queue', c.handlingOfficeId);
    return this.changed(sessionId);
  }

  /** Ends the sessions no reviewer took within `maxWaitMs`; returns when the next waiting one will be due. */
  timeOutWaiting(maxWaitMs: number): Date | undefined {
    const cutoff = new Date(this.ctx.clock.now().getTime() - maxWaitMs).toISOString();
    const due = this.ctx.db
      .prepare("SELECT id FROM review_sessions WHERE status = 'waiting' AND requested_at <= ? ORDER BY requested_at")
      .pluck()
      .all(cutoff) as string[];
    for (const sessionId of due) {
      const { row, c } = this.load(sessionId);
      this.ctx.db.transaction(() => {
        this.setStatus(row.id, 'waiting', "status = 'cancelled', ended_at = @now");
        const waitingSeconds = Math.round((this.ctx.clock.now().getTime() - Date.parse(row.requested_at)) / 1000);
        this.ctx.ledger.append(SYSTEM_ACTOR, 'review.timed_out', { caseId: c.id, details: { sessionId, waitingSeconds } });
        this.cases.changes.changed(c.id, 'review', null);
        this.peerLink?.withdrawn(sessionId, 'timed_out');
      })();
      this.emit('queue', c.handlingOfficeId);
      this.changed(sessionId);
    }
    const next = this.ctx.db.prepare("SELECT MIN(requested_at) FROM review_sessions WHERE status = 'waiting'").pluck().get() as
      string | null;
    return next === null ? undefined : new Date(Date.parse(next) + maxWaitMs);
  }

  /** The handling office's waiting sessions, this site's and peers', longest waiting first. */
  queue(user: SessionUser): ReviewQueueEntry[] {
    assertCan(user, 'review.queue');
    return this.queueFor(user.officeId);
  }

  queueFor(officeId: string): ReviewQueueEntry[] {
    const now = this.ctx.clock.now().getTime();
    const rows = this.ctx.db
      .prepare(
        `SELECT s.id, s.case_id, s.requested_at, c.case_no, c.applicant_name, c.intake_office_id, COALESCE(i.name, c.item_code) AS item_name,
                u.display_name AS assigned_name
           FROM review_sessions s JOIN cases c ON c.id = s.case_id LEFT JOIN service_items i ON i.code = c.item_code
           LEFT JOIN users u ON u.id = s.assigned_to
          WHERE s.status = 'waiting' AND c.handling_office_id = ? ORDER BY s.requested_at`,
      )
      .all(officeId) as Array<{
      id: string;
      case_id: string;
      requested_at: string;
      case_no: string;
      applicant_name: string;
      intake_office_id: string;
      item_name: string;
      assigned_name: string | null;
    }>;
    const local: ReviewQueueEntry[] = rows.map((r) => ({
      ...(r.assigned_name ? { assignedToName: r.assigned_name } : {}),
      sessionId: r.id,
      caseId: r.case_id,
      caseNo: r.case_no,
      itemName: r.item_name,
      applicantName: r.applicant_name,
      intakeOfficeId: r.intake_office_id,
      requestedAt: r.requested_at,
      waitingSeconds: Math.max(0, Math.round((now - Date.parse(r.requested_at)) / 1000)),
    }));
    const remote = this.peerLink?.remoteQueue(officeId) ?? [];
    return remote.length === 0 ? local : [...local, ...remote].sort((a, b) => Date.parse(a.requestedAt) - Date.parse(b.requestedAt));
  }

  /** With REVIEW_ASSIGNMENT=random, one of the office's active reviewers, drawn fairly; otherwise none. */
  private randomReviewer(officeId: string): { id: string; display_name: string } | undefined {
    if (this.ctx.config.REVIEW_ASSIGNMENT !== 'random') return undefined;
    const reviewers = this.ctx.db
      .prepare("SELECT id, display_name FROM users WHERE office_id = ? AND role = 'reviewer' AND disabled = 0 ORDER BY id")
      .all(officeId) as Array<{ id: string; display_name: string }>;
    return reviewers.length === 0 ? undefined : reviewers[randomInt(reviewers.length)];
  }

  /** Reviewer of the handling office takes the session; both sides then meet in its room. */
  accept(user: SessionUser, sessionId: string): ReviewSessionView {
    const { row, c } = this.load(sessionId);
    assertCan(user, 'review.accept', c);
    // Assigned at random: the assignee's, though a supervisor may still take it (they act for their staff).
    if (row.assigned_to && row.assigned_to !== user.id && user.role !== 'supervisor') {
      const name = this.ctx.auth.userById(row.assigned_to)?.displayName ?? '';
      throw new AppError('REVIEW_ASSIGNED_TO_OTHER', {
        details: { sessionId, assignedTo: name },
        zh: `该视频会审已随机分配给 ${name}，请处理分配给您的会审`,
        en: `This video review was assigned to ${name}; take the ones assigned to you`,
      });
    }
    const now = this.ctx.clock.now().toISOString();
    this.ctx.db.transaction(() => {
      this.setStatus(row.id, 'waiting', "status = 'active', accepted_by = @user, accepted_at = @now", { user: user.id });
      const waited = Math.round((Date.parse(now) - Date.parse(row.requested_at)) / 1000);
      this.ctx.ledger.append(actorOf(user), 'review.accepted', { caseId: c.id, details: { sessionId, waitingSeconds: waited } });
      // The window waits on the case page for this (its next step becomes 进入视频会审).
      this.cases.changes.changed(c.id, 'review', actorOf(user));
      // Taken by a reviewer with an account here: it leaves the peer site's queue too.
      this.peerLink?.withdrawn(sessionId, 'withdrawn');
    })();
    this.emit('queue', c.handlingOfficeId);
    return this.changed(sessionId);
  }

  /**
   * A reviewer of the peer site hosting the handling office accepted there (the signed join-grant
   * request says so): the session is theirs. Again by them (a reload of their page) changes
   * nothing; by anyone else, REVIEW_ALREADY_ACCEPTED.
   */
  acceptByPeer(who: PeerReviewer): void {
    const { row, c } = this.load(who.sessionId);
    assertCan({ role: 'reviewer', officeId: who.reviewer.officeId }, 'review.accept', c, { details: { sessionId: row.id } });
    if (row.status === 'active') {
      this.assertAcceptedBy(row, who.reviewer);
      return;
    }
    const now = this.ctx.clock.now().toISOString();
    const by = recordOf(who);
    this.ctx.db.transaction(() => {
      const accepted: AcceptedPeer = { reviewer: who.reviewer, displayName: who.displayName };
      this.setStatus(row.id, 'waiting', "status = 'active', accepted_peer_json = @peer, accepted_at = @now", {
        peer: JSON.stringify(accepted),
      });
      const waited = Math.round((Date.parse(now) - Date.parse(row.requested_at)) / 1000);
      this.ctx.ledger.append(by.actor, 'review.accepted', {
        caseId: c.id,
        details: { sessionId: row.id, waitingSeconds: waited, ...by.details },
      });
      this.cases.changes.changed(c.id, 'review', null);
    })();
    this.emit('queue', c.handlingOfficeId);
    this.changed(row.id);
  }

  forCase(user: SessionUser, caseId: string): ReviewSessionView | null {
    const c = this.cases.get(caseId);
    assertCan(user, 'case.view', c);
    const row = this.ctx.db
      .prepare('SELECT * FROM review_sessions WHERE case_id = ? ORDER BY requested_at DESC, rowid DESC LIMIT 1')
      .get(caseId) as SessionRow | undefined;
    return row ? this.view(row) : null;
  }

  get(user: SessionUser, sessionId: string): ReviewSessionView {
    const { row, c } = this.load(sessionId);
    assertCan(user, 'case.view', c);
    return this.view(row);
  }

  /** The session, for the peer reviewer whose grant is for it. */
  getForPeer(who: PeerReviewer, sessionId: string): ReviewSessionView {
    return this.view(this.activeForReviewer(who, sessionId).row);
  }

  /** The session, for a download of its evidence (snapshots, recordings): the case's participants only, not admins. */
  forFiles(user: SessionUser, sessionId: string): ReviewSessionView {
    const { row, c } = this.load(sessionId);
    this.cases.getForFiles(c.id, user);
    return this.view(row);
  }

  /* ---------- who may join the call ---------- */

  /**
   * Only the case's intake office, its handling office and its applicant (with a key for this
   * session); the handling office may be a peer site's, its reviewer holding a grant for this session.
   */
  authorizeJoin(who: ReviewPrincipal, sessionId: string): JoinGrant {
    const { row, c } = this.load(sessionId);
    if (!OPEN.includes(row.status))
      throw new AppError(who.kind === 'peerReviewer' ? 'GRANT_SESSION_CLOSED' : 'REVIEW_STATE', { details: { status: row.status } });
    if (who.kind === 'applicant') {
      if (who.sessionId !== sessionId) throw new AppError('FORBIDDEN_OFFICE');
      return { session: this.view(row), role: 'applicant', displayName: `申请人 ${c.applicant.name}` };
    }
    if (who.kind === 'peerReviewer') {
      if (who.sessionId !== sessionId) throw new AppError('GRANT_WRONG_SESSION', { details: { sessionId } });
      assertCan({ role: 'reviewer', officeId: who.reviewer.officeId }, 'call.join', c, { details: { sessionId } });
      // Only the peer reviewer who accepted the session joins it: a grant alone is not an accept.
      this.assertAcceptedBy(row, who.reviewer);
      return { session: this.view(row), role: 'reviewer', displayName: who.displayName };
    }
    assertCan(who.user, 'call.join', c, { details: { sessionId } });
    return { session: this.view(row), role: who.user.role, displayName: who.user.displayName };
  }

  /** Whether a session is open, and its case: for a peer site's join grant (its reviewer has no account here to check). */
  sessionForPeer(sessionId: string): { open: boolean; c: CaseRecord } {
    const { row, c } = this.load(sessionId);
    return { open: OPEN.includes(row.status), c };
  }

  /* ---------- applicant link ---------- */

  /** The one-time link for the applicant's phone, on PUBLIC_URL or else `serverOrigin` (this server's own address, not a header). */
  applicantLink(user: SessionUser, sessionId: string, serverOrigin: string): ApplicantLink {
    const { row, c } = this.load(sessionId);
    assertCan(user, 'review.applicantLink', c);
    if (!OPEN.includes(row.status)) throw new AppError('REVIEW_STATE', { details: { status: row.status } });
    const token = this.ctx.ids.token(24);
    const now = this.ctx.clock.now();
    const expiresAt = this.ctx.db.transaction(() => {
      const exp = this.tokens.issue(token, 'link', sessionId, now, user.id);
      this.ctx.ledger.append(actorOf(user), 'review.applicant_link_issued', { caseId: c.id, details: { sessionId, expiresAt: exp } });
      return exp;
    })();
    const base = (this.ctx.config.PUBLIC_URL ?? serverOrigin).replace(/\/+$/, '');
    return { url: `${base}/join/${token}`, token, expiresAt };
  }

  /** The applicant's phone opens the link: the token is used up and a session key is issued. */
  redeem(token: string): ApplicantPass {
    const now = this.ctx.clock.now();
    const key = `ak_${this.ctx.ids.token(32)}`;
    const { sessionId, expiresAt, caseNo } = this.ctx.db.transaction(() => {
      const sid = this.tokens.consumeLink(token, now);
      const { row, c } = this.load(sid);
      if (!OPEN.includes(row.status)) throw new AppError('REVIEW_STATE', { details: { status: row.status } });
      const exp = this.tokens.issue(key, 'key', sid, now, null);
      this.ctx.ledger.append(APPLICANT_ACTOR, 'review.applicant_link_redeemed', {
        caseId: c.id,
        details: { sessionId: sid },
      });
      return { sessionId: sid, expiresAt: exp, caseNo: c.caseNo };
    })();
    return { sessionId, caseNo, key, expiresAt };
  }

  /** For the signalling handshake: which session an applicant key opens (throws REVIEW_TOKEN_*). */
  applicantForKey(key: string): ReviewPrincipal {
    return { kind: 'applicant', sessionId: this.tokens.sessionForKey(key, this.ctx.clock.now()) };
  }

  /* ---------- identity verification ---------- */

  recordConsent(v: Verifier, sessionId: string, body: ConsentRequest): ReviewSessionView {
    const { c } = this.activeForReviewer(v, sessionId);
    const by = recordOf(v);
    return this.writeConsent(c, sessionId, body, by.name, by.actor, by.details);
  }

  /**
   * The applicant's own answer, on their phone in the call (`principal` is their session key's):
   * once — after that the reviewer records any change, as the applicant tells them.
   */
  recordApplicantConsent(principal: ReviewPrincipal, body: ConsentRequest): ReviewSessionView {
    if (principal.kind !== 'applicant') throw new AppError('FORBIDDEN_ROLE', { details: { role: principal.kind } });
    const { row, c } = this.load(principal.sessionId);
    assertCan({ role: 'applicant' }, 'review.applicantConsent', c);
    if (row.status !== 'active') throw new AppError('REVIEW_STATE', { details: { status: row.status } });
    if (row.consent_json) throw new AppError('REVIEW_CONSENT_ALREADY_RECORDED', { details: { sessionId: row.id } });
    return this.writeConsent(c, row.id, body, `申请人 ${c.applicant.name}（本人手机确认）`, APPLICANT_ACTOR, { via: 'applicant_phone' });
  }

  private writeConsent(
    c: CaseRecord,
    sessionId: string,
    body: ConsentRequest,
    recordedBy: string,
    actor: Actor,
    details: Record<string, unknown>,
  ): ReviewSessionView {
    if (body.recordingAllowed && !this.recording.available)
      throw new AppError('REVIEW_RECORDING_UNAVAILABLE', { details: { reason: this.recording.reason } });
    const consent: ReviewConsent = { ...body, recordedBy, recordedAt: this.ctx.clock.now().toISOString() };
    this.ctx.db.transaction(() => {
      this.ctx.db.prepare('UPDATE review_sessions SET consent_json = ? WHERE id = ?').run(JSON.stringify(consent), sessionId);
      this.ctx.ledger.append(actor, 'review.consent_recorded', {
        caseId: c.id,
        details: { sessionId, recordingAllowed: body.recordingAllowed, snapshotsAllowed: body.snapshotsAllowed, ...details },
      });
    })();
    return this.changed(sessionId);
  }

  /** A fresh random liveness prompt from the server (the reviewer cannot pick an easy one). */
  issueLivenessPrompt(v: Verifier, sessionId: string): LivenessPrompt {
    const { row, c } = this.activeForReviewer(v, sessionId);
    const by = recordOf(v);
    this.requireConsent(row);
    const prompt = livenessPrompt(() => randomInt(0, 1_000_000) / 1_000_000);
    this.ctx.db.transaction(() => {
      this.ctx.db
        .prepare(
          `INSERT INTO review_liveness_prompts (session_id, prompt_json, issued_by, peer_name, issued_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT(session_id) DO UPDATE SET prompt_json = excluded.prompt_json, issued_by = excluded.issued_by,
             peer_name = excluded.peer_name, issued_at = excluded.issued_at`,
        )
        .run(sessionId, JSON.stringify(prompt), by.userId, by.peerName, this.ctx.clock.now().toISOString());
      this.ctx.ledger.append(by.actor, 'review.liveness_prompt_issued', {
        caseId: c.id,
        details: { sessionId, kind: prompt.kind, ...by.details },
      });
    })();
    this.changed(sessionId);
    return prompt;
  }

  recordCheck(v: Verifier, sessionId: string, body: CheckStepRequest): ReviewSessionView {
    const { row, c } = this.activeForReviewer(v, sessionId);
    const by = recordOf(v);
    this.requireConsent(row);
    const prompt = body.step === 'liveness' ? this.livenessOf(sessionId) : undefined;
    if (body.step === 'liveness' && !prompt) throw new AppError('REVIEW_LIVENESS_NO_PROMPT');
    // The schema masks a typed note already; callers inside the server (the demo CLI) skip it.
    const note = maskIdNumbersInText(body.note);
    this.ctx.db.transaction(() => {
      this.ctx.db
        .prepare(
          'INSERT INTO review_identity_checks (session_id, step, passed, note, prompt_json, checked_by, peer_name, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          sessionId,
          body.step,
          body.passed ? 1 : 0,
          note,
          prompt ? JSON.stringify(prompt) : null,
          by.userId,
          by.peerName,
          this.ctx.clock.now().toISOString(),
        );
      this.ctx.ledger.append(by.actor, 'review.identity_check', {
        caseId: c.id,
        details: { sessionId, step: body.step, passed: body.passed, note, ...by.details },
      });
    })();
    return this.changed(sessionId);
  }

  /** A full-resolution frame from the reviewer's browser, watermarked and kept as evidence. */
  async addSnapshot(v: Verifier, sessionId: string, image: Buffer, label: string): Promise<ReviewSnapshotView> {
    const { row, c } = this.activeForReviewer(v, sessionId);
    const by = recordOf(v);
    this.requireConsent(row);
    const consent = JSON.parse(row.consent_json!) as ReviewConsent;
    if (!consent.snapshotsAllowed) throw new AppError('REVIEW_SNAPSHOTS_NOT_CONSENTED');
    if (image.length === 0 || image.length > SNAPSHOT_MAX_BYTES) throw new AppError('REVIEW_SNAPSHOT_INVALID');
    const takenAt = this.ctx.clock.now();
    const marked = await watermarkSnapshot(image, [
      `${c.caseNo}  视频会审截图 Video co-review snapshot`,
      `${chinaDateTime(takenAt, { seconds: true })} (UTC+8)  ${by.name}  ${label}`,
    ]);
    const originalSha = createHash('sha256').update(image).digest('hex');
    const stored = await this.ctx.blobs.store(Readable.from([marked.jpeg]), { maxBytes: SNAPSHOT_MAX_BYTES * 2, mediaType: 'image/jpeg' });
    const id = this.ctx.ids.uuid();
    this.ctx.db.transaction(() => {
      this.ctx.db
        .prepare(
          `INSERT INTO review_snapshots (id, session_id, case_id, sha256, original_sha256, label, width, height, taken_by, peer_name, taken_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          sessionId,
          c.id,
          stored.sha256,
          originalSha,
          label,
          marked.width,
          marked.height,
          by.userId,
          by.peerName,
          takenAt.toISOString(),
        );
      this.ctx.ledger.append(by.actor, 'review.snapshot', {
        caseId: c.id,
        details: {
          sessionId,
          snapshotId: id,
          sha256: stored.sha256,
          originalSha256: originalSha,
          label,
          width: marked.width,
          height: marked.height,
          ...by.details,
        },
      });
    })();
    this.changed(sessionId);
    return this.snapshots(sessionId).find((s) => s.id === id)!;
  }

  /** The stored (watermarked) image of a snapshot, for case participants. */
  snapshotBlob(user: SessionUser, sessionId: string, snapshotId: string): { sha256: string; mediaType: 'image/jpeg' } {
    this.forFiles(user, sessionId);
    const row = this.ctx.db
      .prepare('SELECT sha256, purged_at FROM review_snapshots WHERE id = ? AND session_id = ?')
      .get(snapshotId, sessionId) as { sha256: string; purged_at: string | null } | undefined;
    if (!row) throw new AppError('NOT_FOUND', { details: { snapshotId } });
    if (row.purged_at) throw new AppError('RETENTION_PURGED', { details: { snapshotId, sha256: row.sha256 } });
    return { sha256: row.sha256, mediaType: 'image/jpeg' };
  }

  /* ---------- decision ---------- */

  /** 受理 / 补正 / 不予受理 from inside the call: ends the session and moves the case, one transaction. */
  decide(user: SessionUser, sessionId: string, body: DecisionRequest): ReviewSessionView {
    const { row, c } = this.activeForReviewer(user, sessionId, 'review.decide');
    this.applyDecision(row, c, recordOf(user), body, {
      decisionId: this.ctx.ids.uuid(),
      decidedBy: user.id,
      decidedByName: user.displayName,
      decidedAt: this.ctx.clock.now().toISOString(),
    });
    return this.changed(sessionId);
  }

  /**
   * 审查结论 of the peer site hosting the handling office, signed there (the caller has verified
   * the signature and the site): recorded as the session's decision under the same decision id.
   * Received again (a retry of its delivery), it changes nothing.
   */
  recordPeerDecision(d: CoReviewDecision, signed: SignedDecision, decidedByName: string): ReviewSessionView {
    const { row, c } = this.load(d.sessionId);
    const by = peerRecord(d.decidedBy, decidedByName, { decisionId: d.decisionId });
    assertCan(by.principal, 'review.decide', c, { details: { sessionId: row.id } });
    const earlier = row.decision_json ? (JSON.parse(row.decision_json) as ReviewDecision) : undefined;
    if (earlier?.decisionId === d.decisionId) return this.view(row);
    if (row.status !== 'active') throw new AppError('REVIEW_STATE', { details: { status: row.status } });
    this.assertAcceptedBy(row, d.decidedBy);
    const meta = {
      decisionId: d.decisionId,
      decidedBy: `${d.decidedBy.siteId}:${d.decidedBy.userId}`,
      decidedByName,
      decidedAt: d.decidedAt,
    };
    this.applyDecision(row, c, by, d.decision, meta, () =>
      this.ctx.db.prepare('UPDATE review_sessions SET signed_decision_json = ? WHERE id = ?').run(JSON.stringify(signed), row.id),
    );
    return this.changed(row.id);
  }

  /** Ends the session with `decision` and moves the case, one transaction (with `alsoRecord`); 受理 needs every check passed. */
  private applyDecision(
    row: SessionRow,
    c: CaseRecord,
    by: VerifierRecord,
    body: DecisionRequest,
    meta: { decisionId: string; decidedBy: string; decidedByName: string; decidedAt: string },
    alsoRecord?: () => void,
  ): void {
    const decision: ReviewDecision = { ...body, ...meta };
    if (body.outcome === 'accept') {
      this.requireConsent(row);
      const status = checklistStatus(this.checks(row.id));
      if (!status.allPassed) throw new AppError('REVIEW_CHECKLIST_INCOMPLETE', { details: status });
    }
    this.ctx.db.transaction(() => {
      this.setStatus(row.id, 'active', "status = 'decided', ended_at = @now, decision_json = @decision", {
        decision: JSON.stringify(decision),
      });
      alsoRecord?.();
      const note = body.outcome === 'reject' ? body.reason : body.note;
      this.cases.applyTransition(c.id, body.outcome, by.actor, {
        ...(note ? { note } : {}),
        ...(body.outcome === 'request_correction' ? { correction: { items: body.items, ...(body.note ? { note: body.note } : {}) } } : {}),
        details: {
          sessionId: row.id,
          decisionId: meta.decisionId,
          decision: body,
          identityChecks: checklistStatus(this.checks(row.id)),
          ...by.details,
        },
      });
    })();
  }

  /* ---------- handoff export ---------- */

  /** The latest decided session of a case: decision, checklist, snapshot and recording blob refs (for the handoff bag). */
  reviewExport(caseId: string): ReviewExport | null {
    const row = this.ctx.db
      .prepare("SELECT * FROM review_sessions WHERE case_id = ? AND status = 'decided' ORDER BY ended_at DESC LIMIT 1")
      .get(caseId) as SessionRow | undefined;
    if (!row) return null;
    const v = this.view(row);
    return {
      sessionId: v.id,
      caseNo: v.caseNo,
      ...(v.acceptedBy ? { acceptedBy: v.acceptedBy } : {}),
      ...(v.acceptedAt ? { acceptedAt: v.acceptedAt } : {}),
      ...(v.consent ? { consent: v.consent } : {}),
      checks: v.checks,
      ...(v.decision ? { decision: v.decision } : {}),
      ...(row.signed_decision_json ? { signedDecision: JSON.parse(row.signed_decision_json) as SignedDecision } : {}),
      snapshots: v.snapshots,
      recordings: v.recordings,
      ...(v.signature
        ? {
            signature: {
              textSha256: v.signature.textSha256,
              imageSha256: v.signature.imageSha256,
              signedAt: v.signature.signedAt,
              channel: v.signature.channel,
            },
          }
        : {}),
    };
  }

  /* ---------- internals ---------- */

  private changed(sessionId: string): ReviewSessionView {
    const v = this.view(this.row(sessionId));
    this.emit('session', v);
    return v;
  }

  private row(sessionId: string): SessionRow {
    const row = this.ctx.db.prepare('SELECT * FROM review_sessions WHERE id = ?').get(sessionId) as SessionRow | undefined;
    if (!row) throw new AppError('REVIEW_NOT_FOUND', { details: { sessionId } });
    return row;
  }

  private openRow(caseId: string): SessionRow | undefined {
    return this.ctx.db.prepare("SELECT * FROM review_sessions WHERE case_id = ? AND status IN ('waiting', 'active')").get(caseId) as
      SessionRow | undefined;
  }

  private load(sessionId: string): { row: SessionRow; c: CaseRecord } {
    const row = this.row(sessionId);
    return { row, c: this.cases.get(row.case_id) };
  }

  /** Compare-and-set on status so two reviewers cannot both accept, nor decide twice. */
  private setStatus(sessionId: string, from: ReviewStatus, set: string, params: Record<string, string> = {}): void {
    const r = this.ctx.db
      .prepare(`UPDATE review_sessions SET ${set} WHERE id = @id AND status = @from`)
      .run({ id: sessionId, from, now: this.ctx.clock.now().toISOString(), ...params });
    if (r.changes !== 1) throw new AppError('REVIEW_STATE', { details: { sessionId, expected: from } });
  }

  /** The session the handling office is verifying or deciding now (consent, checks, snapshots, decision). */
  private activeForReviewer(
    v: Verifier,
    sessionId: string,
    action: 'review.verify' | 'review.decide' = 'review.verify',
  ): { row: SessionRow; c: CaseRecord } {
    // A grant is for its own session only.
    if (isPeer(v) && v.sessionId !== sessionId) throw new AppError('GRANT_WRONG_SESSION', { details: { sessionId } });
    const loaded = this.load(sessionId);
    assertCan(recordOf(v).principal, action, loaded.c);
    if (loaded.row.status !== 'active') throw new AppError('REVIEW_STATE', { details: { status: loaded.row.status } });
    if (isPeer(v)) this.assertAcceptedBy(loaded.row, v.reviewer);
    return loaded;
  }

  /** A session a peer site's reviewer accepted is theirs alone (nor is one accepted here anyone's at a peer site). */
  private assertAcceptedBy(row: SessionRow, reviewer: SiteReviewer): void {
    const peer = row.accepted_peer_json ? (JSON.parse(row.accepted_peer_json) as AcceptedPeer) : undefined;
    if (!peer && !row.accepted_by) throw new AppError('GRANT_NOT_ACCEPTED', { details: { sessionId: row.id } });
    if (!peer || !samePerson(peer.reviewer, reviewer)) throw new AppError('REVIEW_ALREADY_ACCEPTED', { details: { sessionId: row.id } });
  }

  private requireConsent(row: SessionRow): void {
    if (!row.consent_json) throw new AppError('REVIEW_CONSENT_REQUIRED');
  }

  private checks(sessionId: string): CheckStepResult[] {
    const rows = this.ctx.db
      .prepare(
        `SELECT k.step, k.passed, k.note, k.prompt_json, k.checked_at, COALESCE(u.display_name, k.peer_name) AS display_name
           FROM review_identity_checks k LEFT JOIN users u ON u.id = k.checked_by WHERE k.session_id = ? ORDER BY k.id`,
      )
      .all(sessionId) as Array<{
      step: IdentityStep;
      passed: number;
      note: string;
      prompt_json: string | null;
      checked_at: string;
      display_name: string;
    }>;
    return rows.map((r) => ({
      step: r.step,
      passed: r.passed === 1,
      note: r.note,
      checkedBy: r.display_name,
      checkedAt: r.checked_at,
      ...(r.prompt_json ? { prompt: JSON.parse(r.prompt_json) as LivenessPrompt } : {}),
    }));
  }

  private livenessOf(sessionId: string): LivenessPrompt | undefined {
    const json = this.ctx.db.prepare('SELECT prompt_json FROM review_liveness_prompts WHERE session_id = ?').pluck().get(sessionId) as
      string | undefined;
    return json ? (JSON.parse(json) as LivenessPrompt) : undefined;
  }

  private snapshots(sessionId: string): ReviewSnapshotView[] {
    const rows = this.ctx.db
      .prepare(
        `SELECT s.id, s.sha256, s.label, s.width, s.height, s.taken_at, COALESCE(u.display_name, s.peer_name) AS display_name
           FROM review_snapshots s LEFT JOIN users u ON u.id = s.taken_by WHERE s.session_id = ? ORDER BY s.taken_at, s.id`,
      )
      .all(sessionId) as Array<{
      id: string;
      sha256: string;
      label: string;
      width: number;
      height: number;
      taken_at: string;
      display_name: string;
    }>;
    return rows.map((r) => ({
      id: r.id,
      sha256: r.sha256,
      label: r.label,
      width: r.width,
      height: r.height,
      takenBy: r.display_name,
      takenAt: r.taken_at,
    }));
  }

  private view(row: SessionRow): ReviewSessionView {
    const c = this.cases.get(row.case_id);
    const checks = this.checks(row.id);
    const until = row.accepted_at ? Date.parse(row.accepted_at) : this.ctx.clock.now().getTime();
    const liveness = this.livenessOf(row.id);
    const userName = (id: string) => this.ctx.auth.userById(id)?.displayName ?? id;
    const peer = this.peerLink?.delivery(row.id);
    const signature = this.signatures?.inForce(row.case_id);
    return {
      id: row.id,
      caseId: row.case_id,
      caseNo: c.caseNo,
      intakeOfficeId: c.intakeOfficeId,
      handlingOfficeId: c.handlingOfficeId,
      status: row.status,
      requestedBy: userName(row.requested_by),
      requestedAt: row.requested_at,
      ...(row.accepted_by ? { acceptedBy: userName(row.accepted_by) } : {}),
      ...(row.accepted_peer_json ? { acceptedBy: (JSON.parse(row.accepted_peer_json) as AcceptedPeer).displayName } : {}),
      ...(row.accepted_at ? { acceptedAt: row.accepted_at } : {}),
      waitingSeconds: Math.max(0, Math.round((until - Date.parse(row.requested_at)) / 1000)),
      ...(row.consent_json ? { consent: JSON.parse(row.consent_json) as ReviewConsent } : {}),
      checks,
      checklist: checklistStatus(checks),
      ...(liveness ? { liveness } : {}),
      snapshots: this.snapshots(row.id),
      ...(row.decision_json ? { decision: JSON.parse(row.decision_json) as ReviewDecision } : {}),
      recording: isRecorded(
        { status: row.status, ...(row.consent_json ? { consent: JSON.parse(row.consent_json) as ReviewConsent } : {}) },
        this.recording,
      ),
      recordingAvailability: this.recording,
      recordings: recordingViews(this.ctx.db, row.id),
      ...(peer ? { peer } : {}),
      ...(signature ? { signature } : {}),
    };
  }
}
