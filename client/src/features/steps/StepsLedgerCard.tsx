import { Link } from 'react-router-dom';
import { STEP_BY_CODE, type LedgerStepsSection } from '@tongban/shared/cases/steps';
import { CountTable } from '../../components/CountTable';
import { formatDateTime } from '../../format';
import { useI18n } from '../../i18n';
import { Card } from '../../ui';

const percent = (rate: number | null) => (rate === null ? '—' : `${Math.round(rate * 100)}%`);

/** The work ledger's 超时环节 (steps running past their due time, with the office answering for each) and each office's on-time rate per step. */
export function StepsLedgerCard({ section }: { section: LedgerStepsSection | undefined }) {
  const { t, lang } = useI18n();
  if (!section) return null;
  return (
    <>
      <Card title={t('超时环节', 'Stalled steps')}>
        {section.stalled.length === 0 ? (
          <p className="empty">{t('没有超时环节', 'No step is late')}</p>
        ) : (
          <div className="table-wrap">
            <table className="data" data-testid="stalled-steps">
              <caption className="visually-hidden">{t('超时未完成的环节', 'Steps running past their due time')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('办件编号', 'Case no.')}</th>
                  <th scope="col">{t('事项', 'Item')}</th>
                  <th scope="col">{t('环节', 'Step')}</th>
                  <th scope="col">{t('责任单位', 'Responsible office')}</th>
                  <th scope="col">{t('应完成', 'Due by')}</th>
                </tr>
              </thead>
              <tbody>
                {section.stalled.map((s) => (
                  <tr key={`${s.caseId}-${s.step}`}>
                    <td>
                      <Link className="mono" to={`/cases/${encodeURIComponent(s.caseId)}`}>
                        {s.caseNo}
                      </Link>
                    </td>
                    <td>{s.itemName}</td>
                    <td>{STEP_BY_CODE[s.step].label[lang]}</td>
                    <td>{s.officeName}</td>
                    <td className="overdue">
                      {formatDateTime(s.dueAt, lang)} {t('（已超时）', '(late)')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <Card title={t('各单位环节按时率', 'On-time rate per office and step')}>
        <CountTable
          caption={t('各单位各环节按时完成的比例', 'Share of each office’s steps done on time')}
          head={[t('单位', 'Office'), t('环节', 'Step'), t('已完成', 'Done'), t('按时', 'On time'), t('按时率', 'Rate')]}
          rows={section.onTime.map((r) => ({
            key: `${r.officeId}-${r.step}`,
            cells: [r.officeName, STEP_BY_CODE[r.step].label[lang], r.count, r.onTime, percent(r.rate)],
          }))}
        />
      </Card>
    </>
  );
}
