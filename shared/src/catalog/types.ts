import type { OfficeKind } from '../roles';

export const MATERIAL_KINDS = ['id-card', 'household-register', 'business-licence', 'application-form', 'certificate', 'other'] as const;
export type MaterialKind = (typeof MATERIAL_KINDS)[number];

/** Names of pre-check rules a material slot asks for (implemented in the pre-check module). */
export const PRECHECK_RULES = [
  'legibility', // mean word confidence above threshold
  'resolution', // enough pixels for the page size
  'blank-page',
  'duplicate-page',
  'material-kind', // the page looks like what the slot expects
  'id-card-front', // 姓名/性别/民族/出生/住址/公民身份号码, GB 11643, matches applicant
  'id-card-back', // 签发机关, 有效期限 not expired
  'business-licence', // 统一社会信用代码 GB 32100, 名称 matches
  'required-fields', // configured labels found with a value
] as const;
export type PrecheckRule = (typeof PRECHECK_RULES)[number];

export interface MaterialSpec {
  /** Stable code within the item, e.g. `ID_CARD`. */
  code: string;
  name: string;
  /** The name on the English desk (absent in a catalogue seeded before it had one: the Chinese name is shown). */
  nameEn?: string;
  kind: MaterialKind;
  /** Whether the paper original must travel by courier to the handling office. */
  originalByCourier: boolean;
  copies: number;
  pages: number;
  required: boolean;
  precheckRules: PrecheckRule[];
  /** Labels that must be found with a value (for `required-fields`). */
  requiredFields?: string[];
}

export const ITEM_TYPES = ['行政许可', '行政给付', '行政确认', '公共服务', '其他行政权力'] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

export interface ServiceItem {
  /** 事项编码 */
  code: string;
  /** 事项名称 */
  name: string;
  /** The name on the English desk (the Chinese name when absent). */
  nameEn?: string;
  /** 事项类型 */
  type: ItemType;
  /** 实施机关: the handling office's id. */
  handlingOfficeId: string;
  /** 设定依据 */
  legalBasis: string;
  /** 申请条件 */
  conditions: string;
  /** 办理时限, working days */
  timeLimitDays: number;
  /** 补正期限: working days the applicant has to bring corrected materials (DEFAULT_CORRECTION_DAYS when absent). */
  correctionDays?: number;
  /** 收费 */
  fee: string;
  /** 结果送达方式 */
  resultDelivery: string[];
  /** 申请材料 */
  materials: MaterialSpec[];
}

export interface Office {
  id: string;
  name: string;
  kind: OfficeKind;
  province: string;
  city: string;
  /** Short code used in case numbers, e.g. `GD-SG`. */
  code: string;
  /** The site (deployment, SITE_ID) that hosts the office: where its requests and bags go. */
  siteId: string;
  /** Street address and phone, printed for the applicant ('' until the site records them). */
  address?: string;
  phone?: string;
}
