import type { CaseView } from '@tongban/shared';
import { DEADLINE_STOPPED_STATES } from '@tongban/shared/cases/deadline';
import { useI18n } from '../i18n';

/** 办结时限: the date, and working days left — or, in red, that it is overdue; a finished case counts nothing down. */
export function Deadline({ c }: { c: Pick<CaseView, 'deadline' | 'workingDaysLeft' | 'overdue' | 'state'> }) {
  const { t } = useI18n();
  return (
    <span>
      <span className="mono">{c.deadline}</span>
      <br />
      {DEADLINE_STOPPED_STATES.includes(c.state) ? (
        <span className="muted">{t('已结束，不再计时', 'Finished: no longer counting')}</span>
      ) : c.overdue ? (
        <span className="overdue">
          {t(`已超期 ${Math.abs(c.workingDaysLeft)} 个工作日`, `Overdue by ${Math.abs(c.workingDaysLeft)} working days`)}
        </span>
      ) : (
        <span className={c.workingDaysLeft <= 1 ? 'danger-text' : 'muted'}>
          {t(`剩余 ${c.workingDaysLeft} 个工作日`, `${c.workingDaysLeft} working days left`)}
        </span>
      )}
    </span>
  );
}
