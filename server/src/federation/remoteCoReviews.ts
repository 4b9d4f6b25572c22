import { AppError, isAppError } from '@tongban/shared';
import { assertCan } from '@tongban/shared/cases/access';
import { CoReviewDecisionSchema, type CoReviewDecision, type CoReviewRequest, type SiteReviewer } from '@tongban/shared/review/crossSite';
import type { RemoteCallTicket, RemoteDecisionAnswer } from '@tongban/shared/review/grantAccess';
import type { DecisionRequest } from '@tongban/shared/review/session';
import { actorOf, type SessionUser } from '../auth/AuthService';
import type { CatalogService } from '../catalog/CatalogService';
import type { SiteServices } from '../feature';
import type { PeerSites } from '../handoff/peers';
import type { SiteKeyring } from '../handoff/siteKeys';
import { signEnvelope } from '../handoff/siteSigning';
import type { JoinGrantService } from '../review/joinGrants';
import { COREVIEW_PATHS } from './coReviewMessages';
import type { OutboxMessage, SiteOutbox } from './siteOutbox';

export interface RemoteCoReviewDeps extends Pick<SiteServices, 'db' | 'clock' | 'ids' | 'ledger'> {
  keys: Pick<SiteKeyring, 'siteId' | 'signingKey'>;
  peers: Pick<PeerSites, 'byId'>;
  catalog: Pick<CatalogService, 'findOffice'>;
  grants: Pick<JoinGrantService, 'request'>;
  outbox: SiteOutbox;
  /** One delivery attempt of a queued message now (the delivery loop retries it if it fails). */
  deliverNow(m: OutboxMessage): Promise<void>;
  /** A handling office's queue changed. */
  queueChanged(officeId: string): void;
}

interface RemoteRow {
  session_id: string;
  intake_site: string;
  intake_office_id: string;
  handling_office_id: string;
  case_no: string;
  status: 'waiting' | 'accepted' | 'withdrawn' | 'timed_out';
  request_json: string;
  accepted_by: string | null;
  decision_id: string | null;
}

/** The intake site's refusals the reviewer can act on, in their own words; anything else stays the peer's refusal. */
const PEER_CODES_SHOWN = new Set(['REVIEW_ALREADY_ACCEPTED', 'GRANT_SESSION_CLOSED', 'GRANT_SITE_MISMATCH']);

/**
 * 跨站会审 at the handling site, for its own reviewer (logged in here only): accepting a peer's
 * request — the intake site, asked signed, makes the session theirs and grants them the call —
 * and deciding it: recorded and signed here, sent to the intake site through the outbox, which
 * records it there under the same decision id.
 */
export class RemoteCoReviews {
  constructor(private readonly deps: RemoteCoReviewDeps) {}

  /** The reviewer takes the request (or, having taken it, opens the call again): their ticket to the intake site's call. */
  async accept(user: SessionUser, sessionId: string): Promise<RemoteCallTicket> {
    const { db, clock, ledger } = this.deps;
    const row = this.row(sessionId);
    assertCan(user, 'review.accept', offices(row), { details: { sessionId } });
    if (row.status === 'withdrawn' || row.status === 'timed_out' || row.decision_id)
      throw new AppError('GRANT_SESSION_CLOSED', { details: { sessionId } });
    this.assertTakenBy(row, user, false);
    const grant = await this.deps.grants.request(row.intake_site, sessionId, user, { accept: true }).catch(rethrowPeerCode);
    if (row.status === 'waiting') {
      db.transaction(() => {
        const r = db
          .prepare(
            "UPDATE remote_review_requests SET status = 'accepted', accepted_by = ?, accepted_at = ? WHERE session_id = ? AND status = 'waiting'",
          )
          .run(user.id, clock.now().toISOString(), sessionId);
        if (r.changes !== 1) {
          this.assertTakenBy(this.row(sessionId), user, true);
          return;
        }
        ledger.append(actorOf(user), 'review.remote_accepted', {
          details: { sessionId, caseNo: row.case_no, intakeSite: row.intake_site, grantExpiresAt: grant.expiresAt },
        });
      })();
      this.deps.queueChanged(row.handling_office_id);
    }
    const request = JSON.parse(row.request_json) as CoReviewRequest;
    const intake = this.deps.catalog.findOffice(request.intakeOfficeId);
    return {
      sessionId,
      caseNo: row.case_no,
      itemCode: request.item.code,
      intakeSite: row.intake_site,
      intakeSiteName: intake ? `${intake.province}站点` : `${row.intake_site} 站点`,
      intakeUrl: this.deps.peers.byId(row.intake_site).url,
      grant: grant.grantId,
      expiresAt: grant.expiresAt,
    };
  }

