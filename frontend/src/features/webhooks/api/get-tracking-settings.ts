import { queryOptions, useQuery } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import type { TrackingSettings } from '@/types/api';

export const trackingSettingsQueryKey = (api: ApiClient) => [api.realm, 'settings', 'tracking'] as const;

/** get_tracking_settings: what the public tracking page shows, and how long its links last. */
export const getTrackingSettings = (api: ApiClient, signal?: AbortSignal): Promise<TrackingSettings> =>
  api.get<TrackingSettings>('/api/ops/settings/tracking', { signal });

export const getTrackingSettingsQueryOptions = (api: ApiClient) =>
  queryOptions({ queryKey: trackingSettingsQueryKey(api), queryFn: ({ signal }) => getTrackingSettings(api, signal) });

export const useTrackingSettings = () => {
  const api = useApiClient();
  return useQuery(getTrackingSettingsQueryOptions(api));
};
