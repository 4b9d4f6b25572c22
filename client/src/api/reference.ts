import type { Office, ServiceItem } from '@tongban/shared';
import { useApiData } from './useApiData';

/** Reference data most screens need: the service catalog and the offices. */

export function useCatalog() {
  const r = useApiData<{ items: ServiceItem[] }>('/api/catalog/items');
  return { items: r.data?.items, error: r.error, loading: r.loading };
}

export function useOffices() {
  const r = useApiData<{ offices: Office[] }>('/api/offices');
  const offices = r.data?.offices;
  return {
    offices,
    officeName: (id: string) => offices?.find((o) => o.id === id)?.name ?? id,
  };
}
