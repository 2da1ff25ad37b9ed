import { useMutation } from '@tanstack/react-query';
import { z } from 'zod';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { t } from '@/locales';
import type { Order } from '@/types/api';

/** A reference code or a tracking token (1-200 characters, trimmed). */
export const scanInputSchema = z.object({
  code: z.string().trim().min(1, t.validation.scanCode).max(200, t.validation.tooLong(200)),
});
export type ScanFormValues = z.input<typeof scanInputSchema>;

/** An order of the driver's own routes by reference code or tracking token; 404 otherwise. */
export const scanOrder = (api: ApiClient, code: string): Promise<Order> => api.post<Order>('/api/driver/scan', { code });

export const useScanOrder = () => {
  const api = useApiClient();
  return useMutation({ mutationFn: (code: string) => scanOrder(api, code), meta: { suppressErrorToast: true } });
};
