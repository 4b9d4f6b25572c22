import { AppError } from '@tongban/shared';
import type { BagReview, OwnDecisionRecord } from '@tongban/shared/handoff/received';
import type { SignedDecision } from '@tongban/shared/review/crossSite';
import type { SiteServices } from '../feature';
import { PeerSites } from '../handoff/peers';
import type { ImportedCase, ReviewRecordKeeper } from '../handoff/receivedReviews';

interface DecidedRow {
  session_id: string;
  decision_id: string | null;
  decision_json: string | null;
  linked_at: string | null;
}

/**
 * At the handling site: the decision this site's reviewer signed in a cross-site co-review, met
 * again in the bag the intake site transfers later. The bag must carry that very decision (same
 * id, same signature); the import links the received case to it, audited, or is refused.
 */
export class OwnDecisions implements ReviewRecordKeeper {
  constructor(private readonly deps: Pick<SiteServices, 'db' | 'clock' | 'ledger'> & { siteId: string }) {}

  imported(c: ImportedCase, review: BagReview | null): void {
    if (!review) return;
    const { db, clock, ledger, siteId } = this.deps;
    const row = db
      .prepare(
        'SELECT session_id, decision_id, decision_json, linked_at FROM remote_review_requests WHERE session_id = ? AND intake_site = ?',
      )
      .get(review.sessionId, c.fromSite) as DecidedRow | undefined;
    const claimsOurs =
      review.signedDecision !== undefined && (review.signedDecision.payload as SignedDecision['payload']).decidedBy?.siteId === siteId;
    const ours = row?.decision_json ? (JSON.parse(row.decision_json) as SignedDecision) : undefined;
    // A co-review this site did not decide (decided at the intake site, say): nothing of ours to link.
    if (!ours && !claimsOurs) return;
    const carried = review.decision?.decisionId;
    if (!ours || carried !== ours.payload.decisionId || review.signedDecision?.signature !== ours.signature) {
      throw new AppError('BAG_DECISION_MISMATCH', {
        details: { sessionId: review.sessionId, bagDecisionId: carried ?? null, ownDecisionId: ours?.payload.decisionId ?? null },
      });
    }
    db.prepare('UPDATE remote_review_requests SET linked_case_id = ?, linked_at = ? WHERE session_id = ?').run(
      c.caseId,
      clock.now().toISOString(),
      review.sessionId,
    );
    ledger.append(PeerSites.actor(c.fromSite), 'review.remote_decision_linked', {
      caseId: c.caseId,
      details: { caseNo: c.caseNo, sessionId: review.sessionId, decisionId: ours.payload.decisionId, transferId: c.transferId },
    });
  }

  recordFor(caseId: string): OwnDecisionRecord | null {
    const row = this.deps.db
      .prepare(
        'SELECT session_id, decision_id, decision_json, linked_at FROM remote_review_requests WHERE linked_case_id = ? ORDER BY linked_at DESC LIMIT 1',
      )
      .get(caseId) as DecidedRow | undefined;
    if (!row?.decision_json || !row.linked_at) return null;
    const { payload } = JSON.parse(row.decision_json) as SignedDecision;
    return {
      decisionId: payload.decisionId,
      outcome: payload.decision.outcome,
      decidedByName: payload.decidedBy.displayName,
      decidedAt: payload.decidedAt,
      linkedAt: row.linked_at,
    };
  }
}
