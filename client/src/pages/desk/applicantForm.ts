import { ApplicantInputSchema, isValidUscc, parseIdNumber, type ServiceItem } from '@tongban/shared';
import type { I18n } from '../../i18n';

/** Form state and field-level checks for step 2, using the shared validators live as the clerk types. */

export interface ApplicantDraft {
  name: string;
  idType: 'resident-id';
  idNumber: string;
  phone: string;
  companyName: string;
  companyUscc: string;
}

export const EMPTY_APPLICANT: ApplicantDraft = {
  name: '',
  idType: 'resident-id',
  idNumber: '',
  phone: '',
  companyName: '',
  companyUscc: '',
};

export type ApplicantField = Exclude<keyof ApplicantDraft, 'idType'>;
export type FieldErrors = Partial<Record<ApplicantField, string>>;

/** Items that ask for a business licence are applied for by a company: its name and USCC are needed. */
export function needsCompany(item: ServiceItem): boolean {
  return item.materials.some((m) => m.kind === 'business-licence');
}

export function idNumberError(raw: string, t: I18n['t']): string | undefined {
  if (!raw.trim()) return t('请填写身份证号码', 'Enter the ID number');
  const info = parseIdNumber(raw);
  if (info.valid) return undefined;
  if (info.problem === 'format')
    return t('身份证号码应为 18 位：17 位数字加 1 位数字或 X，请核对原件', 'An ID number is 17 digits plus a digit or X; check the card');
  if (info.problem === 'birthdate')
    return t('号码中的出生日期不存在，请核对第 7–14 位', 'The birth date inside the number does not exist; check digits 7–14');
  return t(
    '校验位不正确（最后一位），可能有数字录错，请逐位核对原件',
    'The check digit (last character) does not match; a digit may be mistyped',
  );
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

export function validateApplicant(d: ApplicantDraft, withCompany: boolean, t: I18n['t']): FieldErrors {
  const errors: FieldErrors = {
    name: d.name.trim() ? undefined : t('请填写申请人姓名', "Enter the applicant's name"),
    idNumber: idNumberError(d.idNumber, t),
    phone: phoneError(d.phone, t),
    ...(withCompany
      ? {
          companyName: d.companyName.trim() ? undefined : t('请填写企业名称', 'Enter the company name'),
          companyUscc: usccError(d.companyUscc, t),
        }
      : {}),
  };
  return Object.fromEntries(Object.entries(errors).filter(([, v]) => v)) as FieldErrors;
}

/** Maps the server's VALIDATION_FAILED details (`[{ path: 'applicant.idNumber', … }]`) onto form fields. */
export function fieldOfServerPath(path: string): ApplicantField | undefined {
  const map: Record<string, ApplicantField> = {
    'applicant.name': 'name',
    'applicant.idNumber': 'idNumber',
    'applicant.phone': 'phone',
    'company.name': 'companyName',
    'company.uscc': 'companyUscc',
  };
  return map[path];
}
