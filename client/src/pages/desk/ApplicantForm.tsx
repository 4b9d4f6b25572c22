import {
  AGENT_RELATION_LABELS,
  AGENT_RELATIONS,
  checkIdDocument,
  ID_DOCUMENTS,
  ID_TYPES,
  parseIdNumber,
  RESULT_CHANNEL_LABELS,
  type IdType,
  type ServiceItem,
} from '@tongban/shared';
import { resultChannelsOf } from '@tongban/shared/catalog/caseItem';
import { useId } from 'react';
import { useI18n, type I18n } from '../../i18n';
import { Button, Select, TextField } from '../../ui';
import {
  idNumberComplete,
  idNumberError,
  needsCompany,
  phoneError,
  requiredText,
  usccError,
  wantsAddress,
  type ApplicantDraft,
  type ApplicantField,
  type FieldErrors,
} from './applicantForm';

type SetField = (field: ApplicantField, value: string, liveError?: string) => void;
type Blur = (field: ApplicantField, error: string | undefined) => void;

/**
 * Step 2: applicant (and company, when the item needs a business licence), an optional 代办人, and
 * how the result comes back. Every error sits under its own field; an ID number is checked live
 * by its document type's rule once it is long enough, so a typo shows before the clerk submits.
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

  const set: SetField = (field, value, liveError) => {
    onChange({ ...draft, [field]: value });
    // Clear a shown error as soon as the value is fixed; show the number's error once it is complete.
    if (errors[field] || liveError) onErrors({ ...errors, [field]: liveError });
  };
  const blur: Blur = (field, error) => onErrors({ ...errors, [field]: error });
  const required = (field: ApplicantField) => () => blur(field, draft[field].trim() ? undefined : requiredText(field, t));
  const setIdType = (key: 'idType' | 'agentIdType', type: IdType) => {
    onChange({ ...draft, [key]: type });
    onErrors({ ...errors, [key === 'idType' ? 'idNumber' : 'agentIdNumber']: undefined });
  };

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
            onBlur={required('name')}
          />
          <Select
            label={t('证件类型', 'ID type')}
            value={draft.idType}
            onChange={(e) => setIdType('idType', e.target.value as IdType)}
            options={ID_TYPES.map((type) => ({ value: type, label: t(ID_DOCUMENTS[type].name.zh, ID_DOCUMENTS[type].name.en) }))}
          />
        </div>
        <div className="form-row">
          <IdNumberField
            label={t(ID_DOCUMENTS[draft.idType].numberLabel.zh, sentenceCase(ID_DOCUMENTS[draft.idType].numberLabel.en))}
            type={draft.idType}
            field="idNumber"
            value={draft.idNumber}
            error={errors.idNumber}
            set={set}
            blur={blur}
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
              onBlur={required('companyName')}
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

      <fieldset>
        <legend>{t('代办人', 'Agent')}</legend>
        <label className="choice">
          <input
            type="checkbox"
            checked={draft.byAgent}
            onChange={(e) => {
              onChange({ ...draft, byAgent: e.target.checked });
              if (!e.target.checked)
                onErrors({ ...errors, agentName: undefined, agentIdNumber: undefined, agentPhone: undefined, agentRelation: undefined });
            }}
          />
          {t('由代办人办理（申请人本人不到窗口）', 'Applied for by an agent (the applicant is not at the window)')}
        </label>
        {draft.byAgent && (
          <>
            <p className="field-hint fieldset-note">
              {t(
                '代办须收取申请人签名的授权委托书和代办人身份证件，材料清单中将列为必交材料。',
                'An agent brings a letter of authorisation signed by the applicant and their own ID; the checklist lists both as required.',
              )}
            </p>
            <div className="form-row">
              <TextField
                label={t('代办人姓名', 'Agent’s name')}
                required
                autoComplete="off"
                value={draft.agentName}
                error={errors.agentName}
                onChange={(e) => set('agentName', e.target.value)}
                onBlur={required('agentName')}
              />
              <Select
                label={t('与申请人关系', 'Relation to the applicant')}
                required
                value={draft.agentRelation}
                error={errors.agentRelation}
                onChange={(e) => set('agentRelation', e.target.value)}
                onBlur={required('agentRelation')}
                options={[
                  { value: '', label: t('请选择', 'Choose') },
                  ...AGENT_RELATIONS.map((r) => ({ value: r, label: t(AGENT_RELATION_LABELS[r].zh, AGENT_RELATION_LABELS[r].en) })),
                ]}
              />
            </div>
            <div className="form-row">
              <Select
                label={t('代办人证件类型', 'Agent’s ID type')}
                value={draft.agentIdType}
                onChange={(e) => setIdType('agentIdType', e.target.value as IdType)}
                options={ID_TYPES.map((type) => ({ value: type, label: t(ID_DOCUMENTS[type].name.zh, ID_DOCUMENTS[type].name.en) }))}
              />
              <IdNumberField
                label={t(
                  `代办人${ID_DOCUMENTS[draft.agentIdType].numberLabel.zh}`,
                  `Agent’s ${ID_DOCUMENTS[draft.agentIdType].numberLabel.en}`,
                )}
                type={draft.agentIdType}
                field="agentIdNumber"
                value={draft.agentIdNumber}
                error={errors.agentIdNumber}
                set={set}
                blur={blur}
              />
            </div>
            <div className="form-row">
              <TextField
                label={t('代办人联系电话', 'Agent’s phone')}
                required
                type="tel"
                autoComplete="off"
                value={draft.agentPhone}
                error={errors.agentPhone}
                onChange={(e) => set('agentPhone', e.target.value)}
                onBlur={() => blur('agentPhone', phoneError(draft.agentPhone, t))}
              />
            </div>
          </>
        )}
      </fieldset>

      <ResultChannelChoice item={item} draft={draft} errors={errors} set={set} />
      <MailingAddress draft={draft} errors={errors} set={set} blur={blur} onChange={onChange} onErrors={onErrors} />
    </>
  );
}

/** One ID number input: its document type's label, hint, live check and error. */
function IdNumberField({
  label,
  type,
  field,
  value,
  error,
  set,
  blur,
}: {
  label: string;
  type: IdType;
  field: 'idNumber' | 'agentIdNumber';
  value: string;
  error: string | undefined;
  set: SetField;
  blur: Blur;
}) {
  const { t } = useI18n();
  return (
    <TextField
      label={label}
      required
      autoComplete="off"
      inputMode="text"
      maxLength={20}
      className="mono"
      value={value}
      hint={idNumberHint(type, value, t)}
      error={error}
      onChange={(e) => {
        const v = e.target.value.toUpperCase();
        set(field, v, idNumberComplete(type, v) ? idNumberError(type, v, t) : undefined);
      }}
      onBlur={() => blur(field, idNumberError(type, value, t))}
    />
  );
}

