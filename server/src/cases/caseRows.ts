import type { AgentRelation, CaseState, IdType, ResultChannel } from '@tongban/shared';
import { viewableSides, type CaseSide, type Principal } from '@tongban/shared/cases/access';
import { chinaDate } from '@tongban/shared/cases/chinaTime';
import { deadlineStatus, DEADLINE_STOPPED_STATES, type DeadlineStatus } from '@tongban/shared/cases/deadline';
import type { WorkCalendar } from '@tongban/shared/cases/workdays';
import type { Db } from '../storage/database';
import type { CaseRecord } from './CaseService';

/** The cases table: one row per 办件, identity in full (masking is the readers' job). */
export interface CaseRow {
  id: string;
  case_no: string;
  item_code: string;
  intake_office_id: string;
  handling_office_id: string;
  state: CaseState;
  applicant_name: string;
  applicant_id_type: IdType;
  applicant_id_number: string;
  applicant_phone: string;
  company_name: string | null;
  company_uscc: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  deadline: string;
  decided_at: string | null;
  source_site: string | null;
  agent_name: string | null;
  agent_id_type: IdType | null;
  agent_id_number: string | null;
  agent_phone: string | null;
  agent_relation: AgentRelation | null;
  result_channel: ResultChannel | null;
  mail_province: string | null;
  mail_city: string | null;
  mail_district: string | null;
  mail_detail: string | null;
  mail_recipient: string | null;
  mail_phone: string | null;
}

export function toCaseRecord(r: CaseRow): CaseRecord {
  return {
    id: r.id,
    caseNo: r.case_no,
    itemCode: r.item_code,
    intakeOfficeId: r.intake_office_id,
    handlingOfficeId: r.handling_office_id,
    state: r.state,
    applicant: { name: r.applicant_name, idType: r.applicant_id_type, idNumber: r.applicant_id_number, phone: r.applicant_phone },
    ...(r.company_name && r.company_uscc ? { company: { name: r.company_name, uscc: r.company_uscc } } : {}),
    ...(r.agent_name && r.agent_id_type && r.agent_id_number && r.agent_phone && r.agent_relation
      ? {
          agent: {
            name: r.agent_name,
            idType: r.agent_id_type,
            idNumber: r.agent_id_number,
            phone: r.agent_phone,
            relation: r.agent_relation,
          },
        }
      : {}),
    ...(r.result_channel ? { resultChannel: r.result_channel } : {}),
    ...(r.mail_province && r.mail_city && r.mail_district && r.mail_detail && r.mail_recipient && r.mail_phone
      ? {
          mailingAddress: {
            province: r.mail_province,
            city: r.mail_city,
            district: r.mail_district,
            detail: r.mail_detail,
            recipient: r.mail_recipient,
            phone: r.mail_phone,
          },
        }
      : {}),
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    deadline: r.deadline,
    ...(r.decided_at ? { decidedAt: r.decided_at } : {}),
    ...(r.source_site ? { sourceSite: r.source_site } : {}),
  };
}

/** Writes a new case row: opened at this window, or imported from the intake site (`sourceSite`). */
export function insertCaseRow(db: Db, c: CaseRecord): void {
  db.prepare(
    `INSERT INTO cases (id, case_no, item_code, intake_office_id, handling_office_id, state, applicant_name, applicant_id_type,
       applicant_id_number, applicant_phone, company_name, company_uscc, created_by, created_at, updated_at, deadline, decided_at, source_site,
       agent_name, agent_id_type, agent_id_number, agent_phone, agent_relation, result_channel,
       mail_province, mail_city, mail_district, mail_detail, mail_recipient, mail_phone)
     VALUES (@id, @caseNo, @itemCode, @intake, @handling, @state, @name, @idType, @idNumber, @phone, @companyName, @uscc, @by, @createdAt, @updatedAt, @deadline, @decidedAt, @sourceSite,
       @agentName, @agentIdType, @agentIdNumber, @agentPhone, @agentRelation, @resultChannel,
       @mailProvince, @mailCity, @mailDistrict, @mailDetail, @mailRecipient, @mailPhone)`,
  ).run({
    id: c.id,
    caseNo: c.caseNo,
    itemCode: c.itemCode,
    intake: c.intakeOfficeId,
    handling: c.handlingOfficeId,
    state: c.state,
    name: c.applicant.name,
    idType: c.applicant.idType,
    idNumber: c.applicant.idNumber,
    phone: c.applicant.phone,
    companyName: c.company?.name ?? null,
    uscc: c.company?.uscc ?? null,
    by: c.createdBy,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    deadline: c.deadline,
    decidedAt: c.decidedAt ?? null,
    sourceSite: c.sourceSite ?? null,
    agentName: c.agent?.name ?? null,
    agentIdType: c.agent?.idType ?? null,
    agentIdNumber: c.agent?.idNumber ?? null,
    agentPhone: c.agent?.phone ?? null,
    agentRelation: c.agent?.relation ?? null,
    resultChannel: c.resultChannel ?? null,
    mailProvince: c.mailingAddress?.province ?? null,
    mailCity: c.mailingAddress?.city ?? null,
    mailDistrict: c.mailingAddress?.district ?? null,
    mailDetail: c.mailingAddress?.detail ?? null,
    mailRecipient: c.mailingAddress?.recipient ?? null,
    mailPhone: c.mailingAddress?.phone ?? null,
  });
}

/**
 * The cases `user` may view (canViewCase) as a WHERE condition on `cases` and its parameters, so a
 * list or report filters, counts and pages in the query; `'1'` for someone who sees every case.
 */
export function viewableCasesWhere(user: Principal): { sql: string; params: unknown[] } {
  const sides = viewableSides(user);
  if (sides === 'every') return { sql: '1', params: [] };
  if (sides.length === 0) return { sql: '0', params: [] };
  const column: Record<CaseSide, string> = { intake: 'intake_office_id = ?', handling: 'handling_office_id = ?' };
  return { sql: `(${sides.map((side) => column[side]).join(' OR ')})`, params: sides.map(() => user.officeId) };
}

/**
 * `deadlineStatus` for a case row. It walks the calendar day by day, and a list, the queue or the
 * work ledger asks it for hundreds of cases sharing a handful of deadlines, so answers are kept
 * for the current China day (the only part of `now` they depend on) and calendar version, and
 * dropped when either changes.
 */
let memoDay = '';
const memo = new Map<string, DeadlineStatus>();
export function caseDeadlineStatus(state: CaseState, deadline: string, now: Date, cal: WorkCalendar): DeadlineStatus {
  const day = `${chinaDate(now)} ${cal.version ?? ''}`;
  if (day !== memoDay) {
    memo.clear();
    memoDay = day;
  }
  const key = `${DEADLINE_STOPPED_STATES.includes(state) ? 'stopped' : 'open'} ${deadline}`;
  let status = memo.get(key);
  if (!status) {
    status = deadlineStatus(state, deadline, now, cal);
    memo.set(key, status);
  }
  return { ...status };
}
