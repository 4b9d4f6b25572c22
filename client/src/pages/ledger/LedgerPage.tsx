import { lazy, Suspense } from 'react';
import { Link } from 'react-router-dom';
import { CASE_STATE_LABELS, type WorkLedgerSummary } from '@tongban/shared';
import { can } from '@tongban/shared/cases/access';
import { useApiData } from '../../api/useApiData';
import { useAuth } from '../../auth/AuthContext';
import { formatDateTime, formatMinutes } from '../../format';
import { useI18n } from '../../i18n';
import { CountTable } from '../../components/CountTable';
import { StepsLedgerCard } from '../../features/steps/StepsLedgerCard';
import type { LedgerStepsSection } from '@tongban/shared/cases/steps';
import { Alert, Button, Card, PageHeader, Stat, StateBadge } from '../../ui';

const RatingsLedger = lazy(() => import('../../features/handoff/RatingsLedger'));
const ReviewQaCard = lazy(() => import('../../features/reviewQa/ReviewQaCard'));

/** 工作台账: counts per item, office and state; overdue cases; median time to a decision; CSV export. */
export function LedgerPage() {
  const { t, lang, errorText } = useI18n();
  const { data, error, loading, reload } = useApiData<WorkLedgerSummary>('/api/ledger');

  return (
    <>
      <PageHeader
        title={t('工作台账', 'Work ledger')}
        subtitle={
          data ? t(`统计时间 ${formatDateTime(data.generatedAt, lang)}`, `As of ${formatDateTime(data.generatedAt, lang)}`) : undefined
        }
        actions={
          <>
            <Button onClick={reload} busy={loading}>
              {t('刷新', 'Refresh')}
            </Button>
            {/* A plain link: the browser downloads the CSV with the session cookie. */}
            <a className="btn btn-primary" href="/api/ledger.csv" download>
              {t('导出 CSV', 'Export CSV')}
            </a>
          </>
        }
      />
      {error != null && <Alert tone="block">{errorText(error)}</Alert>}
      {data && <LedgerBody data={data} />}
      {!data && !error && <p className="muted">{t('正在加载…', 'Loading…')}</p>}
    </>
  );
}

function LedgerBody({ data }: { data: WorkLedgerSummary }) {
  const { t, lang } = useI18n();
  const { user } = useAuth();
  const median = data.decisions.medianHoursToDecision;
  return (
    <>
      <div className="stat-grid">
        <Stat value={data.total} label={t('办件总数', 'Cases')} />
        <Stat value={data.overdue.length} label={t('超期办件', 'Overdue')} alarm={data.overdue.length > 0} />
        <Stat value={data.decisions.count} label={t('已作出受理决定', 'Decided')} />
        <Stat
          value={median === null ? '—' : formatMinutes(median * 60, t)}
          label={t('收件至受理决定（中位数）', 'Intake to decision (median)')}
        />
      </div>

      <Card title={t('超期办件', 'Overdue cases')}>
        {data.overdue.length === 0 ? (
          <p className="empty">{t('没有超期办件', 'No overdue cases')}</p>
        ) : (
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">{t('办件编号', 'Case no.')}</th>
                  <th scope="col">{t('事项', 'Item')}</th>
                  <th scope="col">{t('状态', 'State')}</th>
                  <th scope="col">{t('办结时限', 'Deadline')}</th>
                  <th scope="col">{t('超期', 'Overdue by')}</th>
                </tr>
              </thead>
              <tbody>
                {data.overdue.map((o) => (
                  <tr key={o.id}>
                    <td>
                      <Link className="mono" to={`/cases/${encodeURIComponent(o.id)}`}>
                        {o.caseNo}
                      </Link>
                    </td>
                    <td>{o.itemName}</td>
                    <td>
                      <StateBadge state={o.state} />
                    </td>
                    <td className="mono">{o.deadline}</td>
                    <td className="overdue">{t(`${o.workingDaysOverdue} 个工作日`, `${o.workingDaysOverdue} working days`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      <StepsLedgerCard section={data.sections.steps as LedgerStepsSection | undefined} />

      <div className="grid-2">
        <Card title={t('按事项', 'By service item')}>
          <CountTable
            caption={t('按事项统计', 'Cases by service item')}
            head={[t('事项', 'Item'), t('件数', 'Cases')]}
            rows={data.byItem.map((i) => ({ key: i.itemCode, cells: [i.itemName, i.count] }))}
          />
        </Card>
        <Card title={t('按状态', 'By state')}>
          <CountTable
            caption={t('按状态统计', 'Cases by state')}
            head={[t('状态', 'State'), t('件数', 'Cases')]}
            rows={data.byState
              .filter((s) => s.count > 0)
              .map((s) => ({ key: s.state, cells: [CASE_STATE_LABELS[s.state][lang], s.count] }))}
          />
        </Card>
      </div>
      <Card title={t('按单位', 'By office')}>
        <CountTable
          caption={t('按单位统计', 'Cases by office')}
          head={[t('单位', 'Office'), t('收件', 'Received'), t('属地办理', 'Handled')]}
          rows={data.byOffice.map((o) => ({ key: o.officeId, cells: [o.officeName, o.intake, o.handling] }))}
        />
      </Card>
      <Suspense fallback={<p className="muted">{t('正在加载…', 'Loading…')}</p>}>
        <RatingsLedger />
        {user && can(user, 'reviewQa.view') && <ReviewQaCard />}
      </Suspense>
    </>
  );
}
