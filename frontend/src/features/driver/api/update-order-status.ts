import { z } from 'zod';

import type { ApiClient } from '@/lib/api-client';
import { IDEMPOTENCY_HEADER } from '@/lib/idempotency';
import { requiredTextSchema } from '@/lib/validation';
import type { DriverStatusMove, Order, OrderStatus, UpdateOrderStatusRequest } from '@/types/api';

/**
 * The moves a driver may make from each status (the backend's status machine;
 * DELIVERED only through the POD).
 */
export const DRIVER_MOVES: Partial<Record<OrderStatus, readonly (DriverStatusMove | 'DELIVERED')[]>> = {
  ASSIGNED: ['PICKED_UP'],
  PICKED_UP: ['IN_TRANSIT'],
  IN_TRANSIT: ['DELIVERED', 'FAILED'],
};

export const allowedDriverMoves = (status: OrderStatus): readonly (DriverStatusMove | 'DELIVERED')[] => DRIVER_MOVES[status] ?? [];

/** FAILED needs `metadata.reason` (the backend answers 400 without it). */
export const failOrderInputSchema = z.object({ reason: requiredTextSchema(500) });
export type FailOrderFormValues = z.input<typeof failOrderInputSchema>;

/** Sends an `Idempotency-Key` so that a replay from the offline queue cannot move the order twice. */
export const updateOrderStatus = (
  api: ApiClient,
  orderId: string,
  body: UpdateOrderStatusRequest,
  idempotencyKey: string,
): Promise<Order> =>
  api.post<Order>(`/api/driver/orders/${encodeURIComponent(orderId)}/status`, body, {
    headers: { [IDEMPOTENCY_HEADER]: idempotencyKey },
  });
