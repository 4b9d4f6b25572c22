import {
  AppError,
  maskIdNumber,
  nextState,
  ROLES,
  type CaseAction,
  type CaseAuditResponse,
  type CaseListQuery,
  type CaseListResponse,
  type CaseDetailResponse,
  type CaseMutationResponse,
  type CaseState,
  type AgentInput,
  type ApplicantInput,
  type CaseView,
  type CreateCaseRequest,
  type MailingAddress,
  type ResultChannel,
  type ServiceItem,
} from '@tongban/shared';
import { resultChannelsOf } from '@tongban/shared/catalog/caseItem';
import {
  allowedCaseActions,
  assertCan,
  canActOnSide,
  canSeeFullIdentity,
  canViewCase,
  type Action,
  type OfficeUser,
} from '@tongban/shared/cases/access';
import { caseNumberPrefix, formatCaseNumber } from '@tongban/shared/cases/caseNumber';
import { DEADLINE_STOPPED_STATES } from '@tongban/shared/cases/deadline';
import { maskPhone } from '@tongban/shared/cases/masking';
import type { CorrectionItem } from '@tongban/shared/review/session';
import type { Db } from '../storage/database';
import type { Clock, IdSource } from '../clock';
import type { Actor, AuditEvent, AuditLedger } from '../audit/AuditLedger';
import type { SessionUser } from '../auth/AuthService';
import { actorOf } from '../auth/AuthService';
import type { CatalogService } from '../catalog/CatalogService';
import { listCaseMaterials, listReplacedMaterials } from '../materials/materialRows';
import { caseDeadlineStatus, insertCaseRow, toCaseRecord, viewableCasesWhere, type CaseRow } from './caseRows';
import type { WorkCalendarSource } from '../calendar/WorkCalendarService';
import { maskDetails } from './maskDetails';
import { CaseChangeFeed } from './caseChanges';

/** A case as services see it: full identity, no access rules applied. */
export interface CaseRecord {
  id: string;
  caseNo: string;
  itemCode: string;
  intakeOfficeId: string;
  handlingOfficeId: string;
  state: CaseState;
  applicant: ApplicantInput;
  company?: { name: string; uscc: string };
  agent?: AgentInput;
  resultChannel?: ResultChannel;
  mailingAddress?: MailingAddress;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  deadline: string;
  decidedAt?: string;
  sourceSite?: string;
}

export interface TransitionOptions {
  /** Free text shown in the audit trail (e.g. the 补正 reason). */
  note?: string;
  /** Structured facts for the audit event; ID numbers in it are masked before hashing. */
  details?: Record<string, unknown>;
  /** 补正 (request_correction): everything the applicant must correct, for the one-time notice. */
  correction?: { items: CorrectionItem[]; note?: string };
}

export interface TransitionResult {
  case: CaseRecord;
  from: CaseState;
  to: CaseState;
  event: AuditEvent;
}

/** A module's precondition for an action (e.g. the pre-check gate of `precheck`); throws to refuse. */
export type TransitionGuard = (c: CaseRecord, actor: Actor) => void;

/** A module's record written with a transition (e.g. 受理's query code); returns facts for the transition's audit event. */
export type TransitionEffect = (c: CaseRecord, actor: Actor, opts: TransitionOptions) => Record<string, unknown> | undefined;

/**
 * A module's piece of work on a case (upload a scan, hand off, record the result, rate…): the
 * access rule's action, and how the module words its refusals.
 */
export interface CaseWorkRule {
  /** Whose work it is and in which states (ACCESS); a user on the wrong side gets 403 FORBIDDEN_OFFICE with `refusal`. */
  action: Action;
  refusal?: { zh: string; en: string };
  /** The answer to a case in a state the action does not apply to. */
  wrongState(c: CaseRecord): AppError;
}

/** The reviewer's decision ends the 受理 stage; the work ledger measures time to it. */
const DECISION_ACTIONS: readonly CaseAction[] = ['accept', 'request_correction', 'reject'];
/** Roles bound to an office, whose case actions are checked against the case's offices. */
const OFFICE_ROLES: ReadonlySet<string> = new Set(ROLES);

