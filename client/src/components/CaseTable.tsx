import { Link } from 'react-router-dom';
import type { CaseView } from '@tongban/shared';
import { formatDateTime, formatWaiting } from '../format';
import { useI18n } from '../i18n';
import { StateBadge } from '../ui';
import { Deadline } from './Deadline';

/**
 * The case list of the desk and the queue. `waitingSince` adds a column with how long each case
 * has waited (the queue's view); the desk shows when it was received instead.
 */
export function CaseTable({
  cases,
  caption,
  showWaiting = false,
  now = Date.now(),
}: {
  cases: CaseView[];
  caption: string;
  showWaiting?: boolean;
  now?: number;
}) {
  const { t, lang } = useI18n();
  if (cases.length === 0) return <p className="empty">{t('暂无办件', 'No cases')}</p>;
  return (
    <div className="table-wrap">
      <table className="data">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('办件编号', 'Case no.')}</th>
            <th scope="col">{t('事项', 'Service item')}</th>
            <th scope="col">{t('申请人', 'Applicant')}</th>
            <th scope="col">{t('状态', 'State')}</th>
            <th scope="col">{showWaiting ? t('已等待', 'Waiting') : t('收件时间', 'Received')}</th>
            <th scope="col">{t('办结时限', 'Deadline')}</th>
          </tr>
        </thead>
        <tbody>
          {cases.map((c) => (
            <tr key={c.id}>
              <td>
                <Link to={`/cases/${encodeURIComponent(c.id)}`} className="mono">
                  {c.caseNo}
                </Link>
              </td>
              <td>{c.itemName}</td>
              <td>
                {c.applicant.name}
                <br />
                <span className="muted mono">{c.applicant.idNumberMasked}</span>
              </td>
              <td>
                <StateBadge state={c.state} />
              </td>
              <td>{showWaiting ? formatWaiting(c.updatedAt, now, t) : formatDateTime(c.createdAt, lang)}</td>
              <td>
                <Deadline c={c} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
