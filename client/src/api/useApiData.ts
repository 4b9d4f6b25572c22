import { useCallback, useEffect, useState } from 'react';
import { api } from './client';

export interface ApiData<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Fetches again, keeping the old data on screen until the new answer arrives. */
  reload: () => void;
}

/** GET `path` when it changes (null = don't fetch yet); stale answers from an older path are dropped. */
export function useApiData<T>(path: string | null): ApiData<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(path !== null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (path === null) return;
    let current = true;
    setLoading(true);
    api
      .get<T>(path)
      .then((d) => {
        if (!current) return;
        setData(d);
        setError(undefined);
      })
      .catch((e: unknown) => current && setError(e))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [path, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data, error, loading, reload };
}
