import { AppError, maskIdNumber } from '@tongban/shared';
import { chinaDate, chinaDateTime } from '@tongban/shared/cases/chinaTime';
import {
  DEFAULT_CORRECTION_DAYS,
  type CorrectionNoticeItem,
  type CorrectionNoticeView,
  type ReissueNoticeRequest,
} from '@tongban/shared/cases/correctionNotice';
import { statusPath } from '@tongban/shared/cases/queryCode';
import type { WorkCalendarSource } from '../calendar/WorkCalendarService';
import type { CorrectionItem } from '@tongban/shared/review/session';
import { SYSTEM_ACTOR, type Actor } from '../audit/AuditLedger';
import { actorOf, type AuthService, type SessionUser } from '../auth/AuthService';
import type { CaseRecord, CaseService, CaseWorkRule } from '../cases/CaseService';
import type { CatalogService } from '../catalog/CatalogService';
import type { Config } from '../config/config';
import type { SiteServices } from '../feature';
import { renderCorrectionNotice } from './correctionNoticeSheet';

export interface CorrectionDeps extends Pick<SiteServices, 'db' | 'clock' | 'ids' | 'ledger'> {
  cases: CaseService;
  catalog: Pick<CatalogService, 'getItem' | 'itemForCase' | 'getOffice'>;
  config: Pick<Config, 'PUBLIC_URL'>;
  auth: Pick<AuthService, 'userById'>;
  calendar: WorkCalendarSource;
}

/** Marks on the shared materials a 补正 item may be made from (the annotations module registers them, being built later). */
export interface NoticeMarks {
  /** The mark, if it is one of this case's still shown. */
  ofCase(caseId: string, annotationId: string): unknown;
  /** Its page cut to the mark with the mark drawn (JPEG); undefined when there is none to print. */
  crop(caseId: string, annotationId: string): Promise<Buffer | undefined>;
}

interface NoticeRow {
  id: string;
  case_id: string;
  seq: number;
  items_json: string;
  note: string | null;
  resubmit_by: string;
  issued_by_name: string;
  issued_at: string;
  withdrawn_at: string | null;
  withdrawn_reason: string | null;
  withdrawn_by_name: string | null;
}

const NOTICE_RULE: CaseWorkRule = {
  action: 'correction.notice',
  refusal: {
    zh: '补正材料通知书只给办件的收件窗口和审批单位',
    en: 'The correction notice is for the case’s intake window and handling office',
  },
  wrongState: (c) => new AppError('CORRECTION_NOTICE_NONE', { details: { caseId: c.id, state: c.state } }),
};
const REISSUE_RULE: CaseWorkRule = {
  action: 'correction.reissue',
  refusal: { zh: '补正清单由办件的审批单位更改', en: 'The handling office of the case changes the correction list' },
  wrongState: (c) => new AppError('CORRECTION_NOTICE_NONE', { details: { caseId: c.id, state: c.state } }),
};

/**
 * 补正材料通知书 (一次性告知). The 补正 transition itself issues the notice, in its transaction,
 * whichever route decided it (here or at the peer site hosting the handling office): every item,
 * the date to bring them by (the item's 补正期限 in working days), where to bring them. A case has
 * one notice in force; a changed list withdraws it with a reason and issues the next (two audit
 * events), so the applicant is never sent back twice for what could have been said at once.
 */
export class CorrectionNoticeService {
  private marks: NoticeMarks | undefined;

  constructor(private readonly deps: CorrectionDeps) {
    deps.cases.onTransition('request_correction', (c, actor, opts) =>
      opts.correction ? { correctionNotice: this.issue(c, actor, opts.correction).seq } : undefined,
    );
    // The applicant's corrected materials answer the notice: it stays as the record, no longer in force.
    deps.cases.onTransition('resubmit', (c) => {
      const latest = this.rows(c.id)[0];
      return latest && !latest.withdrawn_at ? { correctionNoticeAnswered: latest.seq } : undefined;
    });
  }

  /**
   * In 待补正 only the materials the notice in force lists may take a new scan: what was not found
   * wrong was accepted as it is, and the second co-review looks at the listed ones alone.
   */
  assertListed(c: CaseRecord, slotCode: string): void {
    if (c.state !== 'needs_correction') return;
    const open = this.inForce(c.id);
    if (!open) return;
    const items = JSON.parse(open.items_json) as CorrectionNoticeItem[];
    if (items.some((i) => i.slotCode === slotCode)) return;
    const names = items.map((i) => i.materialName).join('、');
    throw new AppError('CORRECTION_SLOT_NOT_LISTED', {
      details: { caseId: c.id, slotCode, listed: items.map((i) => i.slotCode) },
      zh: `补正通知书只要求补正：${names}。其他材料不需要重新提交`,
      en: `The correction notice lists only: ${items.map((i) => i.slotCode).join(', ')}. Other materials need no new scan`,
    });
  }

