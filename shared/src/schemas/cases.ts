import { z } from 'zod';
import { CASE_ACTIONS, CASE_STATES, type CaseAction, type CaseState } from '../cases/stateMachine';
import type { ServiceItem } from '../catalog/types';
import type { OriginalCheckView } from '../cases/originalCheck';
import type { ErrorCode } from '../errors';
import { checkIdDocument, ID_DOCUMENTS, ID_TYPES, normalizeIdDocument, type IdType } from '../validators/idDocument';
import { isValidUscc } from '../validators/uscc';
import { freeText } from './text';

/** REST contract for cases, shared by the server's validation and the client's forms. */

const phoneNumber = z
  .string()
  .trim()
  .regex(/^1\d{10}$|^0\d{2,3}-?\d{7,8}$/, 'phone: 11-digit mobile or area code + number');

/** A person's ID document: the number is checked by its type's own rule (ID_DOCUMENTS). */
const idDocumentFields = {
  idType: z.enum(ID_TYPES).default('resident-id'),
  idNumber: z.string().max(32).transform(normalizeIdDocument),
};
/** A wrong number is refused with its type's code (ID_NUMBER_INVALID, HK_MACAO_PERMIT_INVALID, …) at `idNumber`. */
function checkIdNumberOfType(d: { idType: IdType; idNumber: string }, ctx: z.RefinementCtx): void {
  if (!checkIdDocument(d.idType, d.idNumber).valid)
    ctx.addIssue({ code: 'custom', path: ['idNumber'], message: ID_DOCUMENTS[d.idType].errorCode });
}

export const ApplicantInputSchema = z
  .object({
    /** Printed on the cover sheet and in the bag: one line, no control characters. */
    name: freeText(64, { min: 1 }),
    ...idDocumentFields,
    phone: phoneNumber,
  })
  .superRefine(checkIdNumberOfType);
export type ApplicantInput = z.infer<typeof ApplicantInputSchema>;

export const CompanyInputSchema = z.object({
  name: freeText(128, { min: 1 }),
  uscc: z
    .string()
    .trim()
    .transform((s) => s.toUpperCase())
    .refine(isValidUscc, { message: 'USCC_INVALID' }),
});

/** How a 代办人 stands to the applicant (the 授权委托书 says so too). */
export const AGENT_RELATIONS = ['spouse', 'parent', 'child', 'relative', 'friend', 'colleague', 'other'] as const;
export type AgentRelation = (typeof AGENT_RELATIONS)[number];
export const AGENT_RELATION_LABELS: Record<AgentRelation, { zh: string; en: string }> = {
  spouse: { zh: '配偶', en: 'Spouse' },
  parent: { zh: '父母', en: 'Parent' },
  child: { zh: '子女', en: 'Child' },
  relative: { zh: '其他亲属', en: 'Other relative' },
  friend: { zh: '朋友', en: 'Friend' },
  colleague: { zh: '单位同事', en: 'Colleague' },
  other: { zh: '其他', en: 'Other' },
};

/** 代办人: applies at the window on the applicant's behalf, with their own ID and the applicant's 授权委托书. */
export const AgentInputSchema = z
  .object({
    name: freeText(64, { min: 1 }),
    ...idDocumentFields,
    phone: phoneNumber,
    relation: z.enum(AGENT_RELATIONS),
  })
  .superRefine(checkIdNumberOfType);
export type AgentInput = z.infer<typeof AgentInputSchema>;

/** 收件地址: where an EMS result goes. */
export const MailingAddressSchema = z.object({
  province: freeText(16, { min: 2 }),
  city: freeText(32, { min: 1 }),
  district: freeText(32, { min: 1 }),
  detail: freeText(128, { min: 2 }),
  recipient: freeText(64, { min: 1 }),
  phone: phoneNumber,
});
export type MailingAddress = z.infer<typeof MailingAddressSchema>;

/** How the applicant wants the result: 窗口领取, EMS 邮寄 to the mailing address, or 网上 (online / SMS). */
export const RESULT_CHANNELS = ['window', 'ems', 'online'] as const;
export type ResultChannel = (typeof RESULT_CHANNELS)[number];
export const RESULT_CHANNEL_LABELS: Record<ResultChannel, { zh: string; en: string }> = {
  window: { zh: '窗口领取', en: 'Collect at the window' },
  ems: { zh: 'EMS 邮寄', en: 'By EMS to the mailing address' },
  online: { zh: '网上送达', en: 'Online' },
};

