import { describe, expect, it, vi } from 'vitest';

import type { ApiClient } from '@/lib/api-client';

import { importOrders, ORDER_CSV_COLUMNS, ORDER_CSV_REQUIRED_COLUMNS, orderCsvTemplate, orderCsvTemplateHref } from './import-orders';

/** The columns the API documents (import_orders.rs: REQUIRED then OPTIONAL), in the template's order. */
const DOCUMENTED_HEADER =
  'reference_code,customer_name,customer_phone,pickup_address,pickup_city,pickup_postal_code,pickup_lat,pickup_lng,' +
  'pickup_window_start,pickup_window_end,drop_address,drop_city,drop_postal_code,drop_lat,drop_lng,drop_window_start,' +
  'drop_window_end,weight_kg,notes';

describe('orders CSV template', () => {
  it('is exactly the documented header row', () => {
    expect(orderCsvTemplate()).toBe(`${DOCUMENTED_HEADER}\r\n`);
    expect(orderCsvTemplate().split(/\r?\n/).filter(Boolean)).toHaveLength(1);
  });

  it('names every column once and includes the required ones', () => {
    expect(new Set(ORDER_CSV_COLUMNS).size).toBe(ORDER_CSV_COLUMNS.length);
    for (const column of ORDER_CSV_REQUIRED_COLUMNS) expect(ORDER_CSV_COLUMNS).toContain(column);
  });

  it('downloads as a CSV data URL', () => {
    const href = orderCsvTemplateHref();
    expect(href.startsWith('data:text/csv;charset=utf-8,')).toBe(true);
    expect(decodeURIComponent(href.slice('data:text/csv;charset=utf-8,'.length))).toBe(orderCsvTemplate());
  });
});

describe('importOrders', () => {
  it('posts the file as text/csv with the idempotency key and answers the queued job', async () => {
    const job = { id: '01JOB', status: 'QUEUED', total_rows: 1, processed_rows: 0, created: 0, failed: 0 };
    const post = vi.fn().mockResolvedValue(job);
    const api = { post } as unknown as ApiClient;
    const file = new Blob([`${DOCUMENTED_HEADER}\n`], { type: 'text/csv' });

    await expect(importOrders(api, { file, idempotencyKey: 'key-1' })).resolves.toEqual(job);

    expect(post).toHaveBeenCalledWith('/api/ops/orders/import', undefined, {
      rawBody: { data: file, contentType: 'text/csv' },
      headers: { 'Idempotency-Key': 'key-1' },
    });
  });
});