export interface CaseServiceDeps {
  db: Db;
  ledger: AuditLedger;
  clock: Clock;
  ids: IdSource;
  catalog: CatalogService;
  calendar: WorkCalendarSource;
}

/**
 * 办件: creation (numbering, deadline), reads under the office access rules, and every state
 * change through the shared state machine with one audit event in the same transaction.
 */
export class CaseService {
  private readonly guards = new Map<CaseAction, TransitionGuard[]>();
  private readonly effects = new Map<CaseAction, TransitionEffect[]>();
  /** Committed changes to cases, for live updates; other modules report their own records here. */
  readonly changes: CaseChangeFeed;

  constructor(private readonly deps: CaseServiceDeps) {
    this.changes = new CaseChangeFeed(deps.db);
  }

  /**
   * Adds a precondition that every firing of `action` must pass, whichever route or module fires
   * it (so no endpoint can skip, say, the pre-check gate). Guards run inside the transition's
   * transaction, after the state machine and office checks.
   */
  guardTransition(action: CaseAction, guard: TransitionGuard): void {
    this.guards.set(action, [...(this.guards.get(action) ?? []), guard]);
  }

  /**
   * Adds work that every firing of `action` does in its transaction, after the state is written and
   * before its one audit event, which carries the facts the effect returns.
   */
  onTransition(action: CaseAction, effect: TransitionEffect): void {
    this.effects.set(action, [...(this.effects.get(action) ?? []), effect]);
  }

  /** A clerk (or supervisor) at an intake window receives a new application. */
  create(input: CreateCaseRequest, user: SessionUser): CaseRecord {
    const { db, ledger, clock, ids, catalog } = this.deps;
    const item = catalog.getItem(input.itemCode);
    const office = catalog.getOffice(user.officeId);
    if (office.kind !== 'intake') {
      throw new AppError('FORBIDDEN_OFFICE', {
        details: { officeId: office.id },
        zh: '只有收件窗口可以新建办件',
        en: 'Only an intake window can open a case',
      });
    }
    const offered = resultChannelsOf(item);
    if (input.resultChannel && !offered.includes(input.resultChannel)) {
      throw new AppError('RESULT_CHANNEL_NOT_OFFERED', { details: { itemCode: item.code, resultChannel: input.resultChannel, offered } });
    }
    const now = clock.now();
    const at = now.toISOString();
    const id = ids.uuid();
    return db.transaction(() => {
      const seq = db
        .prepare(
          `INSERT INTO case_no_counters (prefix, last_seq) VALUES (?, 1)
           ON CONFLICT (prefix) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq`,
        )
        .pluck()
        .get(caseNumberPrefix(office.code, now)) as number;
      const caseNo = formatCaseNumber(office.code, now, seq);
      insertCaseRow(db, {
        id,
        caseNo,
        itemCode: item.code,
        intakeOfficeId: office.id,
        handlingOfficeId: item.handlingOfficeId,
        state: 'draft',
        applicant: input.applicant,
        ...(input.company ? { company: input.company } : {}),
        ...(input.agent ? { agent: input.agent } : {}),
        ...(input.resultChannel ? { resultChannel: input.resultChannel } : {}),
        ...(input.mailingAddress ? { mailingAddress: input.mailingAddress } : {}),
        createdBy: user.id,
        createdAt: at,
        updatedAt: at,
        deadline: this.deps.calendar.addWorkingDays(now, item.timeLimitDays),
      });
      ledger.append(actorOf(user), 'case.created', {
        caseId: id,
        details: {
          caseNo,
          itemCode: item.code,
          handlingOfficeId: item.handlingOfficeId,
          applicant: {
            name: input.applicant.name,
            idType: input.applicant.idType,
            idNumber: maskIdNumber(input.applicant.idNumber),
            phone: maskPhone(input.applicant.phone),
          },
          ...(input.company ? { company: input.company } : {}),
          ...(input.agent
            ? {
                agent: {
                  name: input.agent.name,
                  idType: input.agent.idType,
                  idNumber: maskIdNumber(input.agent.idNumber),
                  phone: maskPhone(input.agent.phone),
                  relation: input.agent.relation,
                },
              }
            : {}),
          ...(input.resultChannel ? { resultChannel: input.resultChannel } : {}),
          // The trail travels in the bag and is read by both offices: the region only, not the street.
          ...(input.mailingAddress
            ? {
                mailingAddress: {
                  province: input.mailingAddress.province,
                  city: input.mailingAddress.city,
                  district: input.mailingAddress.district,
                },
              }
            : {}),
        },
      });
      return this.get(id);
    })();
  }

