import { queryOptions, useQuery } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import type { Dashboard } from '@/types/api';

/** How often the dashboard reads its counts again. */
export const DASHBOARD_REFRESH_MS = 30_000;

export const dashboardQueryKey = (api: ApiClient, date: string) => [api.realm, 'dashboard', date] as const;

/**
 * One day's counts, kept by the server as the data changes: orders created that
 * day (UTC) by status, the day's routes by status, and the tenant's OPEN
 * exceptions. One small read instead of listing the day's orders.
 */
export const getDashboard = (api: ApiClient, date: string, signal?: AbortSignal): Promise<Dashboard> =>
  api.get<Dashboard>('/api/ops/dashboard', { query: { date }, signal });

export const getDashboardQueryOptions = (api: ApiClient, date: string) =>
  queryOptions({
    queryKey: dashboardQueryKey(api, date),
    queryFn: ({ signal }) => getDashboard(api, date, signal),
    refetchInterval: DASHBOARD_REFRESH_MS,
  });

export const useGetDashboard = (date: string) => {
  const api = useApiClient();
  return useQuery(getDashboardQueryOptions(api, date));
};
