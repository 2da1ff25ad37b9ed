import { useMutation } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { IDEMPOTENCY_HEADER } from '@/lib/idempotency';
import type { ImportJobView } from '@/types/api';

export const IMPORT_LIMITS = { maxRows: 20_000, maxBytes: 5 * 1024 * 1024 } as const;

/**
 * The CSV columns the import accepts, in the template's order. The first
 * seven are required; the header must name only these (any order).
 */
export const ORDER_CSV_COLUMNS = [
  'reference_code',
  'customer_name',
  'customer_phone',
  'pickup_address',
  'pickup_city',
  'pickup_postal_code',
  'pickup_lat',
  'pickup_lng',
  'pickup_window_start',
  'pickup_window_end',
  'drop_address',
  'drop_city',
  'drop_postal_code',
  'drop_lat',
  'drop_lng',
  'drop_window_start',
  'drop_window_end',
  'weight_kg',
  'notes',
] as const;

export const ORDER_CSV_REQUIRED_COLUMNS = [
  'reference_code',
  'customer_name',
  'customer_phone',
  'pickup_address',
  'pickup_city',
  'drop_address',
  'drop_city',
] as const satisfies readonly (typeof ORDER_CSV_COLUMNS)[number][];

/** The template file: just the header row (a sample row would be imported as an order if left in). */
export const orderCsvTemplate = (): string => `${ORDER_CSV_COLUMNS.join(',')}\r\n`;

export const orderCsvTemplateHref = (): string => `data:text/csv;charset=utf-8,${encodeURIComponent(orderCsvTemplate())}`;

type ImportOrdersVariables = { file: Blob; idempotencyKey: string };

/**
 * Sends the file as is (text/csv). 202 with the import job (QUEUED): the rows
 * are written in the background; follow it with `useImport`. 400 when the
 * header or the file is unusable (`fields.columns` / `fields.rows`), 413 above
 * 5 MB. The same key and file answer the same job.
 */
export const importOrders = (api: ApiClient, { file, idempotencyKey }: ImportOrdersVariables): Promise<ImportJobView> =>
  api.post<ImportJobView>('/api/ops/orders/import', undefined, {
    rawBody: { data: file, contentType: 'text/csv' },
    headers: { [IDEMPOTENCY_HEADER]: idempotencyKey },
  });

export const useImportOrders = () => {
  const api = useApiClient();
  return useMutation({
    mutationFn: (variables: ImportOrdersVariables) => importOrders(api, variables),
    // The dialog shows what went wrong in place.
    meta: { suppressErrorToast: true },
  });
};
