import { createHash } from 'node:crypto';
import { AppError } from '@tongban/shared';
import { assertCan, can, seesEveryCase } from '@tongban/shared/cases/access';
import { maskIdNumbersInText } from '@tongban/shared/cases/masking';
import {
  DEFAULT_RATING_LEVEL,
  defaultRatingDue,
  followUpDeadlines,
  RATING_INDICATORS,
  type AppealStatus,
  type RatingAppendRequest,
  type RatingPeriods,
} from '@tongban/shared/handoff/ratingRules';
import { chinaDate } from '@tongban/shared/cases/chinaTime';
import {
  FOLLOW_UP_BELOW,
  RATING_LEVELS,
  ratingLevel,
  type RatingLedgerRow,
  type RatingRequest,
  type RatingsLedgerView,
} from '@tongban/shared/handoff/schemas';
import { actorOf, type SessionUser } from '../auth/AuthService';
import type { CaseRecord, CaseWorkRule } from '../cases/CaseService';
import type { WorkCalendarSource } from '../calendar/WorkCalendarService';
import { APPLICANT_ACTOR, SYSTEM_ACTOR, type Actor } from '../audit/AuditLedger';
import type { HandoffDeps } from './HandoffService';

export type RatingDeps = HandoffDeps & { calendar: WorkCalendarSource; periods: RatingPeriods };

interface LedgerRow extends RatingRow {
  case_no: string;
  item_code: string;
  f_id: string | null;
  f_status: 'open' | 'closed' | null;
  f_note: string | null;
  callback_due: string | null;
  rectify_due: string | null;
  called_back_at: string | null;
  callback_note: string | null;
  a_status: AppealStatus | null;
  a_reason: string | null;
  a_filed_by: string | null;
  a_decision: string | null;
  a_decided_by: string | null;
}

interface RatingRow {
  id: string;
  case_id: string;
  level: number;
  comment: string | null;
  channel: 'window' | 'phone';
  kind: 'applicant' | 'default';
  indicators_json: string | null;
  rated_at: string;
  appended_comment: string | null;
  appended_at: string | null;
}

const LINK_TTL_MS = 7 * 24 * 3600_000;

