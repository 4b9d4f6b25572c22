import type { ServiceItem } from '@tongban/shared';
import { caseSides, type CaseSide } from '@tongban/shared/cases/access';
import {
  STEPS,
  caseSteps,
  STEP_EVENT_ACTIONS,
  isStepCode,
  stepLimitsFor,
  stepOnTimeRates,
  type CaseStep,
  type CaseStepsView,
  type ItemStepsView,
  type LedgerStepsSection,
  type StepFacts,
  type StepLimits,
  type StepOnTime,
  type StepOverride,
} from '@tongban/shared/cases/steps';
import type { NotificationView } from '@tongban/shared/notifications/notifications';
import type { Role } from '@tongban/shared';
import { SYSTEM_ACTOR, type Actor, type AuditEvent } from '../audit/AuditLedger';
import type { SessionUser } from '../auth/AuthService';
import type { WorkCalendarSource } from '../calendar/WorkCalendarService';
import type { CaseRecord, CaseService } from '../cases/CaseService';
import type { CatalogService } from '../catalog/CatalogService';
import type { SiteServices } from '../feature';
import { hasOriginals } from '../handoff/envelopes';
import type { HandoffService } from '../handoff/HandoffService';
import type { PeerSites } from '../handoff/peers';
import type { NotificationService } from '../notifications/NotificationService';
import type { LedgerCaseRow } from '../workLedger/WorkLedgerService';

export interface StepDeps extends Pick<SiteServices, 'db' | 'clock' | 'ledger' | 'log'> {
  cases: Pick<CaseService, 'get' | 'getMany' | 'getForUser'>;
  catalog: Pick<CatalogService, 'findItem' | 'getItem' | 'findOffice'>;
  calendar: WorkCalendarSource;
  /** How the case left the window (courier or online), and whether its handling office is at a peer site. */
  bags: Pick<HandoffService, 'transferMode'>;
  peers: Pick<PeerSites, 'forOffice'>;
  notifications: NotificationService;
  remindHours: number;
}

/** What steps() reads for a case: a report over many cases reads it for all of them at once. */
interface CaseInputs {
  item: ServiceItem | undefined;
  limits: StepLimits;
  events: readonly AuditEvent[];
}

interface OverrideRow {
  step: string;
  limit_days: number | null;
  responsible_side: CaseSide | null;
}

/** Cases whose steps may still be running (before 受理 nothing is timed; rated, rejected and withdrawn ones are over). */
const TIMED_STATES = ['accepted', 'handed_off', 'in_handling', 'completed'] as const;

/**
 * 环节时限 at this site: each step's limit per catalogue item (service_item_steps over the
 * defaults), each case's step table, the 超时环节 list and on-time rates, and the check that
 * reminds the responsible office before a step is due and records once when it goes late.
 */
export class StepService {
  constructor(private readonly deps: StepDeps) {}

  overrides(itemCode: string): StepOverride[] {
    const rows = this.deps.db
      .prepare('SELECT step, limit_days, responsible_side FROM service_item_steps WHERE item_code = ?')
      .all(itemCode) as OverrideRow[];
    return rows.flatMap((r) => (isStepCode(r.step) ? [{ step: r.step, days: r.limit_days, side: r.responsible_side }] : []));
  }

  limits(item: Pick<ServiceItem, 'code' | 'timeLimitDays'>): StepLimits {
    return stepLimitsFor(item, this.overrides(item.code));
  }

  /** GET /api/catalog/items/:code/steps: the item's limits and who answers for each step. */
  itemSteps(itemCode: string): ItemStepsView {
    const item = this.deps.catalog.getItem(itemCode);
    const limits = stepLimitsFor(item, this.overrides(item.code));
    const defaults = stepLimitsFor(item);
    return {
      itemCode,
      steps: STEPS.map((s) => ({ code: s.code, ...limits[s.code], default: { days: defaults[s.code].days, side: defaults[s.code].side } })),
    };
  }

  /** Sets an item's own step limits (the seed's, or an admin's on 环节时限设置), with one audit event. */
  setItemSteps(itemCode: string, overrides: readonly StepOverride[], actor: Actor): void {
    const { db, ledger } = this.deps;
    const item = this.deps.catalog.getItem(itemCode);
    db.transaction(() => {
      db.prepare('DELETE FROM service_item_steps WHERE item_code = ?').run(itemCode);
      const insert = db.prepare('INSERT INTO service_item_steps (item_code, step, limit_days, responsible_side) VALUES (?, ?, ?, ?)');
      for (const o of overrides) insert.run(itemCode, o.step, o.days ?? null, o.side ?? null);
      ledger.append(actor, 'catalog.item_steps_set', {
        details: { itemCode, name: item.name, steps: overrides.length, overrides: overrides.map((o) => ({ ...o })) },
      });
    })();
  }