/**
 * POST /api/cases. `resultChannel` may be left out by older clients: the case then records no
 * choice and its receipt lists the item's ways, as before.
 */
export const CreateCaseRequestSchema = z
  .object({
    itemCode: z.string().trim().min(1).max(64),
    applicant: ApplicantInputSchema,
    company: CompanyInputSchema.optional(),
    agent: AgentInputSchema.optional(),
    resultChannel: z.enum(RESULT_CHANNELS).optional(),
    mailingAddress: MailingAddressSchema.optional(),
  })
  .superRefine((r, ctx) => {
    if (r.resultChannel === 'ems' && !r.mailingAddress)
      ctx.addIssue({ code: 'custom', path: ['mailingAddress'], message: 'MAILING_ADDRESS_REQUIRED' });
    if (r.agent && r.agent.idType === r.applicant.idType && r.agent.idNumber === r.applicant.idNumber)
      ctx.addIssue({ code: 'custom', path: ['agent', 'idNumber'], message: 'AGENT_IS_APPLICANT' });
  });
export type CreateCaseRequest = z.infer<typeof CreateCaseRequestSchema>;

/** How an applicant asked to withdraw (撤回申请), for the audit trail. */
export const WITHDRAW_CHANNELS = ['窗口', '电话', '书面', '网上'] as const;

/**
 * The `details` each action accepts on POST /api/cases/:id/transitions: only the fields it
 * defines, bounded, so a client cannot write arbitrary (or arbitrarily deep) JSON into the audit
 * chain. Actions without an entry take none. Dedicated actions are variants too, so they still
 * get their own 409 CASE_ACTION_NEEDS_ENDPOINT rather than a validation error.
 */
const TRANSITION_DETAILS: Partial<Record<CaseAction, z.ZodType<Record<string, unknown>>>> = {
  withdraw: z.strictObject({ channel: z.enum(WITHDRAW_CHANNELS) }),
};
const NO_DETAILS = z.strictObject({});

const transitionVariant = (action: CaseAction) =>
  z.strictObject({
    action: z.literal(action),
    note: freeText(2000, { lines: 'multi' }).optional(),
    details: (TRANSITION_DETAILS[action] ?? NO_DETAILS).optional(),
  });
type TransitionVariant = ReturnType<typeof transitionVariant>;

export const TransitionRequestSchema = z.discriminatedUnion(
  'action',
  CASE_ACTIONS.map(transitionVariant) as [TransitionVariant, ...TransitionVariant[]],
);
export type TransitionRequest = z.infer<typeof TransitionRequestSchema>;

/** How a scan reached the window; a camera shot is cropped to the page and deskewed before OCR. */
export const UPLOAD_SOURCES = ['upload', 'camera', 'scanner'] as const;
export type UploadSource = (typeof UPLOAD_SOURCES)[number];

/** Query of POST /api/cases/:id/materials/:slotCode (known before any byte of the file is read). */
export const UploadMaterialQuerySchema = z.object({
  source: z.enum(UPLOAD_SOURCES).default('upload'),
  /** The id of a current scan of the same slot that this upload replaces. */
  replaces: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
});

/** Cases per page of a list (the desk, the queue): what one screen shows without scrolling far. */
export const CASE_LIST_PAGE_SIZE = 20;
export const CASE_LIST_MAX_PAGE_SIZE = 100;

export const CaseListQuerySchema = z.object({
  scope: z.enum(['mine', 'queue', 'all']).default('mine'),
  state: z.enum(CASE_STATES).optional(),
  /** 1-based; past the last page the page is empty, with the totals still given. */
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(CASE_LIST_MAX_PAGE_SIZE).default(CASE_LIST_PAGE_SIZE),
});
export type CaseListQuery = z.infer<typeof CaseListQuerySchema>;

export interface CaseView {
  id: string;
  caseNo: string;
  itemCode: string;
  itemName: string;
  state: (typeof CASE_STATES)[number];
  intakeOfficeId: string;
  handlingOfficeId: string;
  applicant: { name: string; idType: IdType; idNumberMasked: string; phoneMasked: string; idNumber?: string; phone?: string };
  company?: { name: string; uscc: string };
  /** Full number and phone, as the applicant's, for the case's participants only. */
  agent?: {
    name: string;
    idType: IdType;
    relation: AgentRelation;
    idNumberMasked: string;
    phoneMasked: string;
    idNumber?: string;
    phone?: string;
  };
  /** Absent on cases opened before the choice was asked. */
  resultChannel?: ResultChannel;
  /** The street address and the phone for the case's participants only. */
  mailingAddress?: Omit<MailingAddress, 'detail' | 'phone'> & { phoneMasked: string; detail?: string; phone?: string };
  createdAt: string;
  updatedAt: string;
  /** When the reviewer first decided (accept, 补正 or 不予受理). */
  decidedAt?: string;
  /** YYYY-MM-DD, from 办理时限 in working days. */
  deadline: string;
  workingDaysLeft: number;
  overdue: boolean;
}

