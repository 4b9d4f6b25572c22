import { AppError, CASE_ACTIONS, type CaseAction } from '@tongban/shared';
import { assertCan, seesEveryCase } from '@tongban/shared/cases/access';
import { chinaDate } from '@tongban/shared/cases/chinaTime';
import { chinaDays, onTimeRate, percentile, statesByDay, type CaseTimeline, type DashboardView } from '@tongban/shared/dashboard/figures';
import { RATING_INDICATORS } from '@tongban/shared/handoff/ratingRules';
import { RATING_LEVELS } from '@tongban/shared/handoff/schemas';
import type { SessionUser } from '../auth/AuthService';
import type { CatalogService } from '../catalog/CatalogService';
import type { SiteServices } from '../feature';
import type { StepService } from '../steps/StepService';

export interface DashboardDeps extends Pick<SiteServices, 'db' | 'clock'> {
  catalog: Pick<CatalogService, 'findOffice'>;
  /** 环节时限: each office's on-time rate per step over the same cases. */
  steps: Pick<StepService, 'onTimeByOfficeStep'>;
}

const DAY_MS = 86_400_000;
const TRANSITION_EVENTS = CASE_ACTIONS.map((a) => `case.${a}`);

/**
 * 监督看板: the figures of the cases a supervisor's office takes part in (every case for an
 * admin), over the last `days` China days. Read straight from the tables, so each figure can be
 * checked against a direct count.
 */
export class DashboardService {
  constructor(private readonly deps: DashboardDeps) {}

  view(user: SessionUser, days: number): DashboardView {
    assertCan(user, 'dashboard.view');
    if (!Number.isInteger(days) || days < 1 || days > 366) {
      throw new AppError('VALIDATION_FAILED', { details: { days }, zh: '统计天数应为 1–366', en: 'days must be 1–366' });
    }
    const { db, clock } = this.deps;
    const now = clock.now();
    const range = chinaDays(new Date(now.getTime() - (days - 1) * DAY_MS), now);
    const scope = seesEveryCase(user) ? '1 = 1' : '(c.intake_office_id = @office OR c.handling_office_id = @office)';
    const p = { office: user.officeId };

    const cases = db.prepare(`SELECT c.id, c.created_at, c.deadline, c.handling_office_id FROM cases c WHERE ${scope}`).all(p) as Array<{
      id: string;
      created_at: string;
      deadline: string;
      handling_office_id: string;
    }>;
    const events = db
      .prepare(
        `SELECT e.case_id, e.action, e.at FROM audit_events e JOIN cases c ON c.id = e.case_id
          WHERE ${scope} AND e.action IN (${TRANSITION_EVENTS.map((_, i) => `@a${i}`).join(',')}) ORDER BY e.seq`,
      )
      .all({ ...p, ...Object.fromEntries(TRANSITION_EVENTS.map((a, i) => [`a${i}`, a])) }) as Array<{
      case_id: string;
      action: string;
      at: string;
    }>;
    const timelines = new Map<string, CaseTimeline & { transitions: Array<{ action: CaseAction; at: string }> }>(
      cases.map((c) => [c.id, { createdAt: c.created_at, transitions: [] }]),
    );
    for (const e of events) timelines.get(e.case_id)?.transitions.push({ action: e.action.slice(5) as CaseAction, at: e.at });

    const finished = new Map<string, Array<{ finishedOn: string; dueOn: string }>>();
    for (const c of cases) {
      const done = timelines.get(c.id)!.transitions.find((t) => t.action === 'complete');
      if (!done) continue;
      const list = finished.get(c.handling_office_id) ?? [];
      list.push({ finishedOn: chinaDate(new Date(done.at)), dueOn: c.deadline });
      finished.set(c.handling_office_id, list);
    }

    const ratings = db
      .prepare(
        `SELECT r.level, r.indicators_json FROM ratings r JOIN cases c ON c.id = r.case_id
           LEFT JOIN rating_appeals a ON a.rating_id = r.id
          WHERE ${scope} AND (a.status IS NULL OR a.status <> 'approved')`,
      )
      .all(p) as Array<{ level: number; indicators_json: string | null }>;
    const indicators = ratings.flatMap((r) => (r.indicators_json ? [JSON.parse(r.indicators_json) as Record<string, number>] : []));

    const sessions = db
      .prepare(
        `SELECT s.status, s.requested_at, s.accepted_at, COALESCE(u.display_name, json_extract(s.accepted_peer_json, '$.displayName')) AS reviewer
           FROM review_sessions s JOIN cases c ON c.id = s.case_id LEFT JOIN users u ON u.id = s.accepted_by WHERE ${scope}`,
      )
      .all(p) as Array<{ status: string; requested_at: string; accepted_at: string | null; reviewer: string | null }>;
    const answered = sessions.filter((s) => s.accepted_at);
    const abandoned = sessions.filter((s) => s.status === 'cancelled' && !s.accepted_at).length;
    const waits = answered.map((s) => (Date.parse(s.accepted_at!) - Date.parse(s.requested_at)) / 1000);
    const perReviewer = new Map<string, number>();
    for (const s of answered) if (s.reviewer) perReviewer.set(s.reviewer, (perReviewer.get(s.reviewer) ?? 0) + 1);

    const samples = db
      .prepare(`SELECT s.opinion FROM review_samples s JOIN cases c ON c.id = s.case_id WHERE ${scope}`)
      .pluck()
      .all(p) as Array<string | null>;

    return {
      from: range[0]!,
      to: range[range.length - 1]!,
      generatedAt: now.toISOString(),
      statesByDay: statesByDay([...timelines.values()], range),
      onTimeByOffice: [...finished].map(([officeId, done]) => ({
        officeId,
        officeName: this.deps.catalog.findOffice(officeId)?.name ?? officeId,
        ...onTimeRate(done),
      })),
      onTimeByOfficeStep: this.deps.steps.onTimeByOfficeStep(cases.map((c) => c.id)),
      ratingsByLevel: RATING_LEVELS.map((l) => ({ level: l.level, count: ratings.filter((r) => r.level === l.level).length })),
      ratingsByIndicator: RATING_INDICATORS.map((i) => {
        const given = indicators.flatMap((x) => (typeof x[i.code] === 'number' ? [x[i.code]!] : []));
        return { code: i.code, count: given.length, average: given.length ? given.reduce((a, b) => a + b, 0) / given.length : null };
      }),
      coReview: {
        answered: answered.length,
        abandoned,
        abandonRate: answered.length + abandoned ? abandoned / (answered.length + abandoned) : null,
        waitMedianSeconds: percentile(waits, 50),
        waitP90Seconds: percentile(waits, 90),
      },
      sessionsByReviewer: [...perReviewer]
        .map(([reviewerName, n]) => ({ reviewerName, sessions: n }))
        .sort((a, b) => b.sessions - a.sessions),
      secondOpinions: {
        sampled: samples.length,
        agreed: samples.filter((o) => o === 'agree').length,
        disagreed: samples.filter((o) => o === 'disagree').length,
        pending: samples.filter((o) => o === null).length,
      },
    };
  }
}
