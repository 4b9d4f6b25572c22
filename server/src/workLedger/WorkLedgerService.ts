import { CASE_STATE_LABELS, CASE_STATES, maskIdNumber, type CaseState, type WorkLedgerSummary } from '@tongban/shared';
import { seesEveryCase, type OfficeUser } from '@tongban/shared/cases/access';
import { chinaDateTime } from '@tongban/shared/cases/chinaTime';
import type { Db } from '../storage/database';
import type { Clock } from '../clock';
import type { CatalogService } from '../catalog/CatalogService';
import { caseDeadlineStatus, toCaseRecord, viewableCasesWhere, type CaseRow } from '../cases/caseRows';
import type { WorkCalendarSource } from '../calendar/WorkCalendarService';
import { toCsv } from './csv';

/** One case as the work ledger counts it (identity masked: the ledger is exported to files). */
export interface LedgerCaseRow {
  id: string;
  caseNo: string;
  itemCode: string;
  itemName: string;
  intakeOfficeId: string;
  intakeOfficeName: string;
  handlingOfficeId: string;
  handlingOfficeName: string;
  state: CaseState;
  applicantName: string;
  idNumberMasked: string;
  createdAt: string;
  deadline: string;
  decidedAt: string | null;
  overdue: boolean;
  workingDaysLeft: number;
}

/**
 * Extension points for a module that adds figures over the ledger's own cases (环节时限 adds
 * `steps`: 超时环节 and per-step on-time rates; the 好差评 figures have their own endpoint, GET /api/ledger/ratings):
 *   ctx.workLedger.addSection('name', (rows) => figuresFor(rows.map((r) => r.id)));
 *   ctx.workLedger.addCsvColumn({ header: '列 Column', value: (row) => valueFor(row.id) });
 */
export type LedgerSection = (rows: readonly LedgerCaseRow[]) => unknown;
export interface LedgerCsvColumn {
  header: string;
  value(row: LedgerCaseRow): string | number | null;
}

const BASE_COLUMNS: LedgerCsvColumn[] = [
  { header: '办件编号 Case no.', value: (r) => r.caseNo },
  { header: '事项编码 Item code', value: (r) => r.itemCode },
  { header: '事项名称 Item', value: (r) => r.itemName },
  { header: '收件窗口 Intake office', value: (r) => r.intakeOfficeName },
  { header: '实施机关 Handling office', value: (r) => r.handlingOfficeName },
  { header: '状态 State', value: (r) => CASE_STATE_LABELS[r.state].zh },
  { header: '申请人 Applicant', value: (r) => r.applicantName },
  { header: '证件号码 ID number', value: (r) => r.idNumberMasked },
  { header: '收件时间（北京时间） Received (China time)', value: (r) => chinaDateTime(r.createdAt) },
  { header: '办理时限 Deadline', value: (r) => r.deadline },
  { header: '剩余工作日 Working days left', value: (r) => r.workingDaysLeft },
  { header: '是否超期 Overdue', value: (r) => (r.overdue ? '是' : '否') },
  { header: '受理决定时间（北京时间） Decided (China time)', value: (r) => r.decidedAt && chinaDateTime(r.decidedAt) },
];

/** 工作台账 for supervisors (their office's cases, both sides) and admins (all cases). */
export class WorkLedgerService {
  private readonly sections = new Map<string, LedgerSection>();
  private readonly extraColumns: LedgerCsvColumn[] = [];

  constructor(private readonly deps: { db: Db; clock: Clock; catalog: CatalogService; calendar: WorkCalendarSource }) {}

  addSection(name: string, section: LedgerSection): void {
    this.sections.set(name, section);
  }

  addCsvColumn(column: LedgerCsvColumn): void {
    this.extraColumns.push(column);
  }

  rows(user: OfficeUser): LedgerCaseRow[] {
    const { db, clock, catalog } = this.deps;
    const now = clock.now();
    const names = new Map(catalog.listItems().map((i) => [i.code, i.name]));
    const offices = new Map(catalog.listOffices().map((o) => [o.id, o.name]));
    const viewable = viewableCasesWhere(user);
    const raw = db.prepare(`SELECT * FROM cases WHERE ${viewable.sql} ORDER BY created_at`).all(...viewable.params) as CaseRow[];
    return raw.map(toCaseRecord).map((c) => ({
      id: c.id,
      caseNo: c.caseNo,
      itemCode: c.itemCode,
      itemName: names.get(c.itemCode) ?? c.itemCode,
      intakeOfficeId: c.intakeOfficeId,
      intakeOfficeName: offices.get(c.intakeOfficeId) ?? c.intakeOfficeId,
      handlingOfficeId: c.handlingOfficeId,
      handlingOfficeName: offices.get(c.handlingOfficeId) ?? c.handlingOfficeId,
      state: c.state,
      applicantName: c.applicant.name,
      idNumberMasked: maskIdNumber(c.applicant.idNumber),
      createdAt: c.createdAt,
      deadline: c.deadline,
      decidedAt: c.decidedAt ?? null,
      ...caseDeadlineStatus(c.state, c.deadline, now, this.deps.calendar.current()),
    }));
  }

  summary(user: OfficeUser): WorkLedgerSummary {
    const rows = this.rows(user);
    const offices = this.deps.catalog.listOffices();
    const byItem = new Map<string, { itemCode: string; itemName: string; count: number }>();
    for (const r of rows) {
      const e = byItem.get(r.itemCode) ?? { itemCode: r.itemCode, itemName: r.itemName, count: 0 };
      e.count++;
      byItem.set(r.itemCode, e);
    }
    const decisionHours = rows.filter((r) => r.decidedAt).map((r) => (Date.parse(r.decidedAt!) - Date.parse(r.createdAt)) / 3600_000);
    const scopeOfficeIds = seesEveryCase(user) ? offices.map((o) => o.id) : [user.officeId];
    return {
      generatedAt: this.deps.clock.now().toISOString(),
      scopeOfficeIds,
      total: rows.length,
      byItem: [...byItem.values()].sort((a, b) => b.count - a.count || a.itemCode.localeCompare(b.itemCode)),
      byOffice: offices
        .filter((o) => scopeOfficeIds.includes(o.id))
        .map((o) => ({
          officeId: o.id,
          officeName: o.name,
          intake: rows.filter((r) => r.intakeOfficeId === o.id).length,
          handling: rows.filter((r) => r.handlingOfficeId === o.id).length,
        })),
      byState: CASE_STATES.map((state) => ({
        state,
        label: CASE_STATE_LABELS[state].zh,
        count: rows.filter((r) => r.state === state).length,
      })),
      overdue: rows
        .filter((r) => r.overdue)
        .sort((a, b) => a.deadline.localeCompare(b.deadline))
        .map((r) => ({
          id: r.id,
          caseNo: r.caseNo,
          itemName: r.itemName,
          state: r.state,
          deadline: r.deadline,
          workingDaysOverdue: -r.workingDaysLeft,
        })),
      decisions: { count: decisionHours.length, medianHoursToDecision: median(decisionHours) },
      sections: Object.fromEntries([...this.sections].map(([name, section]) => [name, section(rows)])),
    };
  }

  /** One line per case, UTF-8 with BOM so Excel shows the Chinese headers and names. */
  csv(user: OfficeUser): string {
    const columns = [...BASE_COLUMNS, ...this.extraColumns];
    return toCsv([columns.map((c) => c.header), ...this.rows(user).map((r) => columns.map((c) => c.value(r)))]);
  }
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const m = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return Math.round(m * 100) / 100;
}
