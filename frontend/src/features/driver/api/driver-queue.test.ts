import 'fake-indexeddb/auto';

import { beforeEach, describe, expect, it, vi } from 'vitest';

import type { ApiClient } from '@/lib/api-client';
import { ApiError, createApiClient } from '@/lib/api-client';
import { createOfflineQueue } from '@/lib/offline-queue';

import { executeDriverAction, pendingOrderStatus, type DriverAction, type DriverQueueItem } from './driver-queue';
import { allowedDriverMoves, failOrderInputSchema } from './update-order-status';

vi.mock('./upload-file', () => ({ uploadFile: vi.fn(async () => undefined) }));
const { uploadFile } = await import('./upload-file');

/** A POD action with test defaults. */
const createPodInputForTest = (overrides: Partial<Extract<DriverAction, { kind: 'pod' }>>): DriverAction => ({
  kind: 'pod',
  orderId: 'O1',
  routeId: 'R1',
  receiver_name: 'Ananya',
  notes: 'At the door',
  files: [],
  photo_key: null,
  signature_key: null,
  label: 'pod',
  ...overrides,
});

type Call = { path: string; body: unknown; headers: Record<string, string> | undefined; asUser: string | undefined };

function fakeApi(respond: (path: string, body: unknown) => unknown = () => ({})) {
  const calls: Call[] = [];
  const api = {
    realm: 'driver',
    post: vi.fn(async (path: string, body?: unknown, options?: { headers?: Record<string, string>; asUser?: string }) => {
      calls.push({ path, body, headers: options?.headers, asUser: options?.asUser });
      return respond(path, body);
    }),
  } as unknown as ApiClient;
  return { api, calls };
}

const photo = new Blob([new Uint8Array(2048)], { type: 'image/jpeg' });
const signature = new Blob([new Uint8Array(512)], { type: 'image/png' });

let n = 0;
const queueFor = (api: ApiClient, owner = 'driver-a') => {
  const queue = createOfflineQueue<DriverAction>({ dbName: `driver-queue-test-${(n += 1)}`, execute: (item, q) => executeDriverAction(api, item, q) });
  void queue.setOwner(owner);
  return queue;
};

