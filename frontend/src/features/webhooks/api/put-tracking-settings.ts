import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { t } from '@/locales';
import type { PutTrackingSettingsRequest, TrackingSettings } from '@/types/api';
import { API_LIMITS } from '@/types/api-limits';

import { trackingSettingsQueryKey } from './get-tracking-settings';

/** Mirrors the backend: link expiry a whole number of days, 1 to 90. */
export const trackingSettingsInputSchema = z.object({
  show_pod_photo: z.boolean(),
  link_expiry_days: z.coerce
    .number<string | number>({ error: t.validation.number })
    .int(t.validation.expiryRange)
    .min(API_LIMITS.PutTrackingSettingsRequest.link_expiry_days.minimum, t.validation.expiryRange)
    .max(API_LIMITS.PutTrackingSettingsRequest.link_expiry_days.maximum, t.validation.expiryRange),
});
export type TrackingSettingsFormValues = z.input<typeof trackingSettingsInputSchema>;

/** put_tracking_settings (OPS_ADMIN). */
export const putTrackingSettings = (api: ApiClient, data: PutTrackingSettingsRequest): Promise<TrackingSettings> =>
  api.request<TrackingSettings>('/api/ops/settings/tracking', { method: 'PUT', body: data });

export const usePutTrackingSettings = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (data: PutTrackingSettingsRequest) => putTrackingSettings(api, data),
    onSuccess: (settings) => queryClient.setQueryData(trackingSettingsQueryKey(api), settings),
  });
};