const sentenceCase = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function idNumberHint(type: IdType, value: string, t: I18n['t']): string {
  if (!checkIdDocument(type, value).valid) return t(ID_DOCUMENTS[type].hint.zh, ID_DOCUMENTS[type].hint.en);
  if (type !== 'resident-id') return t('号码格式正确', 'The number has the right form');
  const id = parseIdNumber(value);
  return t(
    `校验通过 · 出生日期 ${id.birthDate} · ${id.sex === 'M' ? '男' : '女'}`,
    `Checksum OK · born ${id.birthDate} · ${id.sex === 'M' ? 'male' : 'female'}`,
  );
}

/** 结果领取方式: the ways this item offers, as large radio choices. */
function ResultChannelChoice({
  item,
  draft,
  errors,
  set,
}: {
  item: ServiceItem;
  draft: ApplicantDraft;
  errors: FieldErrors;
  set: SetField;
}) {
  const { t } = useI18n();
  const errorId = useId();
  return (
    <fieldset aria-describedby={errors.resultChannel ? errorId : undefined}>
      <legend>
        {t('结果领取方式', 'How the result is received')}
        <span className="field-required" aria-hidden="true">
          *
        </span>
      </legend>
      <div className="choices">
        {resultChannelsOf(item).map((ch) => (
          <label key={ch} className="choice">
            <input
              type="radio"
              name="resultChannel"
              value={ch}
              checked={draft.resultChannel === ch}
              onChange={() => set('resultChannel', ch)}
            />
            {t(RESULT_CHANNEL_LABELS[ch].zh, RESULT_CHANNEL_LABELS[ch].en)}
          </label>
        ))}
      </div>
      {errors.resultChannel && (
        <p id={errorId} className="field-error">
          {errors.resultChannel}
        </p>
      )}
    </fieldset>
  );
}

/** 收件地址: required for EMS; otherwise kept when the clerk fills it in. */
function MailingAddress({
  draft,
  errors,
  set,
  blur,
  onChange,
  onErrors,
}: {
  draft: ApplicantDraft;
  errors: FieldErrors;
  set: SetField;
  blur: Blur;
  onChange: (d: ApplicantDraft) => void;
  onErrors: (e: FieldErrors) => void;
}) {
  const { t } = useI18n();
  const needed = draft.resultChannel === 'ems';
  const counts = wantsAddress(draft);
  const text = (field: ApplicantField, label: string, extra: { hint?: string; autoComplete?: string } = {}) => (
    <TextField
      label={label}
      required={needed}
      autoComplete={extra.autoComplete ?? 'off'}
      hint={extra.hint}
      value={draft[field]}
      error={errors[field]}
      onChange={(e) => set(field, e.target.value)}
      onBlur={() => counts && blur(field, draft[field].trim() ? undefined : requiredText(field, t))}
    />
  );
  return (
    <fieldset>
      <legend>
        {needed ? t('收件地址（EMS 邮寄必填）', 'Mailing address (required for EMS)') : t('收件地址（选填）', 'Mailing address (optional)')}
      </legend>
      <div className="form-row">
        {text('mailProvince', t('省（自治区、直辖市）', 'Province'))}
        {text('mailCity', t('市', 'City'))}
        {text('mailDistrict', t('区（县）', 'District or county'))}
      </div>
      {text('mailDetail', t('详细地址', 'Street address'), {
        hint: t('街道、小区、楼栋和门牌号', 'Street, estate, building and door number'),
      })}
      <div className="form-row">
        {text('mailRecipient', t('收件人', 'Recipient'))}
        <TextField
          label={t('收件人电话', 'Recipient’s phone')}
          required={needed}
          type="tel"
          autoComplete="off"
          value={draft.mailPhone}
          error={errors.mailPhone}
          onChange={(e) => set('mailPhone', e.target.value)}
          onBlur={() => counts && blur('mailPhone', phoneError(draft.mailPhone, t))}
        />
      </div>
      <Button
        variant="ghost"
        disabled={!draft.name.trim() && !draft.phone.trim()}
        onClick={() => {
          onChange({ ...draft, mailRecipient: draft.name, mailPhone: draft.phone });
          onErrors({ ...errors, mailRecipient: undefined, mailPhone: undefined });
        }}
      >
        {t('收件人同申请人', 'Recipient is the applicant')}
      </Button>
    </fieldset>
  );
}