describe('driver actions through the queue', () => {
  beforeEach(() => vi.mocked(uploadFile).mockClear());

  it('sends status moves and route starts with the Idempotency-Key they were queued with', async () => {
    const { api, calls } = fakeApi();
    const queue = queueFor(api);
    const start = await queue.enqueue({ kind: 'start_route', routeId: 'R1', label: 'start' });
    const move = await queue.enqueue({ kind: 'status', orderId: 'O1', routeId: 'R1', body: { to_status: 'PICKED_UP' }, label: 'pick' });
    await queue.flush();
    expect(calls.map((call) => [call.path, call.headers?.['Idempotency-Key']])).toEqual([
      ['/api/driver/routes/R1/start', start.idempotencyKey],
      ['/api/driver/orders/O1/status', move.idempotencyKey],
    ]);
    expect(calls[1]!.body).toEqual({ to_status: 'PICKED_UP' });
  });

  it('a POD taken offline uploads its files, records the keys, and a replay reuses them (same body, same key)', async () => {
    let createPodFails = true;
    const { api, calls } = fakeApi((path) => {
      if (path.endsWith('/pod/uploads')) {
        return {
          uploads: [
            { kind: 'photo', key: 'pod/O1/photo.jpg', url: 'http://s3/photo', method: 'PUT', headers: { 'content-type': 'image/jpeg' }, expires_at: '' },
            { kind: 'signature', key: 'pod/O1/sig.png', url: 'http://s3/sig', method: 'PUT', headers: { 'content-type': 'image/png' }, expires_at: '' },
          ],
        };
      }
      if (path.endsWith('/pod') && createPodFails) throw new ApiError({ status: 0, code: 'network_error', message: 'offline' });
      return { order: { id: 'O1', status: 'DELIVERED' }, pod: {} };
    });
    const queue = queueFor(api);
    const item = await queue.enqueue({
      kind: 'pod',
      orderId: 'O1',
      routeId: 'R1',
      receiver_name: 'Ananya',
      notes: null,
      files: [
        { kind: 'photo', blob: photo },
        { kind: 'signature', blob: signature },
      ],
      photo_key: null,
      signature_key: null,
      label: 'pod',
    });
    await queue.flush();
    createPodFails = false;
    await queue.flush();

    const uploadsRequests = calls.filter((call) => call.path.endsWith('/pod/uploads'));
    expect(uploadsRequests).toHaveLength(1);
    expect(uploadsRequests[0]!.body).toEqual({
      files: [
        { kind: 'photo', content_type: 'image/jpeg', size: 2048 },
        { kind: 'signature', content_type: 'image/png', size: 512 },
      ],
    });
    expect(vi.mocked(uploadFile)).toHaveBeenCalledTimes(2);
    const pods = calls.filter((call) => call.path === '/api/driver/orders/O1/pod');
    expect(pods).toHaveLength(2);
    const expected = { receiver_name: 'Ananya', notes: null, photo_key: 'pod/O1/photo.jpg', signature_key: 'pod/O1/sig.png' };
    expect(pods.map((call) => call.body)).toEqual([expected, expected]);
    expect(pods.map((call) => call.headers?.['Idempotency-Key'])).toEqual([item.idempotencyKey, item.idempotencyKey]);
    expect(await queue.items()).toEqual([]);
  });

  it('sends every call of a queued action only with the session of the driver who queued it', async () => {
    const { api, calls } = fakeApi((path) =>
      path.endsWith('/pod/uploads')
        ? { uploads: [{ kind: 'photo', key: 'pod/O1/photo.jpg', url: 'http://s3/photo', method: 'PUT', headers: {}, expires_at: '' }] }
        : {},
    );
    const queue = queueFor(api, 'driver-a');
    await queue.enqueue({ kind: 'status', orderId: 'O1', routeId: 'R1', body: { to_status: 'IN_TRANSIT' }, label: 'move' });
    await queue.enqueue(createPodInputForTest({ files: [{ kind: 'photo', blob: photo }] }));
    await queue.flush();
    expect(calls.map((call) => [call.path, call.asUser])).toEqual([
      ['/api/driver/orders/O1/status', 'driver-a'],
      ['/api/driver/orders/O1/pod/uploads', 'driver-a'],
      ['/api/driver/orders/O1/pod', 'driver-a'],
    ]);
  });

  it('a POD (files included) whose session ended stays queued with its files, and is sent after signing in again', async () => {
    // The real API client: driver A's session is over (refresh answers 401), then A signs in again.
    let refreshStatus = 401;
    const sent: string[] = [];
    const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.endsWith('/api/auth/refresh')) return new Response(JSON.stringify({ error: { code: 'invalid_refresh_token', message: 'no' } }), { status: refreshStatus });
      const auth = new Headers(init?.headers).get('Authorization');
      if (auth !== 'Bearer fresh') return new Response(JSON.stringify({ error: { code: 'unauthorized', message: 'expired' } }), { status: 401 });
      sent.push(url);
      if (url.endsWith('/pod/uploads')) {
        return new Response(JSON.stringify({ uploads: [{ kind: 'photo', key: 'pod/O1/p.jpg', url: 'http://s3/p', method: 'PUT', headers: {}, expires_at: '' }] }), { status: 200 });
      }
      return new Response('{}', { status: 201 });
    });
    const client = createApiClient({ realm: 'driver', storage: null, fetch: fetchMock, locks: null, connectivity: { reportReachable: () => undefined, reportUnreachable: () => undefined } });
    const user = (id: string) => ({ id, email: 'd@x.example', full_name: 'D', role: 'DRIVER' as const, is_active: true, created_at: '', updated_at: '', version: 1 });
    const tenant = { id: 't1', name: 'T', slug: 't' };
    client.session.set({ access_token: 'expired', expires_in: 900, user: user('driver-a'), tenant });
    const queue = queueFor(client, 'driver-a');
    const expired = vi.fn();
    client.onSessionExpired(expired);
    await queue.enqueue(createPodInputForTest({ files: [{ kind: 'photo', blob: photo }] }));
    await queue.flush();
    expect(expired).toHaveBeenCalledTimes(1);
    const kept = await queue.items();
    expect(kept).toHaveLength(1);
    expect(kept[0]!.action).toMatchObject({ kind: 'pod', files: [{ kind: 'photo' }] });
    expect(queue.snapshot().needsSignIn).toBe(true);

    // Driver B signs in on this phone: A's POD is neither sent with B's session nor dropped.
    client.session.set({ access_token: 'fresh', expires_in: 900, user: user('driver-b'), tenant });
    await queue.setOwner('driver-b');
    await queue.flush();
    await queue.setOwner('driver-a');
    await queue.flush();
    expect(sent).toEqual([]);
    expect(await queue.items()).toHaveLength(1);

    // A signs in again: the POD goes out, files first.
    refreshStatus = 200;
    client.session.set({ access_token: 'fresh', expires_in: 900, user: user('driver-a'), tenant });
    await queue.flush();
    expect(sent.map((url) => url.replace(/^.*\/api/, '/api'))).toEqual(['/api/driver/orders/O1/pod/uploads', '/api/driver/orders/O1/pod']);
    expect(await queue.items()).toEqual([]);
  });

  it('a POD uploaded online goes straight to create_pod with its keys', async () => {
    const { api, calls } = fakeApi();
    const queue = queueFor(api);
    await queue.enqueue(createPodInputForTest({ photo_key: 'k1', signature_key: null }));
    await queue.flush();
    expect(calls.map((call) => call.path)).toEqual(['/api/driver/orders/O1/pod']);
    expect(calls[0]!.body).toEqual({ receiver_name: 'Ananya', notes: 'At the door', photo_key: 'k1' });
  });
});

