import { useCallback, useEffect, useState } from 'react';
import type { CaseListQuery, CaseListResponse, CaseState } from '@tongban/shared';
import { useApiData, type ApiData } from './useApiData';

export interface CaseList extends ApiData<CaseListResponse> {
  page: number;
  setPage: (page: number) => void;
}

/**
 * One page of `GET /api/cases` for a scope and state filter. A new filter starts again at page 1;
 * a page the list no longer reaches (its cases moved on since) falls back to the last one.
 */
export function useCaseList(scope: CaseListQuery['scope'], state: CaseState | ''): CaseList {
  const filter = `scope=${scope}${state ? `&state=${state}` : ''}`;
  const [at, setAt] = useState({ filter, page: 1 });
  const page = at.filter === filter ? at.page : 1;
  const setPage = useCallback((p: number) => setAt({ filter, page: p }), [filter]);
  const list = useApiData<CaseListResponse>(`/api/cases?${filter}&page=${page}`);
  const { data } = list;
  useEffect(() => {
    if (data && data.page === page && page > 1 && data.cases.length === 0) setPage(Math.max(1, Math.ceil(data.total / data.pageSize)));
  }, [data, page, setPage]);
  return { ...list, page, setPage };
}
