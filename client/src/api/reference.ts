import type { Office, ServiceItem } from '@tongban/shared';
import { siteName } from '@tongban/shared/catalog/sites';
import { useApiData } from './useApiData';

/** Reference data most screens need: the service catalog and the offices. */

export function useCatalog() {
  const r = useApiData<{ items: ServiceItem[] }>('/api/catalog/items');
  return { items: r.data?.items, error: r.error, loading: r.loading };
}

export function useOffices() {
  const r = useApiData<{ offices: Office[] }>('/api/offices');
  const offices = r.data?.offices;
  // Until the registry loads, '…' rather than the id: people read names, never ids.
  return {
    offices,
    officeName: (id: string) => (offices ? (offices.find((o) => o.id === id)?.name ?? id) : '…'),
    siteName: (id: string) => (offices ? siteName(id, offices) : '…'),
  };
}
