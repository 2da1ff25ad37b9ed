import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import type { ImportJobView, ImportStatus } from '@/types/api';

import { ordersQueryKey } from './list-orders';

/** How often a running import is asked for its progress. */
export const IMPORT_POLL_MS = 1500;

export const isImportFinished = (status: ImportStatus): boolean =>
  status === 'SUCCEEDED' || status === 'FAILED' || status === 'PARTIAL';

export const importQueryKey = (api: ApiClient, id: string) => [...ordersQueryKey(api), 'import', id] as const;

/**
 * One import job: progress, and its per-row report (inline `rows` up to 1,000
 * rows; `report_url` for larger jobs once finished). 404 for another tenant's id.
 */
export const getImport = (api: ApiClient, id: string, signal?: AbortSignal): Promise<ImportJobView> =>
  api.get<ImportJobView>(`/api/ops/imports/${encodeURIComponent(id)}`, { signal });

export const getImportQueryOptions = (api: ApiClient, id: string) =>
  queryOptions({
    queryKey: importQueryKey(api, id),
    queryFn: ({ signal }) => getImport(api, id, signal),
    // Polls until the job ends.
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status && isImportFinished(status) ? false : IMPORT_POLL_MS;
    },
  });

/** Follows a job until it ends; then the orders lists are refreshed once if rows were created. */
export const useImport = (id: string) => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  const query = useQuery(getImportQueryOptions(api, id));
  const finishedWithOrders = !!query.data && isImportFinished(query.data.status) && query.data.created > 0;
  useEffect(() => {
    if (finishedWithOrders) void queryClient.invalidateQueries({ queryKey: ordersQueryKey(api), exact: false, predicate: (q) => !q.queryKey.includes('import') });
  }, [finishedWithOrders, api, queryClient]);
  return query;
};
