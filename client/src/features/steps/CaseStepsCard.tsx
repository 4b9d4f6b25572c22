import type { CaseView } from '@tongban/shared';
import {
  STEP_BY_CODE,
  STEP_SKIP_LABELS,
  STEP_STATUS_LABELS,
  isLate,
  type CaseStepView,
  type CaseStepsView,
  type StepStatus,
} from '@tongban/shared/cases/steps';
import { useApiData } from '../../api/useApiData';
import { formatDateTime } from '../../format';
import { useI18n } from '../../i18n';
import { Alert, Badge, Card, type Tone } from '../../ui';

const TONES: Record<StepStatus, Tone> = {
  pending: 'info',
  running: 'info',
  due_soon: 'warn',
  late: 'block',
  done: 'ok',
  done_late: 'warn',
  skipped: 'info',
};

/**
 * 环节时限 on the case page: each step, the office answering for it (by name), its limit and due
 * time in China time, when it was done; a late step says so in words and names the office.
 */
export function CaseStepsCard({ caseView }: { caseView: Pick<CaseView, 'id' | 'updatedAt'> }) {
  const { t, lang, errorText } = useI18n();
  const { data, error } = useApiData<CaseStepsView>(`/api/cases/${caseView.id}/steps?v=${encodeURIComponent(caseView.updatedAt)}`);
  if (!data) return error ? <Alert tone="block">{errorText(error)}</Alert> : null;
  const late = data.steps.filter((s) => s.status === 'late');
  const when = (iso: string | null) => (iso ? formatDateTime(iso, lang) : '—');

  return (
    <Card title={t('环节时限', 'Step time limits')}>
      {late.map((s) => (
        <Alert key={s.code} tone="block" title={t('环节超时', 'Step late')}>
          {t(
            `“${STEP_BY_CODE[s.code].label.zh}”应于 ${when(s.dueAt)} 前完成，已超时；责任单位：${s.officeName}`,
            `“${STEP_BY_CODE[s.code].label.en}” was due by ${when(s.dueAt)} and is late; responsible office: ${s.officeName}`,
          )}
        </Alert>
      ))}
      <div className="table-wrap">
        <table className="data" data-testid="case-steps">
          <caption className="visually-hidden">{t('各环节的时限与责任单位', 'Each step’s time limit and responsible office')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('环节', 'Step')}</th>
              <th scope="col">{t('责任单位', 'Responsible office')}</th>
              <th scope="col">{t('时限', 'Limit')}</th>
              <th scope="col">{t('开始', 'Started')}</th>
              <th scope="col">{t('应完成', 'Due by')}</th>
              <th scope="col">{t('完成', 'Done')}</th>
              <th scope="col">{t('状态', 'Status')}</th>
            </tr>
          </thead>
          <tbody>
            {data.steps.map((s) => (
              <tr key={s.code} data-step={s.code} data-status={s.status}>
                <th scope="row" className="row-head">
                  {STEP_BY_CODE[s.code].label[lang]}
                </th>
                <td>{s.officeName}</td>
                <td>{t(`${s.limitDays} 个工作日`, `${s.limitDays} working day${s.limitDays === 1 ? '' : 's'}`)}</td>
                <td>{when(s.startedAt)}</td>
                <td>{when(s.dueAt)}</td>
                <td>{when(s.doneAt)}</td>
                <td>
                  <StepStatusBadge step={s} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted">
        {t(
          '时限按工作日计算（节假日与调休见节假日日历），当日 24:00 前完成即为按时；到期前 4 个工作小时提醒责任单位。',
          'Limits count working days (holidays and make-up days as in the holiday calendar); done before 24:00 of the due day is on time. The responsible office is reminded 4 office hours before.',
        )}
      </p>
    </Card>
  );
}

function StepStatusBadge({ step }: { step: CaseStepView }) {
  const { t, lang } = useI18n();
  const label = STEP_STATUS_LABELS[step.status][lang];
  const text =
    step.status === 'skipped' && step.skipReason
      ? `${label}（${STEP_SKIP_LABELS[step.skipReason][lang]}）`
      : isLate(step)
        ? t(`${label}（${step.officeName}）`, `${label} (${step.officeName})`)
        : label;
  return <Badge tone={TONES[step.status]}>{text}</Badge>;
}
