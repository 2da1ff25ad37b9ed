/**
 * The public tracking API, with conditional requests: the last ETag goes out
 * as If-None-Match, and a 304 keeps the data already shown. No auth, no
 * shared API client (that would pull the console's code into this bundle).
 */
import type { TrackingView } from '@/types/api';

/** GET /api/tracking/{token} (generated from the OpenAPI document; types only, nothing in the bundle). */
export type Tracking = TrackingView;
export type TrackingStop = TrackingView['stops'][number];

export type FetchResult =
  | { kind: 'ok'; data: Tracking; etag: string | null }
  | { kind: 'not-modified' }
  | { kind: 'not-found' }
  | { kind: 'throttled'; retryAfter: number }
  | { kind: 'error' };

export async function fetchTracking(
  baseUrl: string,
  token: string,
  etag: string | null,
  doFetch: typeof fetch = (input, init) => fetch(input, init),
): Promise<FetchResult> {
  let response: Response;
  try {
    response = await doFetch(`${baseUrl}/api/tracking/${encodeURIComponent(token)}`, {
      headers: { Accept: 'application/json', ...(etag ? { 'If-None-Match': etag } : {}) },
      // The server's Cache-Control and ETag decide; revalidate through the HTTP cache.
      cache: 'no-cache',
    });
  } catch {
    return { kind: 'error' };
  }
  if (response.status === 304) return { kind: 'not-modified' };
  if (response.status === 404) return { kind: 'not-found' };
  if (response.status === 429) {
    const header = Number(response.headers.get('Retry-After'));
    return { kind: 'throttled', retryAfter: Number.isFinite(header) && header > 0 ? header : 30 };
  }
  if (!response.ok) return { kind: 'error' };
  try {
    return { kind: 'ok', data: (await response.json()) as Tracking, etag: response.headers.get('ETag') };
  } catch {
    return { kind: 'error' };
  }
}

/** How far along the five customer-facing steps the order is (-1 for failed/cancelled). */
export function stepIndex(status: string): number {
  return ['CREATED', 'ASSIGNED', 'PICKED_UP', 'IN_TRANSIT', 'DELIVERED'].indexOf(status);
}
