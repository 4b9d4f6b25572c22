import { CASE_STATES, CASE_STATE_LABELS, type CaseState } from '@tongban/shared';
import { useI18n } from '../i18n';
import { Select } from '../ui';

/** "All states" or one state, for the case lists. */
export function StateFilter({
  value,
  onChange,
  states = CASE_STATES,
}: {
  value: CaseState | '';
  onChange: (s: CaseState | '') => void;
  states?: readonly CaseState[];
}) {
  const { t, lang } = useI18n();
  return (
    <Select
      label={t('状态', 'State')}
      value={value}
      onChange={(e) => onChange(e.target.value as CaseState | '')}
      options={[{ value: '', label: t('全部状态', 'All states') }, ...states.map((s) => ({ value: s, label: CASE_STATE_LABELS[s][lang] }))]}
    />
  );
}
