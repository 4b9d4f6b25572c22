import { useParams } from 'react-router-dom';
import { statusPath, type PublicCaseStatus } from '@tongban/shared/cases/queryCode';
import { useApiData } from '../../api/useApiData';
import { formatDateTime } from '../../format';
import { useI18n } from '../../i18n';
import { Alert } from '../../ui';
import { PhonePage } from '../../features/applicant/PhonePage';
import './status.css';

/**
 * /status/:code — 办件进度查询 for the applicant, from the receipt's QR code or query code (no
 * login). Progress and dates only: the server never sends the name, ID number or materials.
 */
export default function StatusPage() {
  const { code = '' } = useParams();
  const { t, lang, errorText } = useI18n();
  const info = useApiData<{ status: PublicCaseStatus }>(`/api${statusPath(code)}`);
  const s = info.data?.status;
  const at = (iso: string | undefined) => (iso ? formatDateTime(iso, lang) : '—');
  return (
    <PhonePage title={t('办件进度查询', 'Case progress')}>
      <p className="muted">
        {t('查询码', 'Query code')} {code}
      </p>
      {info.loading && !s && <p role="status">{t('正在查询…', 'Looking it up…')}</p>}
      {info.error !== undefined && <Alert tone="block">{errorText(info.error)}</Alert>}
      {s && (
        <>
          <p className="status-state">{lang === 'zh' ? s.stateLabel.zh : s.stateLabel.en}</p>
          <p className="status-next">{lang === 'zh' ? s.next.zh : s.next.en}</p>
          <ol className="status-steps">
            {s.steps.map((step) => (
              <li
                key={step.step}
                className={`status-step status-${step.status}`}
                aria-current={step.status === 'current' ? 'step' : undefined}
              >
                <span aria-hidden="true">{step.status === 'done' ? '✓' : step.status === 'current' ? '●' : '○'}</span>{' '}
                {lang === 'zh' ? step.label.zh : step.label.en}
              </li>
            ))}
          </ol>
          <dl className="status-facts">
            <dt>{t('办理事项', 'Service')}</dt>
            <dd>{s.itemName}</dd>
            <dt>{t('审批单位', 'Handling office')}</dt>
            <dd>{s.handlingOffice}</dd>
            <dt>{t('收件时间', 'Received')}</dt>
            <dd>{at(s.receivedAt)}</dd>
            <dt>{t('受理决定', 'Decided')}</dt>
            <dd>{at(s.decidedAt)}</dd>
            <dt>{t('承诺办结日期', 'Promised by')}</dt>
            <dd>{s.promisedDate}</dd>
            <dt>{t('办结时间', 'Completed')}</dt>
            <dd>{at(s.completedAt)}</dd>
          </dl>
          <p className="muted">{t('时间均为北京时间。', 'Times are China Standard Time.')}</p>
        </>
      )}
    </PhonePage>
  );
}