  /** No access check: for services acting on a case they were already handed. */
  get(caseId: string): CaseRecord {
    const row = this.deps.db.prepare('SELECT * FROM cases WHERE id = ?').get(caseId) as CaseRow | undefined;
    if (!row) throw new AppError('CASE_NOT_FOUND', { details: { caseId } });
    return toCaseRecord(row);
  }

  /** get() for many cases in one query (a report over hundreds of cases), in the order asked. */
  getMany(caseIds: readonly string[]): CaseRecord[] {
    const rows = this.deps.db
      .prepare('SELECT * FROM cases WHERE id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(caseIds)) as CaseRow[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return caseIds.map((caseId) => {
      const row = byId.get(caseId);
      if (!row) throw new AppError('CASE_NOT_FOUND', { details: { caseId } });
      return toCaseRecord(row);
    });
  }

  findByCaseNo(caseNo: string): CaseRecord | undefined {
    const row = this.deps.db.prepare('SELECT * FROM cases WHERE case_no = ?').get(caseNo) as CaseRow | undefined;
    return row ? toCaseRecord(row) : undefined;
  }

  /** The case, if this user's office takes part in it; otherwise 403 FORBIDDEN_OFFICE. */
  getForUser(caseId: string, user: OfficeUser): CaseRecord {
    const c = this.get(caseId);
    if (!canViewCase(user, c)) throw new AppError('FORBIDDEN_OFFICE', { details: { caseId } });
    return c;
  }

  /**
   * The case for a download of its files (scans, page images, ID photo, snapshots, recordings,
   * bags), which carry the full identity: participants only (canSeeFullIdentity), else 403
   * FORBIDDEN_OFFICE for other offices and CASE_FILES_PARTICIPANTS_ONLY for admins.
   */
  getForFiles(caseId: string, user: OfficeUser): CaseRecord {
    const c = this.getForUser(caseId, user);
    if (!canSeeFullIdentity(user, c)) throw new AppError('CASE_FILES_PARTICIPANTS_ONLY', { details: { caseId } });
    return c;
  }

  /** The case for a piece of work by this user (see CaseWorkRule), or the precise reason it can't be done now. */
  getForWork(caseId: string, user: SessionUser, rule: CaseWorkRule): CaseRecord {
    const c = this.getForUser(caseId, user);
    assertCan(user, rule.action, c, { details: { caseId }, office: rule.refusal, wrongState: rule.wrongState });
    return c;
  }

  /**
   * One page of a list. mine: cases I opened (reviewers: cases routed to my office); queue: open
   * cases on my office's side, the longest waiting (since their last change) first; all: every
   * case I may see, newest first. Identity is masked. The totals cover the whole list.
   */
  list(user: SessionUser, query: CaseListQuery): CaseListResponse {
    const { db, clock, calendar } = this.deps;
    const viewable = viewableCasesWhere(user);
    const where = [viewable.sql];
    const params = [...viewable.params];
    if (query.scope === 'mine' && user.role !== 'reviewer') {
      where.push('created_by = ?');
      params.push(user.id);
    }
    if (query.scope === 'queue') {
      where.push(`state NOT IN (${DEADLINE_STOPPED_STATES.map(() => '?').join(',')})`);
      params.push(...DEADLINE_STOPPED_STATES);
    }
    if (query.state) {
      where.push('state = ?');
      params.push(query.state);
    }
    const filter = `WHERE ${where.join(' AND ')}`;
    // The totals from (state, deadline) groups: a list's cases share a handful of deadlines.
    const groups = db
      .prepare(`SELECT state, deadline, COUNT(*) AS n FROM cases ${filter} GROUP BY state, deadline`)
      .all(...params) as Array<{ state: CaseState; deadline: string; n: number }>;
    const now = clock.now();
    const cal = calendar.current();
    const byState: Partial<Record<CaseState, number>> = {};
    let total = 0;
    let overdue = 0;
    for (const g of groups) {
      total += g.n;
      byState[g.state] = (byState[g.state] ?? 0) + g.n;
      if (caseDeadlineStatus(g.state, g.deadline, now, cal).overdue) overdue += g.n;
    }
    const order = query.scope === 'queue' ? 'updated_at ASC, created_at ASC, id ASC' : 'created_at DESC, id DESC';
    const rows = db
      .prepare(`SELECT * FROM cases ${filter} ORDER BY ${order} LIMIT ? OFFSET ?`)
      .all(...params, query.pageSize, (query.page - 1) * query.pageSize) as CaseRow[];
    const items = new Map(this.deps.catalog.listItems().map((i) => [i.code, i]));
    return {
      cases: rows.map(toCaseRecord).map((c) => this.view(c, user, { full: false, item: items.get(c.itemCode) })),
      page: query.page,
      pageSize: query.pageSize,
      total,
      overdue,
      byState,
    };
  }

  /** GET /api/cases/:id: the case, its received materials, the buttons this user gets, the item spec as this case needs it. */
  detail(caseId: string, user: SessionUser): CaseDetailResponse {
    const c = this.getForUser(caseId, user);
    const item = this.deps.catalog.itemForCase(c);
    return {
      case: this.view(c, user, { full: true, item }),
      materials: listCaseMaterials(this.deps.db, c.id),
      replacedMaterials: listReplacedMaterials(this.deps.db, c.id),
      allowedActions: allowedCaseActions(user, c),
      item,
    };
  }

  /** The response to a create or a transition, as the acting user sees the case. */
  mutationResponse(c: CaseRecord, user: SessionUser): CaseMutationResponse {
    return { case: this.view(c, user, { full: true }), allowedActions: allowedCaseActions(user, c) };
  }

  /**
   * Presentation for the API. `full` shows the whole ID number and phone, and only to the
   * case's participants (never in lists, never to admins).
   */
  view(c: CaseRecord, user: OfficeUser, opts: { full: boolean; item?: ServiceItem | undefined }): CaseView {
    const item = opts.item ?? this.deps.catalog.findItem(c.itemCode);
    const full = opts.full && canSeeFullIdentity(user, c);
    return {
      id: c.id,
      caseNo: c.caseNo,
      itemCode: c.itemCode,
      itemName: item?.name ?? c.itemCode,
      state: c.state,
      intakeOfficeId: c.intakeOfficeId,
      handlingOfficeId: c.handlingOfficeId,
      applicant: {
        name: c.applicant.name,
        idType: c.applicant.idType,
        idNumberMasked: maskIdNumber(c.applicant.idNumber),
        phoneMasked: maskPhone(c.applicant.phone),
        ...(full ? { idNumber: c.applicant.idNumber, phone: c.applicant.phone } : {}),
      },
      ...(c.company ? { company: c.company } : {}),
      ...(c.agent
        ? {
            agent: {
              name: c.agent.name,
              idType: c.agent.idType,
              relation: c.agent.relation,
              idNumberMasked: maskIdNumber(c.agent.idNumber),
              phoneMasked: maskPhone(c.agent.phone),
              ...(full ? { idNumber: c.agent.idNumber, phone: c.agent.phone } : {}),
            },
          }
        : {}),
      ...(c.resultChannel ? { resultChannel: c.resultChannel } : {}),
      ...(c.mailingAddress ? { mailingAddress: this.addressView(c.mailingAddress, full) } : {}),
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      ...(c.decidedAt ? { decidedAt: c.decidedAt } : {}),
      deadline: c.deadline,
      ...caseDeadlineStatus(c.state, c.deadline, this.deps.clock.now(), this.deps.calendar.current()),
    };
  }

  /** The street and the phone only for `full` (the case's participants): lists and admins see the region and who receives. */
  private addressView(a: MailingAddress, full: boolean): NonNullable<CaseView['mailingAddress']> {
    const { province, city, district, recipient } = a;
    return { province, city, district, recipient, phoneMasked: maskPhone(a.phone), ...(full ? { detail: a.detail, phone: a.phone } : {}) };
  }

  /** Fires one transition in its own transaction. */
  transition(caseId: string, action: CaseAction, actor: Actor, opts: TransitionOptions = {}): TransitionResult {
    return this.deps.db.transaction(() => this.applyTransition(caseId, action, actor, opts))();
  }

  /**
   * Fires one transition inside the CALLER's transaction, so a module (pre-check, review,
   * handoff) can change the state atomically with its own rows. Checks, in order: the case
   * exists (404), the actor's office takes part (403 FORBIDDEN_OFFICE), the state machine
   * (409 CASE_ILLEGAL_TRANSITION / 403 CASE_TRANSITION_FORBIDDEN), the actor's side of the case
   * may fire it (403 FORBIDDEN_OFFICE), then the action's guards (e.g. 409 PRECHECK_INCOMPLETE).
   * Writes the state, runs the action's effects (`onTransition`), then ONE audit event
   * `case.<action>`. Actors without an office (system, peer-site, applicant) are trusted server
   * code: they skip the office checks, not the guards.
   */
  applyTransition(caseId: string, action: CaseAction, actor: Actor, opts: TransitionOptions = {}): TransitionResult {
    const { db, ledger, clock } = this.deps;
    if (!db.inTransaction) throw new Error('CaseService.applyTransition must run inside a db.transaction');
    const c = this.get(caseId);
    const officeUser = OFFICE_ROLES.has(actor.role) ? actor : undefined;
    if (officeUser && !canViewCase(officeUser, c)) throw new AppError('FORBIDDEN_OFFICE', { details: { caseId } });
    const to = nextState(c.state, action, actor.role);
    if (officeUser && !canActOnSide(officeUser, c, action)) {
      throw new AppError('FORBIDDEN_OFFICE', {
        details: { caseId, action },
        zh: '此操作应由办件另一方的单位执行',
        en: 'This action belongs to the other office of the case',
      });
    }
    for (const guard of this.guards.get(action) ?? []) guard(c, actor);
    const at = clock.now().toISOString();
    const decided = DECISION_ACTIONS.includes(action);
    db.prepare(
      `UPDATE cases SET state = ?, updated_at = ?, decided_at = CASE WHEN ? AND decided_at IS NULL THEN ? ELSE decided_at END WHERE id = ?`,
    ).run(to, at, decided ? 1 : 0, at, c.id);
    const effects = (this.effects.get(action) ?? []).map((effect) => effect(c, actor, opts));
    const event = ledger.append(actor, `case.${action}`, {
      caseId: c.id,
      // The machine's own facts come last so caller-supplied details can never restate them.
      details: maskDetails({
        ...(opts.details ?? {}),
        ...Object.assign({}, ...effects),
        ...(opts.note ? { note: opts.note } : {}),
        caseNo: c.caseNo,
        from: c.state,
        to,
      }),
    });
    this.changes.changed(c.id, 'state', actor);
    return { case: this.get(c.id), from: c.state, to, event };
  }

  /** The case's audit events in order (details were masked when written), and what its actors are called. */
  auditTrail(caseId: string, user: OfficeUser): CaseAuditResponse {
    const events = this.deps.ledger.forCase(this.getForUser(caseId, user).id);
    const ids = [...new Set(events.flatMap((e) => (e.actor_id ? [e.actor_id] : [])))];
    const rows = ids.length
      ? (this.deps.db.prepare(`SELECT id, display_name FROM users WHERE id IN (${ids.map(() => '?').join(',')})`).all(...ids) as Array<{
          id: string;
          display_name: string;
        }>)
      : [];
    return { events, actorNames: Object.fromEntries(rows.map((r) => [r.id, r.display_name])) };
  }

  /** Marks the case as changed (e.g. a material was added) within the caller's transaction. */
  touch(caseId: string): void {
    this.deps.db.prepare('UPDATE cases SET updated_at = ? WHERE id = ?').run(this.deps.clock.now().toISOString(), caseId);
  }
}
