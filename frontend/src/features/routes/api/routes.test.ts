import { MutationObserver, QueryClient } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';

import { ApiError, type ApiClient } from '@/lib/api-client';
import type { RouteDetail, RouteStop } from '@/types/api';
import { API_LIMITS } from '@/types/api-limits';

import { createRouteInputSchema, ROUTE_RULES } from './create-route';
import { applyStopOrder, pickupBeforeDropViolation, reorderRouteMutationOptions } from './reorder-route';

const stop = (id: string, order: string, type: 'PICKUP' | 'DROP', status: RouteStop['status'] = 'PENDING'): RouteStop => ({
  stop_id: id,
  order_id: order,
  type,
  address_line: id,
  city: 'London',
  status,
});

describe('reordering a route', () => {
  const stops = [stop('p1', 'A', 'PICKUP', 'COMPLETED'), stop('p2', 'B', 'PICKUP'), stop('d1', 'A', 'DROP'), stop('d2', 'B', 'DROP')];

  it('keeps visited stops first and puts the rest in the new order (the optimistic view)', () => {
    expect(applyStopOrder(stops, ['p2', 'd2', 'd1']).map((s) => s.stop_id)).toEqual(['p1', 'p2', 'd2', 'd1']);
  });

  it('refuses a drop before its pickup, like the API (400 stop_order)', () => {
    expect(pickupBeforeDropViolation(applyStopOrder(stops, ['d2', 'p2', 'd1']))).toBe('B');
    expect(pickupBeforeDropViolation(applyStopOrder(stops, ['p2', 'd1', 'd2']))).toBeNull();
  });
});

describe('create route form (the API rules)', () => {
  const valid = { route_date: '2026-11-23', driver_id: 'D', vehicle_id: 'V', order_ids: ['O1'], optimize: true };

  it('accepts a complete route', () => {
    expect(createRouteInputSchema.safeParse(valid).success).toBe(true);
  });

  it('needs a date, a driver and a vehicle', () => {
    for (const field of ['route_date', 'driver_id', 'vehicle_id'] as const) {
      const result = createRouteInputSchema.safeParse({ ...valid, [field]: '' });
      expect(result.success, field).toBe(false);
    }
    expect(createRouteInputSchema.safeParse({ ...valid, route_date: '23/11/2026' }).success).toBe(false);
  });

  it(`allows at most ${ROUTE_RULES.maxOrders} orders (the API's limit)`, () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `O${i}`);
    expect(ROUTE_RULES.maxOrders).toBe(API_LIMITS.CreateRouteRequest.order_ids.maxItems);
    expect(createRouteInputSchema.safeParse({ ...valid, order_ids: ids(ROUTE_RULES.maxOrders) }).success).toBe(true);
    expect(createRouteInputSchema.safeParse({ ...valid, order_ids: ids(ROUTE_RULES.maxOrders + 1) }).success).toBe(false);
    expect(createRouteInputSchema.safeParse({ ...valid, order_ids: [] }).success).toBe(true);
  });
});

describe('reorder: optimistic update and rollback', () => {
  const route = {
    id: 'R1',
    stops: [stop('p1', 'A', 'PICKUP'), stop('d1', 'A', 'DROP'), stop('p2', 'B', 'PICKUP'), stop('d2', 'B', 'DROP')],
    optimized: true,
  } as unknown as RouteDetail;
  const api = { realm: 'ops' } as ApiClient;
  const key = ['ops', 'routes', 'detail', 'R1'];

  async function run(answer: () => Promise<unknown>) {
    const queryClient = new QueryClient();
    queryClient.setQueryData(key, route);
    let optimistic: RouteDetail | undefined;
    // What the page shows while the request is in flight.
    (api as { post?: unknown }).post = vi.fn(async () => {
      optimistic = queryClient.getQueryData<RouteDetail>(key);
      return answer();
    });
    const seen: string[][] = [];
    const observer = new MutationObserver(
      queryClient,
      reorderRouteMutationOptions(api, queryClient, {
        onSuccess: () => undefined,
        onSettled: async () => {
          seen.push(queryClient.getQueryData<RouteDetail>(key)!.stops.map((s) => s.stop_id));
        },
      }),
    );
    const result = await observer.mutate({ routeId: 'R1', stopOrder: ['p2', 'd2', 'p1', 'd1'] }).catch(() => 'refused');
    return { optimistic: optimistic!, result, seen };
  }

  it('shows the new order at once', async () => {
    const { optimistic } = await run(async () => ({ ...route }));
    expect(optimistic.stops.map((s) => s.stop_id)).toEqual(['p2', 'd2', 'p1', 'd1']);
    expect(optimistic.optimized).toBe(false);
  });

  it('puts the previous order back when the API refuses', async () => {
    const { result, seen } = await run(async () => {
      throw new ApiError({ status: 400, code: 'validation_failed', message: 'stop_order' });
    });
    expect(result).toBe('refused');
    expect(seen).toEqual([['p1', 'd1', 'p2', 'd2']]);
  });
});
