import {
  ApplicantInputSchema,
  checkIdDocument,
  CODED_VALIDATION_MESSAGES,
  ID_DOCUMENTS,
  isValidUscc,
  normalizeIdDocument,
  type AgentRelation,
  type CreateCaseRequest,
  type IdType,
  type ResultChannel,
  type ServiceItem,
} from '@tongban/shared';
import { resultChannelsOf } from '@tongban/shared/catalog/caseItem';
import type { ApiError } from '../../api/client';
import type { I18n } from '../../i18n';

/** Form state and field-level checks for step 2, using the shared validators live as the clerk types. */

export interface ApplicantDraft {
  name: string;
  idType: IdType;
  idNumber: string;
  phone: string;
  companyName: string;
  companyUscc: string;
  /** 由代办人办理: the agent's fields count only when ticked. */
  byAgent: boolean;
  agentName: string;
  agentIdType: IdType;
  agentIdNumber: string;
  agentPhone: string;
  agentRelation: AgentRelation | '';
  resultChannel: ResultChannel | '';
  mailProvince: string;
  mailCity: string;
  mailDistrict: string;
  mailDetail: string;
  mailRecipient: string;
  mailPhone: string;
}

/**
 * The form for `item`: what was typed so far (the clerk went back and picked another item), with a
 * result channel the item offers — 窗口领取 when it can (what most applicants choose), else its first.
 */
export function draftForItem(item: ServiceItem, previous?: ApplicantDraft): ApplicantDraft {
  const channels = resultChannelsOf(item);
  const kept = previous?.resultChannel && channels.includes(previous.resultChannel) ? previous.resultChannel : undefined;
  return {
    ...(previous ?? EMPTY_APPLICANT),
    resultChannel: kept ?? (channels.includes('window') ? 'window' : channels[0]!),
  };
}

const EMPTY_APPLICANT: ApplicantDraft = {
  name: '',
  idType: 'resident-id',
  idNumber: '',
  phone: '',
  companyName: '',
  companyUscc: '',
  byAgent: false,
  agentName: '',
  agentIdType: 'resident-id',
  agentIdNumber: '',
  agentPhone: '',
  agentRelation: '',
  resultChannel: '',
  mailProvince: '',
  mailCity: '',
  mailDistrict: '',
  mailDetail: '',
  mailRecipient: '',
  mailPhone: '',
};

export type ApplicantField = Exclude<keyof ApplicantDraft, 'idType' | 'agentIdType' | 'byAgent'>;
export type FieldErrors = Partial<Record<ApplicantField, string>>;

export const MAIL_FIELDS = ['mailProvince', 'mailCity', 'mailDistrict', 'mailDetail', 'mailRecipient', 'mailPhone'] as const;

/** Items that ask for a business licence are applied for by a company: its name and USCC are needed. */
export function needsCompany(item: ServiceItem): boolean {
  return item.materials.some((m) => m.kind === 'business-licence');
}

/** The number's problem in the words of its document type (ID_DOCUMENTS), or undefined when it is right. */
export function idNumberError(type: IdType, raw: string, t: I18n['t']): string | undefined {
  const spec = ID_DOCUMENTS[type];
  if (!raw.trim()) return t(`请填写${spec.numberLabel.zh}`, `Enter the ${spec.numberLabel.en}`);
  const r = checkIdDocument(type, raw);
  if (r.valid) return undefined;
  const text = (r.problem && spec.problems[r.problem]) || spec.problems.format;
  return t(text.zh, text.en);
}

/**
 * Whether a number being typed is long enough to check live: a shorter one may still be on its
 * way (an older 通行证 or 永居证 form is longer than the current one), so it waits for the blur.
 */
export function idNumberComplete(type: IdType, raw: string): boolean {
  const id = normalizeIdDocument(raw);
  const full: Record<IdType, number> = {
    'resident-id': 18,
    'hk-macao-permit': 9,
    'taiwan-permit': 8,
    'foreign-permanent-id': /^[A-Z]/.test(id) ? 15 : 18,
  };
  return id.length >= full[type];
}

export function phoneError(raw: string, t: I18n['t']): string | undefined {
  if (!raw.trim()) return t('请填写联系电话', 'Enter a phone number');
  return ApplicantInputSchema.shape.phone.safeParse(raw).success
    ? undefined
    : t('请填写 11 位手机号，或区号加座机号（如 0751-8888888）', 'Use an 11-digit mobile or area code + number (e.g. 0751-8888888)');
}

export function usccError(raw: string, t: I18n['t']): string | undefined {
  if (!raw.trim()) return t('请填写统一社会信用代码', 'Enter the unified social credit code');
  if (raw.replace(/\s+/g, '').length !== 18)
    return t('统一社会信用代码应为 18 位，请核对营业执照', 'The code has 18 characters; check the business licence');
  return isValidUscc(raw)
    ? undefined
    : t('统一社会信用代码校验位不正确，请逐位核对营业执照', 'The check character does not match; check the licence');
}

