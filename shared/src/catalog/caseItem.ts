import { RESULT_CHANNELS, type ResultChannel } from '../schemas/cases';
import { ID_DOCUMENTS, type IdType } from '../validators/idDocument';
import { SCAN_RULES } from './items';
import type { MaterialSpec, PrecheckRule, ServiceItem } from './types';

/**
 * An item as one case needs it. The catalogue's slots assume the applicant applies in person with
 * a 居民身份证; a case says otherwise: a 代办人 adds the 授权委托书 and the agent's own ID, and an
 * applicant with another ID document hands in that document in the ID card slots (same codes,
 * its own name, no resident-card reading). Server and client both ask this one function, so the
 * checklist, the pre-check gate, uploads, the receipt and the bag agree.
 */

/** What an item asks for more when a 代办人 applies for the applicant. */
export const AGENT_MATERIALS: readonly MaterialSpec[] = [
  {
    code: 'AGENT_AUTHORIZATION',
    name: '授权委托书（申请人签名）',
    nameEn: 'Letter of authorisation, signed by the applicant',
    kind: 'other',
    // The signed paper is the handling office's proof that the applicant asked for this.
    originalByCourier: true,
    copies: 1,
    pages: 1,
    required: true,
    precheckRules: [...SCAN_RULES, 'duplicate-page'],
  },
  {
    code: 'AGENT_ID',
    name: '代办人身份证件（正反面）',
    nameEn: 'Agent’s ID document (both sides)',
    kind: 'id-card',
    originalByCourier: false,
    copies: 1,
    pages: 2,
    required: true,
    // Not read as the applicant's card: its number is the agent's.
    precheckRules: [...SCAN_RULES],
  },
];

/** Rules that read a 居民身份证 (its fields, its look, the applicant's number on it). */
const RESIDENT_CARD_RULES: ReadonlySet<PrecheckRule> = new Set(['material-kind', 'id-card-front', 'id-card-back']);

export interface CaseItemFacts {
  applicant: { idType: IdType };
  agent?: object | undefined;
}

export function itemForCase(item: ServiceItem, c: CaseItemFacts): ServiceItem {
  const type = c.applicant.idType;
  const materials =
    type === 'resident-id' ? item.materials : item.materials.map((m) => (isResidentCardSlot(m) ? asDocumentSlot(m, type) : m));
  return { ...item, materials: c.agent ? [...materials, ...AGENT_MATERIALS] : materials };
}

function isResidentCardSlot(m: MaterialSpec): boolean {
  return m.kind === 'id-card' && (m.precheckRules.includes('id-card-front') || m.precheckRules.includes('id-card-back'));
}

/** 申请人居民身份证（人像面） → 申请人港澳居民来往内地通行证（正面）; the other documents are cards with a front and a back too. */
function asDocumentSlot(m: MaterialSpec, type: IdType): MaterialSpec {
  const { name } = ID_DOCUMENTS[type];
  const back = m.precheckRules.includes('id-card-back');
  return {
    ...m,
    name: m.name.replace('居民身份证', name.zh).replace(/（(?:人像面|国徽面)）/, back ? '（背面）' : '（正面）'),
    ...(m.nameEn
      ? { nameEn: m.nameEn.replace('ID card', name.en).replace(/\((?:photo|national emblem) side\)/, back ? '(back)' : '(front)') }
      : {}),
    precheckRules: m.precheckRules.filter((r) => !RESIDENT_CARD_RULES.has(r)),
  };
}

/** How the catalogue words each way a result reaches the applicant (结果送达方式). */
const CHANNEL_WORDING: Record<ResultChannel, RegExp> = {
  window: /窗口/,
  ems: /EMS|邮寄|寄递/,
  online: /网上|在线|电子|短信/,
};

/** The ways of receiving the result the item offers; 窗口领取 when its wording names none of them. */
export function resultChannelsOf(item: Pick<ServiceItem, 'resultDelivery'>): ResultChannel[] {
  const offered = RESULT_CHANNELS.filter((ch) => item.resultDelivery.some((w) => CHANNEL_WORDING[ch].test(w)));
  return offered.length > 0 ? offered : ['window'];
}