  /**
   * 受理 / 补正 / 不予受理 by the reviewer who took it: one transaction records it, audits it and
   * queues it, signed, for the intake site; then one delivery attempt, so the answer says whether
   * the intake site has it already.
   */
  async decide(user: SessionUser, sessionId: string, body: DecisionRequest): Promise<RemoteDecisionAnswer> {
    const { db, clock, ids, ledger, keys, outbox } = this.deps;
    const row = this.row(sessionId);
    assertCan(user, 'review.decide', offices(row), { details: { sessionId } });
    if (row.status !== 'accepted' || row.decision_id) throw new AppError('REVIEW_STATE', { details: { sessionId, status: row.status } });
    this.assertTakenBy(row, user, true);
    const request = JSON.parse(row.request_json) as CoReviewRequest;
    const decidedBy: SiteReviewer = { userId: user.id, displayName: user.displayName, officeId: user.officeId, siteId: keys.siteId };
    const decision: CoReviewDecision = CoReviewDecisionSchema.parse({
      kind: 'tongban.coreview.decision.v1',
      decisionId: ids.uuid(),
      sessionId,
      caseNo: row.case_no,
      decision: body,
      decidedBy,
      decidedAt: clock.now().toISOString(),
    });
    const signed = signEnvelope(keys.signingKey(), decision);
    db.transaction(() => {
      const r = db
        .prepare('UPDATE remote_review_requests SET decision_id = ?, decision_json = ? WHERE session_id = ? AND decision_id IS NULL')
        .run(decision.decisionId, JSON.stringify(signed), sessionId);
      if (r.changes !== 1) throw new AppError('REVIEW_STATE', { details: { sessionId } });
      ledger.append(actorOf(user), 'review.remote_decided', {
        details: { sessionId, caseNo: row.case_no, intakeSite: row.intake_site, decisionId: decision.decisionId, outcome: body.outcome },
      });
      outbox.enqueue({
        peerSite: row.intake_site,
        kind: 'coreview.decision',
        path: COREVIEW_PATHS.decision,
        idempotencyKey: `${sessionId}.decision`,
        sessionId,
        caseId: request.caseId,
        body: JSON.stringify(signed),
      });
    })();
    await this.deps.deliverNow(outbox.find(sessionId, 'coreview.decision')!);
    const sent = outbox.find(sessionId, 'coreview.decision')!;
    if (sent.state === 'delivered') return { decisionId: decision.decisionId, delivery: 'delivered' };
    const error = outbox.lastError(sessionId, 'coreview.decision');
    return {
      decisionId: decision.decisionId,
      delivery: sent.state === 'failed' ? 'refused' : 'retrying',
      ...(error ? { error } : {}),
    };
  }

  private row(sessionId: string): RemoteRow {
    const row = this.deps.db.prepare('SELECT * FROM remote_review_requests WHERE session_id = ?').get(sessionId) as RemoteRow | undefined;
    if (!row) throw new AppError('REVIEW_NOT_FOUND', { details: { sessionId } });
    return row;
  }

  /** Taken by another reviewer: REVIEW_ALREADY_ACCEPTED; `required`: and it must have been taken by this one. */
  private assertTakenBy(row: RemoteRow, user: SessionUser, required: boolean): void {
    if (row.accepted_by ? row.accepted_by !== user.id : required)
      throw new AppError('REVIEW_ALREADY_ACCEPTED', { details: { sessionId: row.session_id } });
  }
}

const offices = (row: RemoteRow) => ({ intakeOfficeId: row.intake_office_id, handlingOfficeId: row.handling_office_id });

function rethrowPeerCode(e: unknown): never {
  if (isAppError(e) && e.code === 'PEER_SITE_UNREACHABLE')
    throw new AppError('PEER_SITE_UNREACHABLE', {
      details: e.details,
      zh: '收件地站点暂不可达，暂时无法接单；请求仍在队列中，请稍后再点“接单”',
      en: 'The intake site cannot be reached, so the request cannot be taken now; it stays in the queue — try 接单 again shortly',
    });
  const peerCode =
    isAppError(e) && e.code === 'PEER_SITE_REFUSED' ? (e.details as { peerError?: { code?: unknown } }).peerError?.code : undefined;
  if (typeof peerCode === 'string' && PEER_CODES_SHOWN.has(peerCode))
    throw new AppError(peerCode as 'REVIEW_ALREADY_ACCEPTED' | 'GRANT_SESSION_CLOSED' | 'GRANT_SITE_MISMATCH', { details: { peer: true } });
  throw e;
}