/** What an empty required field says, next to it. */
export function requiredText(field: ApplicantField, t: I18n['t']): string {
  const texts: Partial<Record<ApplicantField, [string, string]>> = {
    name: ['请填写申请人姓名', "Enter the applicant's name"],
    companyName: ['请填写企业名称', 'Enter the company name'],
    agentName: ['请填写代办人姓名', "Enter the agent's name"],
    agentRelation: ['请选择代办人与申请人的关系', 'Choose how the agent stands to the applicant'],
    resultChannel: ['请选择结果领取方式', 'Choose how the result is received'],
    mailProvince: ['请填写省（自治区、直辖市）', 'Enter the province'],
    mailCity: ['请填写市', 'Enter the city'],
    mailDistrict: ['请填写区（县）', 'Enter the district or county'],
    mailDetail: ['请填写详细地址（街道、门牌号）', 'Enter the street address'],
    mailRecipient: ['请填写收件人', 'Enter the recipient'],
  };
  const [zh, en] = texts[field] ?? ['此项必填', 'Required'];
  return t(zh, en);
}

/** The mailing address counts once any part of it is filled in, and must be filled in for EMS. */
export function wantsAddress(d: ApplicantDraft): boolean {
  return d.resultChannel === 'ems' || MAIL_FIELDS.some((f) => d[f].trim());
}

export function validateApplicant(d: ApplicantDraft, withCompany: boolean, t: I18n['t']): FieldErrors {
  const filled = (f: ApplicantField) => (d[f].trim() ? undefined : requiredText(f, t));
  const sameAsApplicant =
    d.agentIdType === d.idType && normalizeIdDocument(d.agentIdNumber) === normalizeIdDocument(d.idNumber)
      ? t(
          '代办人证件与申请人相同；申请人本人办理时请取消“由代办人办理”',
          'This is the applicant’s own ID; untick “applied for by an agent”',
        )
      : undefined;
  const errors: FieldErrors = {
    name: filled('name'),
    idNumber: idNumberError(d.idType, d.idNumber, t),
    phone: phoneError(d.phone, t),
    resultChannel: filled('resultChannel'),
    ...(withCompany ? { companyName: filled('companyName'), companyUscc: usccError(d.companyUscc, t) } : {}),
    ...(d.byAgent
      ? {
          agentName: filled('agentName'),
          agentIdNumber: idNumberError(d.agentIdType, d.agentIdNumber, t) ?? sameAsApplicant,
          agentPhone: phoneError(d.agentPhone, t),
          agentRelation: filled('agentRelation'),
        }
      : {}),
    ...(wantsAddress(d)
      ? {
          mailProvince: filled('mailProvince'),
          mailCity: filled('mailCity'),
          mailDistrict: filled('mailDistrict'),
          mailDetail: filled('mailDetail'),
          mailRecipient: filled('mailRecipient'),
          mailPhone: phoneError(d.mailPhone, t),
        }
      : {}),
  };
  return Object.fromEntries(Object.entries(errors).filter(([, v]) => v)) as FieldErrors;
}

/** POST /api/cases from a form validateApplicant passed. */
export function createCaseRequest(item: ServiceItem, d: ApplicantDraft): CreateCaseRequest {
  return {
    itemCode: item.code,
    applicant: { name: d.name, idType: d.idType, idNumber: d.idNumber, phone: d.phone },
    ...(needsCompany(item) ? { company: { name: d.companyName, uscc: d.companyUscc } } : {}),
    ...(d.byAgent && d.agentRelation
      ? {
          agent: { name: d.agentName, idType: d.agentIdType, idNumber: d.agentIdNumber, phone: d.agentPhone, relation: d.agentRelation },
        }
      : {}),
    ...(d.resultChannel ? { resultChannel: d.resultChannel } : {}),
    ...(wantsAddress(d)
      ? {
          mailingAddress: {
            province: d.mailProvince,
            city: d.mailCity,
            district: d.mailDistrict,
            detail: d.mailDetail,
            recipient: d.mailRecipient,
            phone: d.mailPhone,
          },
        }
      : {}),
  };
}

/** Request paths of the create schema, as the server names them in `details.path`, onto form fields. */
const FIELD_OF_PATH: Record<string, ApplicantField> = {
  'applicant.name': 'name',
  'applicant.idNumber': 'idNumber',
  'applicant.phone': 'phone',
  'company.name': 'companyName',
  'company.uscc': 'companyUscc',
  'agent.name': 'agentName',
  'agent.idNumber': 'agentIdNumber',
  'agent.phone': 'agentPhone',
  'agent.relation': 'agentRelation',
  resultChannel: 'resultChannel',
  mailingAddress: 'mailDetail',
  'mailingAddress.province': 'mailProvince',
  'mailingAddress.city': 'mailCity',
  'mailingAddress.district': 'mailDistrict',
  'mailingAddress.detail': 'mailDetail',
  'mailingAddress.recipient': 'mailRecipient',
  'mailingAddress.phone': 'mailPhone',
};

/** Field errors from a server refusal (a bad number, an EMS case without address, schema issues), so each message sits by its field. */
export function serverFieldErrors(e: ApiError, t: I18n['t']): FieldErrors {
  const details = e.details as { path?: string } | Array<{ path?: string }> | undefined;
  if (CODED_VALIDATION_MESSAGES.some((c) => c === e.code)) {
    const field = !Array.isArray(details) && details?.path ? FIELD_OF_PATH[details.path] : undefined;
    return field ? { [field]: t(e.message_zh, e.message_en) } : {};
  }
  if (e.code === 'RESULT_CHANNEL_NOT_OFFERED') return { resultChannel: t(e.message_zh, e.message_en) };
  const out: FieldErrors = {};
  if (e.code === 'VALIDATION_FAILED' && Array.isArray(details)) {
    for (const d of details) {
      const f = d.path ? FIELD_OF_PATH[d.path] : undefined;
      if (f) out[f] = t('此项不符合要求，请检查', 'This field is not valid; check it');
    }
  }
  return out;
}
