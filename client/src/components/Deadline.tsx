import type { CaseView } from '@tongban/shared';
import { useI18n } from '../i18n';

/** 办结时限: the date, and working days left — or, in red, that it is overdue. */
export function Deadline({ c }: { c: Pick<CaseView, 'deadline' | 'workingDaysLeft' | 'overdue'> }) {
  const { t } = useI18n();
  return (
    <span>
      <span className="mono">{c.deadline}</span>
      <br />
      {c.overdue ? (
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
