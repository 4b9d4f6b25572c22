import { lazy, Suspense, useEffect, useState } from 'react';
import type { CaseState } from '@tongban/shared';
import { useCaseList } from '../../api/useCaseList';
import { useOffices } from '../../api/reference';
import { useAuth } from '../../auth/AuthContext';
import { CaseTable } from '../../components/CaseTable';
import { StateFilter } from '../../components/StateFilter';
import { useI18n } from '../../i18n';
import { Alert, Button, Card, PageHeader, Pager, Stat } from '../../ui';

const REFRESH_MS = 30_000;
// The live co-review queue comes with the call feature (socket.io + its own bundle).
const ReviewQueue = lazy(() => import('../../features/call/ReviewQueue'));

/** 待审队列: cases routed to the reviewer's handling office, the longest-waiting first. */
export function QueuePage() {
  const { t, errorText } = useI18n();
  const { user } = useAuth();
  const { officeName } = useOffices();
  const [state, setState] = useState<CaseState | ''>('');
  const { data, error, loading, reload, setPage } = useCaseList('queue', state);
  const [now, setNow] = useState(() => Date.now());

  // Keep waiting times and the list fresh while the reviewer watches the queue.
  useEffect(() => {
    const timer = window.setInterval(() => {
      setNow(Date.now());
      reload();
    }, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [reload]);

  const waitingReview = (data?.byState.in_review ?? 0) + (data?.byState.prechecked ?? 0);

  return (
    <>
      <PageHeader
        title={t('待审队列', 'Review queue')}
        subtitle={user ? t(`转至 ${officeName(user.officeId)} 的办件`, `Cases routed to ${officeName(user.officeId)}`) : undefined}
      />
      <div className="stat-grid">
        <Stat value={data?.total ?? 0} label={t('队列中的办件', 'Cases in queue')} />
        <Stat value={waitingReview} label={t('待视频会审', 'Awaiting review')} />
        <Stat value={data?.overdue ?? 0} label={t('已超期', 'Overdue')} alarm />
      </div>
      <Suspense fallback={null}>
        <ReviewQueue />
      </Suspense>
      <Card
        title={t('办件（等待最久的在前）', 'Cases (longest waiting first)')}
        actions={
          <div className="filters">
            <StateFilter value={state} onChange={setState} />
            <Button
              onClick={() => {
                setNow(Date.now());
                reload();
              }}
              busy={loading}
            >
              {t('刷新', 'Refresh')}
            </Button>
          </div>
        }
      >
        {error ? (
          <Alert tone="block">{errorText(error)}</Alert>
        ) : loading && !data ? (
          <p className="muted">{t('正在加载…', 'Loading…')}</p>
        ) : (
          <>
            <CaseTable cases={data?.cases ?? []} caption={t('待审队列', 'Review queue')} showWaiting now={now} />
            {data && <Pager page={data.page} pageSize={data.pageSize} total={data.total} onPage={setPage} busy={loading} />}
          </>
        )}
      </Card>
    </>
  );
}