  /** What the case's history says, read from this site's tables (its item and audit events as given). */
  private facts(c: CaseRecord, { item, events }: Pick<CaseInputs, 'item' | 'events'>): StepFacts {
    const { db } = this.deps;
    const mode = this.deps.bags.transferMode(c);
    const result = db.prepare('SELECT origin, delivery, decided_at, sent_at FROM case_results WHERE case_id = ?').get(c.id) as
      { origin: 'local' | 'peer'; delivery: 'document' | 'mail'; decided_at: string; sent_at: string | null } | undefined;
    // The result is at the intake window: on arrival there (peer), once the intake site acknowledged it, or at once on one site.
    const atIntakeAt = !result ? null : result.origin === 'peer' || c.sourceSite ? result.sent_at : result.decided_at;
    return {
      state: c.state,
      events: events.map((e) => ({ action: e.action, at: e.at, details: e.details })),
      paper:
        hasOriginals(item) || mode === 'courier' || (mode === undefined && !c.sourceSite && !this.deps.peers.forOffice(c.handlingOfficeId)),
      receivedByTransfer: Boolean(c.sourceSite),
      result: result && { decidedAt: result.decided_at, delivery: result.delivery, atIntakeAt },
    };
  }

  steps(
    c: CaseRecord,
    now = this.deps.clock.now(),
    inputs: CaseInputs = { ...this.itemInputs(c.itemCode), events: this.deps.ledger.forCase(c.id) },
  ): CaseStep[] {
    return caseSteps(this.facts(c, inputs), inputs.limits, now, this.deps.calendar.current(), { remindHours: this.deps.remindHours });
  }

  /** A catalogue item and its step limits (an item no longer in the catalogue: no limits of its own). */
  private itemInputs(itemCode: string): Pick<CaseInputs, 'item' | 'limits'> {
    const item = this.deps.catalog.findItem(itemCode);
    return { item, limits: this.limits(item ?? { code: itemCode, timeLimitDays: 0 }) };
  }

  /**
   * steps() for every case of a report: the step events of all of them in one query, each
   * item and its limits read once (the work ledger over 250 cases spent 30 ms in per-case reads).
   */
  private stepsOfMany(cases: readonly CaseRecord[], now: Date): CaseStep[][] {
    const events = this.deps.ledger.forCases(
      cases.map((c) => c.id),
      STEP_EVENT_ACTIONS,
    );
    const perItem = new Map<string, Pick<CaseInputs, 'item' | 'limits'>>();
    return cases.map((c) => {
      let item = perItem.get(c.itemCode);
      if (!item) perItem.set(c.itemCode, (item = this.itemInputs(c.itemCode)));
      return this.steps(c, now, { ...item, events: events.get(c.id) ?? [] });
    });
  }

  /** GET /api/cases/:id/steps: whoever may read the case. */
  forCase(caseId: string, user: SessionUser): CaseStepsView {
    const c = this.deps.cases.getForUser(caseId, user);
    const now = this.deps.clock.now();
    return {
      caseId: c.id,
      generatedAt: now.toISOString(),
      steps: this.steps(c, now).map((s) => {
        const officeId = officeOf(c)[s.side];
        return { ...s, officeId, officeName: this.officeName(officeId) };
      }),
    };
  }

  /** The work ledger's 超时环节 and per-step on-time rates over the cases the supervisor sees. */
  ledgerSection(rows: readonly LedgerCaseRow[]): LedgerStepsSection {
    const now = this.deps.clock.now();
    const stalled: LedgerStepsSection['stalled'] = [];
    const all: Array<{ officeOf: Record<CaseSide, string>; steps: CaseStep[] }> = [];
    const cases = this.deps.cases.getMany(rows.map((r) => r.id));
    const stepsOf = this.stepsOfMany(cases, now);
    for (const [i, r] of rows.entries()) {
      const c = cases[i]!;
      const steps = stepsOf[i]!;
      all.push({ officeOf: officeOf(c), steps });
      for (const s of steps) {
        if (s.status !== 'late') continue;
        const officeId = officeOf(c)[s.side];
        stalled.push({
          caseId: c.id,
          caseNo: c.caseNo,
          itemName: r.itemName,
          step: s.code,
          officeId,
          officeName: this.officeName(officeId),
          dueAt: s.dueAt!,
          startedAt: s.startedAt!,
        });
      }
    }
    stalled.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
    return { stalled, onTime: this.named(stepOnTimeRates(all)) };
  }