  /** The slots the latest answered notice listed: what a co-review after 补正 looks at. */
  correctedSlots(caseId: string): string[] {
    const latest = this.rows(caseId).find((r) => !r.withdrawn_at);
    return latest ? (JSON.parse(latest.items_json) as CorrectionNoticeItem[]).map((i) => i.slotCode) : [];
  }

  /**
   * 补正逾期: closes, through the state machine, every case still waiting for its corrections after
   * the day the notice in force named. Returns the cases closed.
   */
  expireOverdue(): string[] {
    const { db, clock, cases } = this.deps;
    const today = chinaDate(clock.now());
    const due = db
      .prepare(
        `SELECT n.case_id, n.seq, n.resubmit_by FROM correction_notices n JOIN cases c ON c.id = n.case_id
          WHERE n.withdrawn_at IS NULL AND c.state = 'needs_correction' AND n.resubmit_by < ?`,
      )
      .all(today) as Array<{ case_id: string; seq: number; resubmit_by: string }>;
    for (const n of due) {
      db.transaction(() =>
        cases.applyTransition(n.case_id, 'expire_correction', SYSTEM_ACTOR, {
          details: { correctionNotice: n.seq, resubmitBy: n.resubmit_by },
        }),
      )();
    }
    return due.map((n) => n.case_id);
  }

  /** 批注: items made from a mark carry its id; the notice prints the mark's crop with them. */
  useMarks(marks: NoticeMarks): void {
    this.marks = marks;
  }

  /** The case's notices, latest first, for the case page. */
  list(caseId: string, user: SessionUser): CorrectionNoticeView[] {
    const c = this.deps.cases.getForWork(caseId, user, NOTICE_RULE);
    return this.rows(c.id).map(view);
  }

  /** Every notice of a case, oldest first (the bag's record). */
  forBag(caseId: string): CorrectionNoticeView[] {
    return this.rows(caseId).reverse().map(view);
  }

  /** The handling office changes the list: the notice in force is withdrawn with the reason, the next one issued. */
  reissue(caseId: string, user: SessionUser, body: ReissueNoticeRequest): CorrectionNoticeView {
    const { db, ledger, clock } = this.deps;
    const c = this.deps.cases.getForWork(caseId, user, REISSUE_RULE);
    return db.transaction(() => {
      const open = this.inForce(c.id);
      if (!open) throw new AppError('CORRECTION_NOTICE_NONE', { details: { caseId: c.id } });
      const items = this.named(c, body.items);
      if (sameList(JSON.parse(open.items_json) as CorrectionNoticeItem[], items) && (open.note ?? undefined) === body.note)
        throw new AppError('CORRECTION_NOTICE_SAME_LIST', { details: { caseId: c.id, seq: open.seq } });
      db.prepare('UPDATE correction_notices SET withdrawn_at = ?, withdrawn_reason = ?, withdrawn_by_name = ? WHERE id = ?').run(
        clock.now().toISOString(),
        body.reason,
        user.displayName,
        open.id,
      );
      ledger.append(actorOf(user), 'correction.notice_withdrawn', {
        caseId: c.id,
        details: { caseNo: c.caseNo, seq: open.seq, reason: body.reason },
      });
      const next = this.issue(c, actorOf(user), { items: body.items, ...(body.note ? { note: body.note } : {}) });
      ledger.append(actorOf(user), 'correction.notice_issued', {
        caseId: c.id,
        details: { caseNo: c.caseNo, seq: next.seq, items: next.items.length, resubmitBy: next.resubmitBy, replaces: open.seq },
      });
      this.deps.cases.touch(c.id);
      return next;
    })();
  }

  /** The notice in force as an A4 PDF for the window to print; each print is an audit event. */
  async pdf(caseId: string, user: SessionUser, serverOrigin: string): Promise<{ caseNo: string; seq: number; pdf: Uint8Array }> {
    const c = this.deps.cases.getForWork(caseId, user, NOTICE_RULE);
    const open = this.inForce(c.id);
    if (!open) throw new AppError('CORRECTION_NOTICE_NONE', { details: { caseId: c.id } });
    const pdf = await this.render(c, view(open), serverOrigin);
    this.deps.db.transaction(() => {
      this.deps.ledger.append(actorOf(user), 'correction.notice_printed', { caseId: c.id, details: { caseNo: c.caseNo, seq: open.seq } });
    })();
    return { caseNo: c.caseNo, seq: open.seq, pdf };
  }

  /** A notice as the bag carries it: the same sheet, dated by its issue, so a rebuilt bag holds the same text. */
  renderForBag(caseId: string, notice: CorrectionNoticeView): Promise<Uint8Array> {
    return this.render(this.deps.cases.get(caseId), notice, undefined);
  }

