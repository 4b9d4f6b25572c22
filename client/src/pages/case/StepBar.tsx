import { CASE_STATE_LABELS, type CaseState } from '@tongban/shared';
import { CASE_STEP_LABELS, CASE_STEPS, caseProgress } from '@tongban/shared/cases/nextStep';
import { useI18n } from '../../i18n';

/** 收件 → 预审 → 视频会审 → 转递 → 办理 → 办结 → 评价: the steps behind the case marked done, its current one highlighted. */
export function StepBar({ state, withdrawnFrom }: { state: CaseState; withdrawnFrom?: CaseState | undefined }) {
  const { t } = useI18n();
  const progress = caseProgress(state, withdrawnFrom);
  return (
    <ol className="steps case-steps" aria-label={t('办理进度', 'Progress')}>
      {CASE_STEPS.map((step, i) => {
        const done = progress.done.includes(step);
        const current = progress.current === step;
        const label = CASE_STEP_LABELS[step];
        return (
          <li
            key={step}
            className={[done && 'done', current && progress.halted && 'halted'].filter(Boolean).join(' ') || undefined}
            aria-current={current ? 'step' : undefined}
            data-step={step}
          >
            <span aria-hidden="true" className="case-step-mark">
              {done ? '✓' : i + 1}
            </span>{' '}
            {t(label.zh, label.en)}
            {done && <span className="visually-hidden">{t('（已完成）', ' (done)')}</span>}
            {current && progress.halted && (
              <span className="case-step-note">{t(`（${CASE_STATE_LABELS[state].zh}）`, ` (${CASE_STATE_LABELS[state].en})`)}</span>
            )}
          </li>
        );
      })}
    </ol>
  );
}
