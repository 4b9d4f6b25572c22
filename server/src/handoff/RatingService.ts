import { createHash } from 'node:crypto';
import { AppError } from '@tongban/shared';
import { assertCan, seesEveryCase } from '@tongban/shared/cases/access';
import { maskIdNumbersInText } from '@tongban/shared/cases/masking';
import {
  FOLLOW_UP_BELOW,
  RATING_LEVELS,
  ratingLevel,
  type RatingLedgerRow,
  type RatingRequest,
  type RatingsLedgerView,
} from '@tongban/shared/handoff/schemas';
import { actorOf, type SessionUser } from '../auth/AuthService';
import { APPLICANT_ACTOR, type Actor } from '../audit/AuditLedger';
import type { CaseRecord, CaseWorkRule } from '../cases/CaseService';
import type { HandoffDeps } from './HandoffService';

const LINK_TTL_MS = 7 * 24 * 3600_000;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The intake window offers the rating (on its screen or as a phone link) once the case is completed. */
const RATED_AT_WINDOW: CaseWorkRule = {
  action: 'rating.rate',
  wrongState: (c) => new AppError('CASE_ILLEGAL_TRANSITION', { details: { state: c.state, action: 'rate' } }),
};

/**
 * 好差评: once the case is completed the applicant rates it on the five-level scale, on the
 * window's screen (the clerk hands it over) or through a one-time phone link. 不满意 and
 * 非常不满意 open a follow-up for the intake office's supervisor. The supervisor's ledger page
 * shows them from GET /api/ledger/ratings (not a work-ledger section: ratings belong to the
 * intake office alone, and follow-ups are closed from that list).
 */
export class RatingService {
  constructor(private readonly deps: HandoffDeps) {}

  rateAtWindow(caseId: string, user: SessionUser, body: RatingRequest): RatingLedgerRow {
    const c = this.deps.cases.getForWork(caseId, user, RATED_AT_WINDOW);
    return this.deps.db.transaction(() => this.record(c, body, 'window', actorOf(user)))();
  }

