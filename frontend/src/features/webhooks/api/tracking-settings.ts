import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { t } from '@/locales';
import type { TrackingSettings } from '@/types/api';

/** get_tracking_settings / put_tracking_settings (PUT: OPS_ADMIN). */
export const trackingSettingsQueryKey = (api: ApiClient) => [api.realm, 'settings', 'tracking'] as const;

export const getTrackingSettings = (api: ApiClient, signal?: AbortSignal) =>
  api.get<TrackingSettings>('/api/ops/settings/tracking', { signal });

export const putTrackingSettings = (api: ApiClient, data: TrackingSettings) =>
  api.request<TrackingSettings>('/api/ops/settings/tracking', { method: 'PUT', body: data });

/** Mirrors the backend: link expiry 1..90 days. */
export const trackingSettingsInputSchema = z.object({
  show_pod_photo: z.boolean(),
  link_expiry_days: z.coerce
    .number<string | number>({ error: t.validation.number })
    .int(t.validation.expiryRange)
    .min(1, t.validation.expiryRange)
    .max(90, t.validation.expiryRange),
});
export type TrackingSettingsFormValues = z.input<typeof trackingSettingsInputSchema>;

export const useTrackingSettings = () => {
  const api = useApiClient();
  return useQuery(
    queryOptions({ queryKey: trackingSettingsQueryKey(api), queryFn: ({ signal }) => getTrackingSettings(api, signal) }),
  );
};

export const usePutTrackingSettings = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (data: TrackingSettings) => putTrackingSettings(api, data),
    onSuccess: (settings) => queryClient.setQueryData(trackingSettingsQueryKey(api), settings),
  });
};
