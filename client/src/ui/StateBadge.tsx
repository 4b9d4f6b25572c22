import { CASE_STATE_LABELS, type CaseState } from '@tongban/shared';
import { useI18n } from '../i18n';
import { Badge, type Tone } from './Badge';

const STATE_TONES: Record<CaseState, Tone> = {
  draft: 'info',
  prechecked: 'info',
  in_review: 'warn',
  accepted: 'ok',
  needs_correction: 'warn',
  rejected: 'block',
  handed_off: 'info',
  in_handling: 'info',
  completed: 'ok',
  rated: 'ok',
  withdrawn: 'block',
  correction_expired: 'block',
};

export function StateBadge({ state }: { state: CaseState }) {
  const { lang } = useI18n();
  return <Badge tone={STATE_TONES[state]}>{CASE_STATE_LABELS[state][lang]}</Badge>;
}
