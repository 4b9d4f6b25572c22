import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { CaseListResponse, CaseState } from '@tongban/shared';
import { useAuth } from '../../auth/AuthContext';
import { useApiData } from '../../api/useApiData';
import { CaseTable } from '../../components/CaseTable';
import { StateFilter } from '../../components/StateFilter';
import { useI18n } from '../../i18n';
import { Alert, Button, Card, PageHeader } from '../../ui';

/** 我的办件: the clerk's cases (a supervisor sees the whole window's), newest first. */
export function DeskPage() {
  const { t, errorText } = useI18n();
  const { user } = useAuth();
  const [state, setState] = useState<CaseState | ''>('');
  const scope = user?.role === 'clerk' ? 'mine' : 'all';
  const { data, error, loading, reload } = useApiData<CaseListResponse>(`/api/cases?scope=${scope}${state ? `&state=${state}` : ''}`);
  const cases = data?.cases ?? [];
  const overdue = cases.filter((c) => c.overdue).length;

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
          <CaseTable cases={cases} caption={t('我的办件', 'My cases')} />
        )}
      </Card>
    </>
  );
}
