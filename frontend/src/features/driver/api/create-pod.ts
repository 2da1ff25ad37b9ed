import { z } from 'zod';

import type { ApiClient } from '@/lib/api-client';
import { IDEMPOTENCY_HEADER } from '@/lib/idempotency';
import { optionalTextSchema, requiredTextSchema } from '@/lib/validation';
import { t } from '@/locales';
import type { CreatePodRequest, CreatePodResponse } from '@/types/api';
import { API_LIMITS } from '@/types/api-limits';

/** Mirrors the backend: a receiver name (1-120), notes up to 1,000, and a photo or a signature. */
export const podInputSchema = z
  .object({
    receiver_name: requiredTextSchema(API_LIMITS.CreatePodRequest.receiver_name.maxLength),
    notes: optionalTextSchema(API_LIMITS.CreatePodRequest.notes.maxLength),
    has_photo: z.boolean(),
    has_signature: z.boolean(),
  })
  .refine((value) => value.has_photo || value.has_signature, { path: ['has_signature'], message: t.validation.podEvidence });
export type PodFormValues = z.input<typeof podInputSchema>;
export type PodFormOutput = z.output<typeof podInputSchema>;

/** create_pod: moves IN_TRANSIT -> DELIVERED with the server's timestamp. */
export const createPod = (api: ApiClient, orderId: string, body: CreatePodRequest, idempotencyKey: string): Promise<CreatePodResponse> =>
  api.post<CreatePodResponse>(`/api/driver/orders/${encodeURIComponent(orderId)}/pod`, body, {
    headers: { [IDEMPOTENCY_HEADER]: idempotencyKey },
  });