  private async render(c: CaseRecord, n: CorrectionNoticeView, serverOrigin: string | undefined): Promise<Uint8Array> {
    const { catalog, config, db } = this.deps;
    const intake = catalog.getOffice(c.intakeOfficeId);
    const code = db.prepare('SELECT query_code FROM cases WHERE id = ?').pluck().get(c.id) as string | null;
    const origin = (config.PUBLIC_URL ?? serverOrigin)?.replace(/\/+$/, '');
    const crops = new Map<string, Buffer>();
    for (const { annotationId } of n.items) {
      if (!annotationId || !this.marks || crops.has(annotationId)) continue;
      const crop = await this.marks.crop(c.id, annotationId).catch(() => undefined); // the item prints without it
      if (crop) crops.set(annotationId, crop);
    }
    return renderCorrectionNotice({
      crops,
      caseNo: c.caseNo,
      itemName: catalog.getItem(c.itemCode).name,
      applicant: `${c.applicant.name}（${maskIdNumber(c.applicant.idNumber)}）`,
      intake: { name: intake.name, address: intake.address ?? '', phone: intake.phone ?? '' },
      handlingOffice: catalog.getOffice(c.handlingOfficeId).name,
      notice: { ...n, issuedAt: chinaDateTime(new Date(n.issuedAt)) },
      ...(code ? { queryCode: code, ...(origin ? { statusUrl: `${origin}${statusPath(code)}` } : {}) } : {}),
    });
  }

  /** Inside the transition's (or the reissue's) transaction. */
  private issue(c: CaseRecord, actor: Actor, correction: { items: CorrectionItem[]; note?: string }): CorrectionNoticeView {
    const { db, clock, ids, catalog } = this.deps;
    const now = clock.now();
    const seq = ((db.prepare('SELECT MAX(seq) FROM correction_notices WHERE case_id = ?').pluck().get(c.id) as number | null) ?? 0) + 1;
    const days = catalog.getItem(c.itemCode).correctionDays ?? DEFAULT_CORRECTION_DAYS;
    const items = this.named(c, correction.items);
    const id = ids.uuid();
    db.prepare(
      `INSERT INTO correction_notices (id, case_id, seq, items_json, note, resubmit_by, issued_by_name, issued_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      c.id,
      seq,
      JSON.stringify(items),
      correction.note ?? null,
      this.deps.calendar.addWorkingDays(now, days),
      this.nameOf(actor),
      now.toISOString(),
    );
    return view(this.rows(c.id)[0]!);
  }

  /** Who, as people read it: an account's display name; a peer site's reviewer as that site vouched for them. */
  private nameOf(actor: Actor): string {
    return (actor.id !== null ? this.deps.auth.userById(actor.id)?.displayName : undefined) ?? actor.name ?? '系统';
  }

  /** Items with the material's catalogue name; a slot the item does not have is refused. */
  private named(c: CaseRecord, items: CorrectionItem[]): CorrectionNoticeItem[] {
    const slots = new Map(this.deps.catalog.itemForCase(c).materials.map((m) => [m.code, m.name]));
    return items.map((i) => {
      const materialName = slots.get(i.slotCode);
      if (!materialName) throw new AppError('MATERIAL_SLOT_UNKNOWN', { details: { slotCode: i.slotCode } });
      if (i.annotationId && this.marks && !this.marks.ofCase(c.id, i.annotationId))
        throw new AppError('CORRECTION_ANNOTATION_UNKNOWN', { details: { annotationId: i.annotationId } });
      return { slotCode: i.slotCode, materialName, reason: i.reason, ...(i.annotationId ? { annotationId: i.annotationId } : {}) };
    });
  }

  private inForce(caseId: string): NoticeRow | undefined {
    const row = this.rows(caseId)[0];
    return row && !row.withdrawn_at && this.deps.cases.get(caseId).state === 'needs_correction' ? row : undefined;
  }

  private rows(caseId: string): NoticeRow[] {
    return this.deps.db.prepare('SELECT * FROM correction_notices WHERE case_id = ? ORDER BY seq DESC').all(caseId) as NoticeRow[];
  }
}

function view(r: NoticeRow): CorrectionNoticeView {
  return {
    id: r.id,
    seq: r.seq,
    items: JSON.parse(r.items_json) as CorrectionNoticeItem[],
    ...(r.note ? { note: r.note } : {}),
    resubmitBy: r.resubmit_by,
    issuedByName: r.issued_by_name,
    issuedAt: r.issued_at,
    ...(r.withdrawn_at ? { withdrawn: { at: r.withdrawn_at, reason: r.withdrawn_reason ?? '', byName: r.withdrawn_by_name ?? '' } } : {}),
  };
}

const sameList = (a: CorrectionNoticeItem[], b: CorrectionNoticeItem[]) => JSON.stringify(a) === JSON.stringify(b);
