import { AppError } from '@tongban/shared';
import type { DecisionOutcome } from '@tongban/shared/review/session';
import { assertCan } from '@tongban/shared/cases/access';
import {
  sampleReason,
  type ReviewQaView,
  type ReviewSampleView,
  type SampleReason,
  type SecondOpinionRequest,
} from '@tongban/shared/reviewQa/reviewQa';
import { actorOf, type SessionUser } from '../auth/AuthService';
import type { CaseService } from '../cases/CaseService';
import type { CatalogService } from '../catalog/CatalogService';
import type { SiteServices } from '../feature';

export interface ReviewQaDeps extends Pick<SiteServices, 'db' | 'clock' | 'ledger'> {
  cases: Pick<CaseService, 'onTransition' | 'getForUser'>;
  catalog: Pick<CatalogService, 'findItem'>;
  /** Share of decided co-reviews drawn at random, in percent (every 不予受理 is drawn anyway). */
  sharePercent: number;
  /** 0 ≤ r < 1; Math.random unless a test fixes the draw. */
  random: () => number;
}

interface SampleRow {
  session_id: string;
  case_id: string;
  case_no: string;
  item_code: string;
  reason: SampleReason;
  outcome: DecisionOutcome;
  reviewer_name: string | null;
  peer_json: string | null;
  sampled_at: string;
  opinion: 'agree' | 'disagree' | null;
  note: string | null;
  by_name: string | null;
  decided_at: string | null;
}

const DECISIONS = ['accept', 'request_correction', 'reject'] as const;

/**
 * 抽查复核: draws decided co-reviews in the decision's own transaction (the decision's audit event
 * says so), and records the handling office supervisor's second opinion with its own event.
 */
export class ReviewQaService {
  constructor(private readonly deps: ReviewQaDeps) {
    for (const outcome of DECISIONS) {
      deps.cases.onTransition(outcome, (c) => {
        const reason = sampleReason(outcome, deps.sharePercent, deps.random());
        if (!reason) return undefined;
        const sessionId = deps.db
          .prepare('SELECT id FROM review_sessions WHERE case_id = ? ORDER BY requested_at DESC, rowid DESC LIMIT 1')
          .pluck()
          .get(c.id) as string | undefined;
        if (!sessionId) return undefined;
        deps.db
          .prepare(
            'INSERT OR IGNORE INTO review_samples (session_id, case_id, office_id, reason, outcome, sampled_at) VALUES (?, ?, ?, ?, ?, ?)',
          )
          .run(sessionId, c.id, c.handlingOfficeId, reason, outcome, deps.clock.now().toISOString());
        return { sampledForReview: reason };
      });
    }
  }

  /** The samples of the user's (handling) office. */
  list(user: SessionUser): ReviewQaView {
    assertCan(user, 'reviewQa.view');
    const rows = this.deps.db
      .prepare(
        `SELECT s.*, c.case_no, c.item_code, u.display_name AS reviewer_name, r.accepted_peer_json AS peer_json
           FROM review_samples s JOIN cases c ON c.id = s.case_id JOIN review_sessions r ON r.id = s.session_id
           LEFT JOIN users u ON u.id = r.accepted_by
          WHERE s.office_id = ? ORDER BY s.sampled_at DESC LIMIT 500`,
      )
      .all(user.officeId) as SampleRow[];
    const views = rows.map((r) => this.view(r));
    const done = views.filter((v) => v.opinion);
    return {
      sharePercent: this.deps.sharePercent,
      pending: views.filter((v) => !v.opinion),
      done,
      figures: {
        sampled: views.length,
        agreed: done.filter((v) => v.opinion!.agree).length,
        disagreed: done.filter((v) => !v.opinion!.agree).length,
        pending: views.length - done.length,
      },
    };
  }

  secondOpinion(sessionId: string, user: SessionUser, body: SecondOpinionRequest): ReviewQaView {
    const { db, clock, ledger } = this.deps;
    const sample = db.prepare('SELECT case_id, opinion FROM review_samples WHERE session_id = ?').get(sessionId) as
      { case_id: string; opinion: string | null } | undefined;
    if (!sample) throw new AppError('NOT_FOUND', { details: { sessionId } });
    const c = this.deps.cases.getForUser(sample.case_id, user);
    assertCan(user, 'reviewQa.opinion', c);
    db.transaction(() => {
      const done = db
        .prepare('UPDATE review_samples SET opinion = ?, note = ?, by_name = ?, decided_at = ? WHERE session_id = ? AND opinion IS NULL')
        .run(body.agree ? 'agree' : 'disagree', body.note, user.displayName, clock.now().toISOString(), sessionId);
      if (done.changes !== 1) throw new AppError('REVIEW_SAMPLE_DONE', { details: { sessionId } });
      ledger.append(actorOf(user), 'review.second_opinion', { caseId: c.id, details: { sessionId, agree: body.agree, note: body.note } });
    })();
    return this.list(user);
  }

  private view(r: SampleRow): ReviewSampleView {
    const peer = r.peer_json ? (JSON.parse(r.peer_json) as { displayName: string }).displayName : null;
    return {
      sessionId: r.session_id,
      caseId: r.case_id,
      caseNo: r.case_no,
      itemName: this.deps.catalog.findItem(r.item_code)?.name ?? r.item_code,
      reason: r.reason,
      outcome: r.outcome,
      reviewerName: r.reviewer_name ?? peer,
      sampledAt: r.sampled_at,
      opinion: r.opinion ? { agree: r.opinion === 'agree', note: r.note!, byName: r.by_name!, at: r.decided_at! } : null,
    };
  }
}
