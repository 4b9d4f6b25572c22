import { parseIdNumber, type ServiceItem } from '@tongban/shared';
import { useI18n } from '../../i18n';
import { Select, TextField } from '../../ui';
import {
  idNumberError,
  needsCompany,
  phoneError,
  usccError,
  type ApplicantDraft,
  type ApplicantField,
  type FieldErrors,
} from './applicantForm';

/**
 * Step 2: applicant (and company, when the item needs a business licence). The ID number is checked
 * live once it has 18 characters, so a typo shows before the clerk submits.
 */
export function ApplicantForm({
  item,
  draft,
  errors,
  onChange,
  onErrors,
}: {
  item: ServiceItem;
  draft: ApplicantDraft;
  errors: FieldErrors;
  onChange: (d: ApplicantDraft) => void;
  onErrors: (e: FieldErrors) => void;
}) {
  const { t } = useI18n();
  const withCompany = needsCompany(item);

  const set = (field: ApplicantField, value: string, liveError?: string) => {
    onChange({ ...draft, [field]: value });
    // Clear a shown error as soon as the value is fixed; show the checksum error once it is complete.
    if (errors[field] || liveError) onErrors({ ...errors, [field]: liveError });
  };
  const blur = (field: ApplicantField, error: string | undefined) => onErrors({ ...errors, [field]: error });

  const id = parseIdNumber(draft.idNumber);
  const idHint = id.valid
    ? t(
        `校验通过 · 出生日期 ${id.birthDate} · ${id.sex === 'M' ? '男' : '女'}`,
        `Checksum OK · born ${id.birthDate} · ${id.sex === 'M' ? 'male' : 'female'}`,
      )
    : t('18 位，末位可为 X；输入完整后自动校验', '18 characters, the last may be X; checked when complete');

  return (
    <>
      <fieldset>
        <legend>{t('申请人', 'Applicant')}</legend>
        <div className="form-row">
          <TextField
            label={t('姓名', 'Name')}
            required
            autoComplete="off"
            value={draft.name}
            error={errors.name}
            onChange={(e) => set('name', e.target.value)}
            onBlur={() => blur('name', draft.name.trim() ? undefined : t('请填写申请人姓名', "Enter the applicant's name"))}
          />
          <Select
            label={t('证件类型', 'ID type')}
            value={draft.idType}
            disabled
            options={[{ value: 'resident-id', label: t('居民身份证', 'Resident ID card') }]}
          />
        </div>
        <div className="form-row">
          <TextField
            label={t('公民身份号码', 'ID number')}
            required
            autoComplete="off"
            inputMode="text"
            maxLength={20}
            className="mono"
            value={draft.idNumber}
            hint={idHint}
            error={errors.idNumber}
            onChange={(e) => {
              const v = e.target.value.toUpperCase();
              set('idNumber', v, v.replace(/\s+/g, '').length >= 18 ? idNumberError(v, t) : undefined);
            }}
            onBlur={() => blur('idNumber', idNumberError(draft.idNumber, t))}
          />
          <TextField
            label={t('联系电话', 'Phone')}
            required
            type="tel"
            autoComplete="off"
            value={draft.phone}
            error={errors.phone}
            onChange={(e) => set('phone', e.target.value)}
            onBlur={() => blur('phone', phoneError(draft.phone, t))}
          />
        </div>
      </fieldset>
      {withCompany && (
        <fieldset>
          <legend>{t('企业信息（本事项需提交营业执照）', 'Company (this item needs a business licence)')}</legend>
          <div className="form-row">
            <TextField
              label={t('企业名称', 'Company name')}
              required
              value={draft.companyName}
              error={errors.companyName}
              onChange={(e) => set('companyName', e.target.value)}
              onBlur={() => blur('companyName', draft.companyName.trim() ? undefined : t('请填写企业名称', 'Enter the company name'))}
            />
            <TextField
              label={t('统一社会信用代码', 'Unified social credit code')}
              required
              className="mono"
              maxLength={20}
              value={draft.companyUscc}
              error={errors.companyUscc}
              hint={t('18 位，见营业执照左上角', '18 characters, top left of the licence')}
              onChange={(e) => {
                const v = e.target.value.toUpperCase();
                set('companyUscc', v, v.replace(/\s+/g, '').length >= 18 ? usccError(v, t) : undefined);
              }}
              onBlur={() => blur('companyUscc', usccError(draft.companyUscc, t))}
            />
          </div>
        </fieldset>
      )}
    </>
  );
}