/** A rating with its case, follow-up and appeal, as the ledger reads it (callers add WHERE …). */
const LEDGER_SELECT = `SELECT r.*, c.case_no, c.item_code,
    f.id AS f_id, f.status AS f_status, f.note AS f_note, f.callback_due, f.rectify_due, f.called_back_at, f.callback_note,
    a.status AS a_status, a.reason AS a_reason, a.filed_by_name AS a_filed_by, a.decision_reason AS a_decision, a.decided_by_name AS a_decided_by
  FROM ratings r JOIN cases c ON c.id = r.case_id
  LEFT JOIN rating_follow_ups f ON f.rating_id = r.id
  LEFT JOIN rating_appeals a ON a.rating_id = r.id`;
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
  constructor(private readonly deps: RatingDeps) {}

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

  /**
   * GET /api/ledger/ratings: the user's intake office (all offices for an admin). A rating removed on
   * appeal is listed but left out of the figures. Clerks, the staff rated, get the figures only: no
   * row that could lead them to the rater.
   */
  ledger(user: SessionUser): RatingsLedgerView {
    assertCan(user, 'rating.ledger');
    const rows = this.deps.db
      .prepare(`${LEDGER_SELECT} WHERE (@all = 1 OR c.intake_office_id = @office) ORDER BY r.rated_at DESC LIMIT 1000`)
      .all({ all: seesEveryCase(user) ? 1 : 0, office: user.officeId }) as Array<LedgerRow>;
    const toDecide = this.deps.db
      .prepare(`${LEDGER_SELECT} WHERE c.handling_office_id = ? AND c.intake_office_id <> ? AND a.status = 'pending' ORDER BY a.filed_at`)
      .all(user.officeId, user.officeId) as Array<LedgerRow>;
    const today = chinaDate(this.deps.clock.now());
    const ratings = rows.map((r) => this.ledgerRow(r, today));
    const counted = ratings.filter((r) => r.appeal?.status !== 'approved');
    const byLevel = Object.fromEntries(RATING_LEVELS.map((l) => [String(l.level), counted.filter((r) => r.level === l.level).length]));
    const byIndicator = Object.fromEntries(
      RATING_INDICATORS.map((i) => {
        const given = counted.flatMap((r) => (r.indicators?.[i.code] !== undefined ? [r.indicators[i.code]!] : []));
        return [i.code, { count: given.length, average: given.length ? given.reduce((x, y) => x + y, 0) / given.length : null }];
      }),
    ) as RatingsLedgerView['byIndicator'];
    const satisfied = counted.filter((r) => r.level >= FOLLOW_UP_BELOW).length;
    return {
      total: counted.length,
      byLevel,
      byIndicator,
      satisfiedRate: counted.length ? satisfied / counted.length : null,
      openFollowUps: counted.filter((r) => r.followUp?.status === 'open').length,
      overdueFollowUps: counted.filter((r) => r.followUp?.overdue).length,
      defaults: counted.filter((r) => r.kind === 'default').length,
      removedOnAppeal: ratings.length - counted.length,
      ratings: user.role === 'clerk' ? [] : ratings,
      appealsToDecide: can(user, 'rating.appealDecide') ? toDecide.map((r) => this.ledgerRow(r, today)) : [],
    };
  }

  /**
   * Records 满意 for every case completed longer ago than the rules allow without a rating, as the
   * system, through the state machine. Run by the module's timer; returns the cases rated.
   */
  applyDefaults(): string[] {
    const { db, clock, cases } = this.deps;
    const now = clock.now();
    const completed = db
      .prepare(
        `SELECT c.id, MAX(e.at) AS completed_at FROM cases c JOIN audit_events e ON e.case_id = c.id AND e.action = 'case.complete'
          WHERE c.state = 'completed' GROUP BY c.id`,
      )
      .all() as Array<{ id: string; completed_at: string }>;
    const due = completed.filter((c) => defaultRatingDue(new Date(c.completed_at), this.deps.periods) <= now);
    for (const { id } of due) {
      db.transaction(() => this.record(cases.get(id), { level: DEFAULT_RATING_LEVEL }, 'window', SYSTEM_ACTOR, 'default'))();
    }
    return due.map((c) => c.id);
  }

  /** 追评 at the window: once per rating, never for a default one (the applicant did not rate). */
  append(caseId: string, user: SessionUser, body: RatingAppendRequest): RatingLedgerRow {
    const c = this.deps.cases.getForUser(caseId, user);
    assertCan(user, 'rating.append', c);
    const { db, clock, ledger } = this.deps;
    db.transaction(() => {
      const r = this.ratingOf(c.id);
      if (r.kind === 'default') throw new AppError('RATING_APPEND_DEFAULT', { details: { caseId: c.id } });
      const done = db
        .prepare('UPDATE ratings SET appended_comment = ?, appended_at = ? WHERE id = ? AND appended_at IS NULL')
        .run(body.comment, clock.now().toISOString(), r.id);
      if (done.changes !== 1) throw new AppError('RATING_APPEND_ONCE', { details: { caseId: c.id } });
      ledger.append(APPLICANT_ACTOR, 'rating.appended', { caseId: c.id, details: { comment: body.comment, recordedBy: user.displayName } });
    })();
    return this.rowOf(c.id);
  }

  /** 回访: the supervisor called the applicant back (due within the call-back period). */
  recordCallback(id: string, user: SessionUser, note: string): void {
    assertCan(user, 'rating.followUp');
    const { db, clock, ledger } = this.deps;
    db.transaction(() => {
      const f = this.followUp(id, user);
      if (f.status !== 'open' || f.called_back_at) throw new AppError('RATING_CALLBACK_DONE', { details: { followUp: id } });
      db.prepare('UPDATE rating_follow_ups SET called_back_at = ?, callback_note = ? WHERE id = ?').run(
        clock.now().toISOString(),
        note,
        id,
      );
      ledger.append(actorOf(user), 'rating.called_back', { caseId: f.case_id, details: { followUp: id, note } });
    })();
  }

  /** 申诉复核, filed by the rated office's supervisor. */
  appeal(caseId: string, user: SessionUser, reason: string): RatingLedgerRow {
    const c = this.deps.cases.getForUser(caseId, user);
    assertCan(user, 'rating.appeal', c);
    const { db, clock, ledger } = this.deps;
    db.transaction(() => {
      const r = this.ratingOf(c.id);
      if (db.prepare('SELECT 1 FROM rating_appeals WHERE rating_id = ?').get(r.id))
        throw new AppError('RATING_APPEAL_EXISTS', { details: { caseId: c.id } });
      db.prepare(
        "INSERT INTO rating_appeals (rating_id, case_id, reason, filed_by_name, filed_at, status) VALUES (?, ?, ?, ?, ?, 'pending')",
      ).run(r.id, c.id, reason, user.displayName, clock.now().toISOString());
      ledger.append(actorOf(user), 'rating.appealed', { caseId: c.id, details: { reason } });
    })();
    return this.rowOf(c.id);
  }

  /** The other office's supervisor decides the appeal; approved, the rating leaves the figures (its rows and events stay). */
  decideAppeal(caseId: string, user: SessionUser, body: { approve: boolean; reason: string }): RatingLedgerRow {
    const c = this.deps.cases.getForUser(caseId, user);
    assertCan(user, 'rating.appealDecide', c);
    const { db, clock, ledger } = this.deps;
    db.transaction(() => {
      const r = this.ratingOf(c.id);
      const done = db
        .prepare(
          "UPDATE rating_appeals SET status = ?, decided_by_name = ?, decided_at = ?, decision_reason = ? WHERE rating_id = ? AND status = 'pending'",
        )
        .run(body.approve ? 'approved' : 'rejected', user.displayName, clock.now().toISOString(), body.reason, r.id);
      if (done.changes !== 1) throw new AppError('RATING_APPEAL_NONE', { details: { caseId: c.id } });
      ledger.append(actorOf(user), 'rating.appeal_decided', { caseId: c.id, details: { approved: body.approve, reason: body.reason } });
    })();
    return this.rowOf(c.id);
  }

  closeFollowUp(id: string, user: SessionUser, typed: string): void {
    assertCan(user, 'rating.followUp');
    // The route's schema masks it already; this keeps any other caller from storing a full ID number.
    const note = maskIdNumbersInText(typed);
    const { db, clock, ledger } = this.deps;
    db.transaction(() => {
      const f = this.followUp(id, user);
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

  /** Inside a transaction: the rating, the `rate` transition, and a follow-up (with its deadlines) for a low rating. */
  private record(
    c: CaseRecord,
    body: RatingRequest,
    channel: 'window' | 'phone',
    actor: Actor,
    kind: 'applicant' | 'default' = 'applicant',
  ): RatingLedgerRow {
    const { db, ids, clock, cases } = this.deps;
    const now = clock.now();
    const at = now.toISOString();
    const ratingId = ids.uuid();
    const followUpId = body.level < FOLLOW_UP_BELOW ? ids.uuid() : null;
    db.prepare(
      'INSERT INTO ratings (id, case_id, level, comment, channel, rated_at, kind, indicators_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(ratingId, c.id, body.level, body.comment ?? null, channel, at, kind, body.indicators ? JSON.stringify(body.indicators) : null);
    if (followUpId) {
      const due = followUpDeadlines(now, this.deps.periods, this.deps.calendar.current());
      db.prepare(
        "INSERT INTO rating_follow_ups (id, rating_id, case_id, office_id, status, created_at, callback_due, rectify_due) VALUES (?, ?, ?, ?, 'open', ?, ?, ?)",
      ).run(followUpId, ratingId, c.id, c.intakeOfficeId, at, due.callbackDue, due.rectifyDue);
    }
    cases.applyTransition(c.id, 'rate', actor, {
      details: {
        level: body.level,
        channel,
        ...(kind === 'default' ? { default: true } : {}),
        ...(followUpId ? { followUp: followUpId } : {}),
      },
    });
    return this.rowOf(c.id);
  }

  private ratingOf(caseId: string): RatingRow {
    const r = this.deps.db.prepare('SELECT * FROM ratings WHERE case_id = ?').get(caseId) as RatingRow | undefined;
    if (!r) throw new AppError('NOT_FOUND', { details: { caseId, rating: null } });
    return r;
  }

  private followUp(id: string, user: SessionUser): { case_id: string; status: string; called_back_at: string | null } {
    const f = this.deps.db.prepare('SELECT * FROM rating_follow_ups WHERE id = ?').get(id) as
      { case_id: string; status: string; called_back_at: string | null } | undefined;
    if (!f) throw new AppError('NOT_FOUND', { details: { followUp: id } });
    assertCan(user, 'rating.followUp', this.deps.cases.get(f.case_id), { details: { followUp: id } });
    return f;
  }

  /** One case's rating as the ledger lists it. */
  private rowOf(caseId: string): RatingLedgerRow {
    const row = this.deps.db.prepare(`${LEDGER_SELECT} WHERE r.case_id = ?`).get(caseId) as LedgerRow;
    return this.ledgerRow(row, chinaDate(this.deps.clock.now()));
  }

  private ledgerRow(r: LedgerRow, today: string): RatingLedgerRow {
    const open = r.f_status === 'open';
    const overdue = !open ? null : !r.called_back_at && r.callback_due! < today ? 'callback' : r.rectify_due! < today ? 'rectify' : null;
    return {
      caseId: r.case_id,
      caseNo: r.case_no,
      itemName: this.deps.catalog.findItem(r.item_code)?.name ?? r.item_code,
      level: r.level,
      label: ratingLevel(r.level)!.zh,
      comment: r.comment,
      channel: r.channel,
      kind: r.kind,
      indicators: r.indicators_json ? (JSON.parse(r.indicators_json) as RatingLedgerRow['indicators']) : null,
      ratedAt: r.rated_at,
      appended: r.appended_at ? { comment: r.appended_comment!, at: r.appended_at } : null,
      followUp: r.f_id
        ? {
            id: r.f_id,
            status: r.f_status!,
            note: r.f_note,
            callbackDue: r.callback_due,
            calledBackAt: r.called_back_at,
            callbackNote: r.callback_note,
            rectifyDue: r.rectify_due,
            overdue,
          }
        : null,
      appeal: r.a_status
        ? {
            status: r.a_status,
            reason: r.a_reason!,
            filedByName: r.a_filed_by!,
            decisionReason: r.a_decision,
            decidedByName: r.a_decided_by,
          }
        : null,
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
