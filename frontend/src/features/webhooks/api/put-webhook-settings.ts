import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { t } from '@/locales';
import { EVENT_TYPES, type PutWebhookSettingsRequest, type PutWebhookSettingsResponse, type WebhookSettings } from '@/types/api';
import { API_LIMITS } from '@/types/api-limits';

import { webhookSettingsQueryKey } from './get-webhook-settings';

/** Event types a webhook can subscribe to; `*` is every type. */
export const WEBHOOK_EVENT_TYPES = EVENT_TYPES;

/**
 * Mirrors shared/domain/src/webhooks.rs: `whsec_` + base64 of 24-64 bytes, or
 * 16-128 visible ASCII characters.
 */
export function isValidWebhookSecret(raw: string): boolean {
  if (raw.startsWith('whsec_')) {
    const b64 = raw.slice('whsec_'.length);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) return false;
    const bytes = (b64.length / 4) * 3 - (b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0);
    return bytes >= 24 && bytes <= 64;
  }
  return raw.length >= 16 && raw.length <= 128 && /^[\x21-\x7e]+$/.test(raw);
}

/**
 * The backend's rules (check_url): at most 2,048 characters, an absolute http(s)
 * URL without credentials (https outside development; the server decides), a
 * URL while enabled, at least one event type.
 */
const URL_MAX = API_LIMITS.PutWebhookSettingsRequest.url.maxLength;

export const webhookSettingsInputSchema = z
  .object({
    enabled: z.boolean(),
    url: z
      .string()
      .trim()
      .max(URL_MAX, t.validation.tooLong(URL_MAX))
      .refine((value) => value === '' || /^https?:\/\/[^\s/?#@]+([/?#]\S*)?$/i.test(value), t.validation.webhookUrl),
    secret: z
      .string()
      .trim()
      .refine((value) => value === '' || isValidWebhookSecret(value), t.validation.webhookSecret),
    all_events: z.boolean(),
    events: z.array(z.string()),
  })
  .superRefine((value, ctx) => {
    if (value.enabled && !value.url) ctx.addIssue({ code: 'custom', path: ['url'], message: t.validation.webhookUrlRequired });
    if (!value.all_events && value.events.length === 0) ctx.addIssue({ code: 'custom', path: ['events'], message: t.validation.webhookEvents });
  })
  .transform(
    (value): PutWebhookSettingsRequest => ({
      enabled: value.enabled,
      url: value.url || null,
      secret: value.secret || null,
      events: value.all_events ? ['*'] : value.events,
    }),
  );
export type WebhookSettingsFormValues = z.input<typeof webhookSettingsInputSchema>;

export const putWebhookSettings = (api: ApiClient, data: PutWebhookSettingsRequest): Promise<PutWebhookSettingsResponse> =>
  api.request<PutWebhookSettingsResponse>('/api/ops/settings/webhook', { method: 'PUT', body: data });

export const usePutWebhookSettings = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (data: PutWebhookSettingsRequest) => putWebhookSettings(api, data),
    onSuccess: ({ generated_secret: _secret, ...settings }) =>
      queryClient.setQueryData<WebhookSettings | null>(webhookSettingsQueryKey(api), settings),
  });
};
