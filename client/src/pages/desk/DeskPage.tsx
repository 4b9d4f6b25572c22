import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { CaseState } from '@tongban/shared';
import { useAuth } from '../../auth/AuthContext';
import { useCaseList } from '../../api/useCaseList';
import { CaseTable } from '../../components/CaseTable';
import { StateFilter } from '../../components/StateFilter';
import { useI18n } from '../../i18n';
import { Alert, Button, Card, PageHeader, Pager } from '../../ui';

/** 我的办件: the clerk's cases (a supervisor sees the whole window's), newest first. */
export function DeskPage() {
  const { t, errorText } = useI18n();
  const { user } = useAuth();
  const [state, setState] = useState<CaseState | ''>('');
  const scope = user?.role === 'clerk' ? 'mine' : 'all';
  const { data, error, loading, reload, setPage } = useCaseList(scope, state);
  const overdue = data?.overdue ?? 0;

  return (
    <>
      <PageHeader
        title={t('我的办件', 'My cases')}
        subtitle={t('在本窗口收件的跨省通办办件', 'Cross-province cases received at this window')}
        actions={
          <Link to="/desk/new" className="btn btn-primary">
            {t('＋ 新建办件', '+ New case')}
          </Link>
        }
      />
      {overdue > 0 && (
        <Alert tone="block" title={t(`${overdue} 件办件已超过办结时限`, `${overdue} case(s) past their deadline`)}>
          {t('请优先跟进标红的办件。', 'Follow up the cases marked in red first.')}
        </Alert>
      )}
      <Card
        title={t('办件列表', 'Cases')}
        actions={
          <div className="filters">
            <StateFilter value={state} onChange={setState} />
            <Button onClick={reload} busy={loading}>
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
            <CaseTable cases={data?.cases ?? []} caption={t('我的办件', 'My cases')} />
            {data && <Pager page={data.page} pageSize={data.pageSize} total={data.total} onPage={setPage} busy={loading} />}
          </>
        )}
      </Card>
    </>
  );
}
