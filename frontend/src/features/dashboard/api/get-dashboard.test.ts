import { describe, expect, it, vi } from 'vitest';

import type { ApiClient } from '@/lib/api-client';
import type { Dashboard } from '@/types/api';

import { DASHBOARD_REFRESH_MS, getDashboard, getDashboardQueryOptions } from './get-dashboard';

const counts: Dashboard = {
  date: '2026-12-03',
  orders: {
    total: 5,
    by_status: { CREATED: 2, ASSIGNED: 1, PICKED_UP: 0, IN_TRANSIT: 1, DELIVERED: 1, FAILED: 0, CANCELLED: 0 },
  },
  routes: { total: 1, by_status: { PLANNED: 0, IN_PROGRESS: 1, COMPLETED: 0, CANCELLED: 0 } },
  exceptions: {
    open: 2,
    open_delay: 1,
    open_by_type: { DELAY: 1, FAILED_ATTEMPT: 1, WRONG_ADDRESS: 0, CUSTOMER_UNAVAILABLE: 0, DAMAGED: 0, OTHER: 0 },
  },
};

const client = (get = vi.fn().mockResolvedValue(counts)) => ({ realm: 'ops', get }) as unknown as ApiClient;

describe('the dashboard counts', () => {
  it('asks for one day by its date', async () => {
    const get = vi.fn().mockResolvedValue(counts);
    const controller = new AbortController();
    await expect(getDashboard(client(get), '2026-12-03', controller.signal)).resolves.toEqual(counts);
    expect(get).toHaveBeenCalledWith('/api/ops/dashboard', { query: { date: '2026-12-03' }, signal: controller.signal });
  });

  it('is read again every 30 seconds, one cache entry per realm and day', async () => {
    const get = vi.fn().mockResolvedValue(counts);
    const options = getDashboardQueryOptions(client(get), '2026-12-03');
    expect(DASHBOARD_REFRESH_MS).toBe(30_000);
    expect(options.refetchInterval).toBe(DASHBOARD_REFRESH_MS);
    expect(options.queryKey).toEqual(['ops', 'dashboard', '2026-12-03']);
    expect(getDashboardQueryOptions(client(get), '2026-12-04').queryKey).not.toEqual(options.queryKey);
    const signal = new AbortController().signal;
    const queryFn = options.queryFn as (context: { signal: AbortSignal }) => Promise<Dashboard>;
    await expect(queryFn({ signal })).resolves.toEqual(counts);
    expect(get).toHaveBeenCalledWith('/api/ops/dashboard', { query: { date: '2026-12-03' }, signal });
  });
});