  /** A one-time link for the applicant's phone (shown as a QR on the window screen). */
  createLink(caseId: string, user: SessionUser): { token: string; path: string; expiresAt: string } {
    const c = this.deps.cases.getForWork(caseId, user, RATED_AT_WINDOW);
    const { db, ids, clock, ledger } = this.deps;
    const token = ids.token(24);
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + LINK_TTL_MS).toISOString();
    db.transaction(() => {
      db.prepare('INSERT INTO rating_links (token_hash, case_id, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)').run(
        sha256(token),
        c.id,
        user.id,
        now.toISOString(),
        expiresAt,
      );
      ledger.append(actorOf(user), 'rating.link_created', { caseId: c.id, details: { caseNo: c.caseNo, expiresAt } });
    })();
    return { token, path: `/rate/${token}`, expiresAt };
  }

  /** What the phone page shows before the applicant rates (no personal data). */
  linkInfo(token: string): { caseNo: string; itemName: string; intakeOffice: string; levels: typeof RATING_LEVELS } {
    const c = this.caseForToken(token);
    return {
      caseNo: c.caseNo,
      itemName: this.deps.catalog.findItem(c.itemCode)?.name ?? c.itemCode,
      intakeOffice: this.deps.catalog.findOffice(c.intakeOfficeId)?.name ?? c.intakeOfficeId,
      levels: RATING_LEVELS,
    };
  }

  rateByToken(token: string, body: RatingRequest): RatingLedgerRow {
    const { db, clock } = this.deps;
    return db.transaction(() => {
      const c = this.caseForToken(token);
      const used = db
        .prepare('UPDATE rating_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL')
        .run(clock.now().toISOString(), sha256(token));
      if (used.changes !== 1) throw new AppError('RATING_TOKEN_INVALID');
      return this.record(c, body, 'phone', APPLICANT_ACTOR);
    })();
  }

  /** GET /api/ledger/ratings: the user's intake office (all offices for an admin). */
  ledger(user: SessionUser): RatingsLedgerView {
    assertCan(user, 'rating.ledger');
    const rows = this.deps.db
      .prepare(
        `SELECT r.*, c.case_no, c.item_code, f.id AS f_id, f.status AS f_status, f.note AS f_note
           FROM ratings r JOIN cases c ON c.id = r.case_id LEFT JOIN rating_follow_ups f ON f.rating_id = r.id
          WHERE (@all = 1 OR c.intake_office_id = @office) ORDER BY r.rated_at DESC LIMIT 1000`,
      )
      .all({ all: seesEveryCase(user) ? 1 : 0, office: user.officeId }) as Array<{
      case_id: string;
      case_no: string;
      item_code: string;
      level: number;
      comment: string | null;
      channel: 'window' | 'phone';
      rated_at: string;
      f_id: string | null;
      f_status: 'open' | 'closed' | null;
      f_note: string | null;
    }>;
    const ratings = rows.map((r) => ({
      caseId: r.case_id,
      caseNo: r.case_no,
      itemName: this.deps.catalog.findItem(r.item_code)?.name ?? r.item_code,
      level: r.level,
      label: ratingLevel(r.level)!.zh,
      comment: r.comment,
      channel: r.channel,
      ratedAt: r.rated_at,
      followUp: r.f_id ? { id: r.f_id, status: r.f_status!, note: r.f_note } : null,
    }));
    const byLevel = Object.fromEntries(RATING_LEVELS.map((l) => [String(l.level), ratings.filter((r) => r.level === l.level).length]));
    const satisfied = ratings.filter((r) => r.level >= FOLLOW_UP_BELOW).length;
    return {
      total: ratings.length,
      byLevel,
      satisfiedRate: ratings.length ? satisfied / ratings.length : null,
      openFollowUps: ratings.filter((r) => r.followUp?.status === 'open').length,
      ratings,
    };
  }

  closeFollowUp(id: string, user: SessionUser, typed: string): void {
    assertCan(user, 'rating.followUp');
    // The route's schema masks it already; this keeps any other caller from storing a full ID number.
    const note = maskIdNumbersInText(typed);
    const { db, clock, ledger } = this.deps;
    db.transaction(() => {
      const f = db.prepare('SELECT * FROM rating_follow_ups WHERE id = ?').get(id) as { case_id: string; status: string } | undefined;
      if (!f) throw new AppError('NOT_FOUND', { details: { followUp: id } });
      assertCan(user, 'rating.followUp', this.deps.cases.get(f.case_id), { details: { followUp: id } });
      if (f.status !== 'open') return;
      db.prepare("UPDATE rating_follow_ups SET status = 'closed', closed_by = ?, closed_at = ?, note = ? WHERE id = ?").run(
        user.id,
        clock.now().toISOString(),
        note,
        id,
      );
      ledger.append(actorOf(user), 'rating.follow_up_closed', { caseId: f.case_id, details: { followUp: id, note } });
    })();
  }

  /** Inside a transaction: the rating, the `rate` transition, and a follow-up for a low rating. */
  private record(c: CaseRecord, body: RatingRequest, channel: 'window' | 'phone', actor: Actor): RatingLedgerRow {
    const { db, ids, clock, cases } = this.deps;
    const at = clock.now().toISOString();
    const ratingId = ids.uuid();
    const followUpId = body.level < FOLLOW_UP_BELOW ? ids.uuid() : null;
    db.prepare('INSERT INTO ratings (id, case_id, level, comment, channel, rated_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      ratingId,
      c.id,
      body.level,
      body.comment ?? null,
      channel,
      at,
    );
    if (followUpId) {
      db.prepare(
        "INSERT INTO rating_follow_ups (id, rating_id, case_id, office_id, status, created_at) VALUES (?, ?, ?, ?, 'open', ?)",
      ).run(followUpId, ratingId, c.id, c.intakeOfficeId, at);
    }
    cases.applyTransition(c.id, 'rate', actor, {
      details: { level: body.level, channel, ...(followUpId ? { followUp: followUpId } : {}) },
    });
    return {
      caseId: c.id,
      caseNo: c.caseNo,
      itemName: this.deps.catalog.findItem(c.itemCode)?.name ?? c.itemCode,
      level: body.level,
      label: ratingLevel(body.level)!.zh,
      comment: body.comment ?? null,
      channel,
      ratedAt: at,
      followUp: followUpId ? { id: followUpId, status: 'open', note: null } : null,
    };
  }

  private caseForToken(token: string): CaseRecord {
    const row = this.deps.db.prepare('SELECT case_id, expires_at, used_at FROM rating_links WHERE token_hash = ?').get(sha256(token)) as
      { case_id: string; expires_at: string; used_at: string | null } | undefined;
    if (!row || row.used_at || row.expires_at <= this.deps.clock.now().toISOString()) throw new AppError('RATING_TOKEN_INVALID');
    const c = this.deps.cases.get(row.case_id);
    if (c.state !== 'completed') throw new AppError('RATING_TOKEN_INVALID', { details: { state: c.state } });
    return c;
  }
}