/** The only types a scan may have: what uploads accept, bags carry, and browsers may show inline. */
export const SCAN_MEDIA_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const;
export type ScanMediaType = (typeof SCAN_MEDIA_TYPES)[number];

export interface MaterialView {
  id: string;
  caseId: string;
  slotCode: string;
  fileName: string;
  sha256: string;
  mediaType: ScanMediaType;
  size: number;
  /** `transfer`: arrived in a handoff bag from a peer site. */
  source: UploadSource | 'transfer';
  uploadedAt: string;
  /** Set on a scan that a better one replaced: it stays in the case's history only. */
  replacedBy?: string;
  replacedAt?: string;
  /** 已核验原件: the window compared this scan with the original (absent: not checked, or the mark was withdrawn). */
  originalCheck?: OriginalCheckView;
}

/**
 * Schema refinements whose message is an error code: the server answers with that code (e.g. 400
 * ID_NUMBER_INVALID at `applicant.idNumber`) instead of the generic VALIDATION_FAILED, so forms
 * can point at the field.
 */
export const CODED_VALIDATION_MESSAGES: readonly ErrorCode[] = [
  ...new Set(ID_TYPES.map((t) => ID_DOCUMENTS[t].errorCode)),
  'USCC_INVALID',
  'AGENT_IS_APPLICANT',
  'MAILING_ADDRESS_REQUIRED',
];

// Response shapes of /api/cases…, /api/catalog… and /api/ledger.

/** One page of a case list, and figures over the whole list (every page) for its header. */
export interface CaseListResponse {
  cases: CaseView[];
  page: number;
  pageSize: number;
  /** Cases in the whole list, on every page. */
  total: number;
  /** Of `total`: how many are past their deadline, and how many are in each state. */
  overdue: number;
  byState: Partial<Record<CaseState, number>>;
}

/** GET /api/cases/:id (full ID number and phone for the case's own participants). */
export interface CaseDetailResponse {
  case: CaseView;
  materials: MaterialView[];
  /** Scans replaced by better ones: the case's history, shown collapsed, never sent on. */
  replacedMaterials: MaterialView[];
  /** The transitions this user may fire now. */
  allowedActions: CaseAction[];
  item: ServiceItem;
}

/** POST /api/cases (201) and POST /api/cases/:id/transitions. */
export interface CaseMutationResponse {
  case: CaseView;
  allowedActions: CaseAction[];
}

/** POST /api/cases/:id/materials/:slotCode: 201 when stored, 200 with `deduplicated` when the same bytes were already in the slot. */
export interface UploadMaterialResponse {
  material: MaterialView;
  deduplicated: boolean;
}

/**
 * One hash-chained audit event (责任追溯), as the ledger stores it and as it is listed per case;
 * details were masked when it was written.
 */
export interface AuditEvent {
  seq: number;
  at: string;
  actor_id: string | null;
  actor_name: string | null;
  actor_role: string;
  office_id: string | null;
  case_id: string | null;
  action: string;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/** GET /api/cases/:id/audit: the case's events, oldest first. */
export interface CaseAuditResponse {
  events: AuditEvent[];
  /** What people call this site's users among the actors (the events keep the username), by user id. */
  actorNames: Record<string, string>;
}

/** GET /api/ledger: 工作台账 over the cases the supervisor's office takes part in (admin: all). */
export interface WorkLedgerSummary {
  generatedAt: string;
  /** Office ids the figures cover (all offices for admin). */
  scopeOfficeIds: string[];
  total: number;
  byItem: Array<{ itemCode: string; itemName: string; count: number }>;
  byOffice: Array<{ officeId: string; officeName: string; intake: number; handling: number }>;
  byState: Array<{ state: CaseState; label: string; count: number }>;
  overdue: Array<{ id: string; caseNo: string; itemName: string; state: CaseState; deadline: string; workingDaysOverdue: number }>;
  decisions: { count: number; medianHoursToDecision: number | null };
  /** Extra sections contributed by other modules through WorkLedgerService.addSection (`steps`: LedgerStepsSection). */
  sections: Record<string, unknown>;
}