describe('what the driver sees', () => {
  const item = (action: DriverAction, id = 1) => ({ id, action, idempotencyKey: 'k', queuedAt: '', attempts: 0, lastError: null }) as DriverQueueItem;

  it('applies queued moves on top of the server status', () => {
    const queued = [
      item({ kind: 'status', orderId: 'O1', routeId: 'R1', body: { to_status: 'PICKED_UP' }, label: '' }, 1),
      item({ kind: 'status', orderId: 'O1', routeId: 'R1', body: { to_status: 'IN_TRANSIT' }, label: '' }, 2),
      item({ kind: 'status', orderId: 'O2', routeId: 'R1', body: { to_status: 'PICKED_UP' }, label: '' }, 3),
    ];
    expect(pendingOrderStatus('O1', 'ASSIGNED', queued)).toBe('IN_TRANSIT');
    expect(pendingOrderStatus('O2', 'ASSIGNED', queued)).toBe('PICKED_UP');
    expect(pendingOrderStatus('O3', 'ASSIGNED', queued)).toBe('ASSIGNED');
    expect(pendingOrderStatus('O1', 'IN_TRANSIT', [item(createPodInputForTest({}))])).toBe('DELIVERED');
  });

  it('offers only the moves the status machine allows a driver', () => {
    expect(allowedDriverMoves('ASSIGNED')).toEqual(['PICKED_UP']);
    expect(allowedDriverMoves('PICKED_UP')).toEqual(['IN_TRANSIT']);
    expect(allowedDriverMoves('IN_TRANSIT')).toEqual(['DELIVERED', 'FAILED']);
    for (const status of ['CREATED', 'DELIVERED', 'FAILED', 'CANCELLED'] as const) expect(allowedDriverMoves(status)).toEqual([]);
  });

  it('needs a reason to fail a delivery (the API answers 400 without metadata.reason)', () => {
    expect(failOrderInputSchema.safeParse({ reason: '   ' }).success).toBe(false);
    expect(failOrderInputSchema.safeParse({ reason: 'Nobody home' }).success).toBe(true);
  });
});
