import { queryOptions, useQuery } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import type { WebhookSettings } from '@/types/api';

export const webhooksQueryKey = (api: ApiClient) => [api.realm, 'webhooks'] as const;
export const webhookSettingsQueryKey = (api: ApiClient) => [...webhooksQueryKey(api), 'settings'] as const;

/** OPS_ADMIN; 404 until settings are saved the first time (answered as null). */
export const getWebhookSettings = async (api: ApiClient, signal?: AbortSignal): Promise<WebhookSettings | null> =>
  (await api.get<WebhookSettings | undefined>('/api/ops/settings/webhook', { signal, acceptStatus: [404] })) ?? null;

export const getWebhookSettingsQueryOptions = (api: ApiClient) =>
  queryOptions({
    queryKey: webhookSettingsQueryKey(api),
    queryFn: async ({ signal }) => {
      const settings = await getWebhookSettings(api, signal);
      // A 404 body is an error envelope, not settings.
      return settings && 'events' in settings ? settings : null;
    },
  });

export const useWebhookSettings = () => {
  const api = useApiClient();
  return useQuery(getWebhookSettingsQueryOptions(api));
};
