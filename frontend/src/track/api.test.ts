import { describe, expect, it, vi } from 'vitest';

import { fetchTracking, stepIndex } from './api';

const json = (body: unknown, init: ResponseInit = {}) =>
  new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json', ...init.headers }, ...init });

const tracking = { status: 'IN_TRANSIT', eta: null, last_update: null, stops: [], live_location: null, pod: null, history: [] };

describe('fetchTracking', () => {
  it('sends If-None-Match with the last ETag and keeps the data on 304', async () => {
    const doFetch = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => new Response(null, { status: 304 }));
    expect(await fetchTracking('', 'tok', '"v1"', doFetch)).toEqual({ kind: 'not-modified' });
    const [url, init] = doFetch.mock.calls[0]!;
    expect(url).toBe('/api/tracking/tok');
    expect((init?.headers as Record<string, string>)['If-None-Match']).toBe('"v1"');
  });

  it('returns the data and its ETag', async () => {
    const doFetch = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => json(tracking, { headers: { ETag: '"v2"' } }));
    expect(await fetchTracking('https://api.example', 'a/b', null, doFetch)).toEqual({ kind: 'ok', data: tracking, etag: '"v2"' });
    expect(doFetch.mock.calls[0]![0]).toBe('https://api.example/api/tracking/a%2Fb');
  });

  it('maps 404, 429 (Retry-After), server errors and network failures', async () => {
    expect(await fetchTracking('', 't', null, async () => new Response('{}', { status: 404 }))).toEqual({ kind: 'not-found' });
    expect(await fetchTracking('', 't', null, async () => new Response('{}', { status: 429, headers: { 'Retry-After': '12' } }))).toEqual({
      kind: 'throttled',
      retryAfter: 12,
    });
    expect(await fetchTracking('', 't', null, async () => new Response('{}', { status: 503 }))).toEqual({ kind: 'error' });
    expect(
      await fetchTracking('', 't', null, async () => {
        throw new TypeError('Failed to fetch');
      }),
    ).toEqual({ kind: 'error' });
  });
});

describe('stepIndex', () => {
  it('places each status on the five customer steps', () => {
    expect(['CREATED', 'ASSIGNED', 'PICKED_UP', 'IN_TRANSIT', 'DELIVERED'].map(stepIndex)).toEqual([0, 1, 2, 3, 4]);
    expect(stepIndex('FAILED')).toBe(-1);
    expect(stepIndex('CANCELLED')).toBe(-1);
  });
});
