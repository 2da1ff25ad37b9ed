import { useMutation } from '@tanstack/react-query';
import { z } from 'zod';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { t } from '@/locales';
import type { Order } from '@/types/api';
import { API_LIMITS } from '@/types/api-limits';

const CODE_MAX = API_LIMITS.ScanRequest.code.maxLength;

/** A reference code or a tracking token (trimmed; as long as the API takes). */
export const scanInputSchema = z.object({
  code: z.string().trim().min(1, t.validation.scanCode).max(CODE_MAX, t.validation.tooLong(CODE_MAX)),
});
export type ScanFormValues = z.input<typeof scanInputSchema>;

/** An order of the driver's own routes by reference code or tracking token; 404 otherwise. */
export const scanOrder = (api: ApiClient, code: string): Promise<Order> => api.post<Order>('/api/driver/scan', { code });

export const useScanOrder = () => {
  const api = useApiClient();
  return useMutation({ mutationFn: (code: string) => scanOrder(api, code), meta: { suppressErrorToast: true } });
};
