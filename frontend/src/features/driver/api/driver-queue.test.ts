import 'fake-indexeddb/auto';

import { beforeEach, describe, expect, it, vi } from 'vitest';

import type { ApiClient } from '@/lib/api-client';
import { ApiError } from '@/lib/api-client';
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

type Call = { path: string; body: unknown; headers: Record<string, string> | undefined };

function fakeApi(respond: (path: string, body: unknown) => unknown = () => ({})) {
  const calls: Call[] = [];
  const api = {
    realm: 'driver',
    post: vi.fn(async (path: string, body?: unknown, options?: { headers?: Record<string, string> }) => {
      calls.push({ path, body, headers: options?.headers });
      return respond(path, body);
    }),
  } as unknown as ApiClient;
  return { api, calls };
}

const photo = new Blob([new Uint8Array(2048)], { type: 'image/jpeg' });
const signature = new Blob([new Uint8Array(512)], { type: 'image/png' });

let n = 0;
const queueFor = (api: ApiClient) =>
  createOfflineQueue<DriverAction>({ dbName: `driver-queue-test-${(n += 1)}`, execute: (item, q) => executeDriverAction(api, item, q) });

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
