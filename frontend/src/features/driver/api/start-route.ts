import type { ApiClient } from '@/lib/api-client';
import { IDEMPOTENCY_HEADER } from '@/lib/idempotency';
import type { Route } from '@/types/api';

/** PLANNED -> IN_PROGRESS; ETAs from now. Honours Idempotency-Key. */
export const startRoute = (api: ApiClient, routeId: string, idempotencyKey: string): Promise<Route> =>
  api.post<Route>(`/api/driver/routes/${encodeURIComponent(routeId)}/start`, undefined, {
    headers: { [IDEMPOTENCY_HEADER]: idempotencyKey },
  });