  /** Per office and step, for the dashboard: the steps of these cases done, and how many on time. */
  onTimeByOfficeStep(caseIds: readonly string[]): Array<StepOnTime & { officeName: string }> {
    const cases = this.deps.cases.getMany(caseIds);
    const stepsOf = this.stepsOfMany(cases, this.deps.clock.now());
    return this.named(stepOnTimeRates(cases.map((c, i) => ({ officeOf: officeOf(c), steps: stepsOf[i]! }))));
  }

  /**
   * The scheduled check: a step due soon reminds the users of the office answering for it, once;
   * a step gone late is recorded once (step.overdue) and tells them too. An office at a configured
   * peer site is left to that site's own check (its users are there). Returns what it sent.
   */
  sweep(): Array<{ caseId: string; step: string; kind: 'reminder' | 'overdue' }> {
    const { db, clock, ledger, notifications } = this.deps;
    const now = clock.now();
    const sent: Array<{ caseId: string; step: string; kind: 'reminder' | 'overdue' }> = [];
    const ids = db
      .prepare(`SELECT id FROM cases WHERE state IN (${TIMED_STATES.map(() => '?').join(', ')}) ORDER BY created_at`)
      .pluck()
      .all(...TIMED_STATES) as string[];
    for (const id of ids) {
      const c = this.deps.cases.get(id);
      for (const s of this.steps(c, now)) {
        if (s.status !== 'due_soon' && s.status !== 'late') continue;
        const officeId = officeOf(c)[s.side];
        const office = this.deps.catalog.findOffice(officeId);
        if (!office || this.deps.peers.forOffice(officeId)) continue;
        const kind = s.status === 'late' ? 'overdue' : 'reminder';
        const created = db.transaction(() => {
          const fresh = db
            .prepare(
              `INSERT OR IGNORE INTO step_alerts (case_id, step, kind, started_at, office_id, due_at, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(c.id, s.code, kind, s.startedAt, officeId, s.dueAt, now.toISOString());
          if (fresh.changes === 0) return undefined;
          const users = this.responsibleUsers(c, s.side);
          const details = { step: s.code, side: s.side, officeId, officeName: office.name, dueAt: s.dueAt, recipients: users.length };
          if (kind === 'reminder') ledger.append(SYSTEM_ACTOR, 'step.reminder_sent', { caseId: c.id, details });
          else ledger.append(SYSTEM_ACTOR, 'step.overdue', { caseId: c.id, details });
          return notifications.create(users, {
            kind: kind === 'reminder' ? 'step_due_soon' : 'step_overdue',
            caseId: c.id,
            caseNo: c.caseNo,
            step: s.code,
            officeName: office.name,
            dueAt: s.dueAt!,
          });
        })();
        if (!created) continue;
        notifications.announce(created as Array<NotificationView & { userId: string }>);
        sent.push({ caseId: c.id, step: s.code, kind });
      }
    }
    return sent;
  }

  /** The active users of the office working that side of the case (clerks and supervisors at the window, reviewers and supervisors at the handling office). */
  private responsibleUsers(c: CaseRecord, side: CaseSide): string[] {
    const rows = this.deps.db
      .prepare('SELECT id, role, office_id AS officeId FROM users WHERE office_id = ? AND disabled = 0 ORDER BY username')
      .all(officeOf(c)[side]) as Array<{ id: string; role: Role; officeId: string }>;
    return rows.filter((u) => caseSides(u, c).includes(side)).map((u) => u.id);
  }

  private officeName(officeId: string): string {
    return this.deps.catalog.findOffice(officeId)?.name ?? officeId;
  }

  private named(rates: StepOnTime[]): Array<StepOnTime & { officeName: string }> {
    return rates.map((r) => ({ ...r, officeName: this.officeName(r.officeId) }));
  }
}

function officeOf(c: Pick<CaseRecord, 'intakeOfficeId' | 'handlingOfficeId'>): Record<CaseSide, string> {
  return { intake: c.intakeOfficeId, handling: c.handlingOfficeId };
}
