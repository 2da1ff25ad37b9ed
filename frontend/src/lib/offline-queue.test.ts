import 'fake-indexeddb/auto';

import { describe, expect, it, vi } from 'vitest';

import { ApiError } from './api-client';
import { openDB } from 'idb';

import { createOfflineQueue, isAuthFailure, isTemporaryFailure, type OfflineQueue, type QueueItem } from './offline-queue';

type Action = { name: string };

let dbCounter = 0;
/** A queue whose owner is driver A (signed in). */
const newQueue = (execute: (item: QueueItem<Action>) => Promise<unknown>, dbName = `test-queue-${(dbCounter += 1)}`) => {
  let key = 0;
  const queue = createOfflineQueue<Action>({ dbName, execute, newKey: () => `key-${(key += 1)}` });
  void queue.setOwner('driver-a');
  return queue;
};

const sessionOver = () => new ApiError({ status: 401, code: 'session_expired', message: 'Your session has expired.' });
const otherUser = () => new ApiError({ status: 401, code: 'session_other_user', message: 'Your session has expired.' });

const offline = () => new ApiError({ status: 0, code: 'network_error', message: 'offline' });
const refused = () => new ApiError({ status: 409, code: 'invalid_transition', message: 'no' });

describe('offline queue', () => {
  it('replays actions in the order they were queued, each with the key it got when queued', async () => {
    const sent: string[] = [];
    const queue = newQueue(async (item) => {
      sent.push(`${item.action.name}:${item.idempotencyKey}`);
    });
    await queue.enqueue({ name: 'picked-up' });
    await queue.enqueue({ name: 'in-transit' });
    await queue.enqueue({ name: 'pod' });
    await queue.flush();
    expect(sent).toEqual(['picked-up:key-1', 'in-transit:key-2', 'pod:key-3']);
    expect(await queue.items()).toEqual([]);
    expect(queue.snapshot().items).toEqual([]);
  });

  it('keeps everything while offline and sends each action exactly once when back', async () => {
    let online = false;
    const sent: string[] = [];
    const queue = newQueue(async (item) => {
      if (!online) throw offline();
      sent.push(item.idempotencyKey);
    });
    await queue.enqueue({ name: 'a' });
    await queue.enqueue({ name: 'b' });
    await queue.flush();
    await queue.flush();
    const pending = await queue.items();
    expect(pending.map((item) => item.action.name)).toEqual(['a', 'b']);
    // Only the first action was tried (and counted); the flush stopped there to keep the order.
    expect(pending.map((item) => item.attempts)).toEqual([2, 0]);
    expect(pending[0]!.lastError).toBe('offline');

    online = true;
    await queue.flush();
    await queue.flush();
    expect(sent).toEqual(['key-1', 'key-2']);
    expect(await queue.items()).toEqual([]);
  });

  it('drops an action the API refuses, reports it, and goes on with the next', async () => {
    const events: string[] = [];
    const queue = newQueue(async (item) => {
      if (item.action.name === 'bad') throw refused();
      return item.action.name;
    });
    queue.onEvent((event) => events.push(`${event.type}:${event.item.action.name}`));
    await queue.enqueue({ name: 'bad' });
    await queue.enqueue({ name: 'good' });
    await queue.flush();
    expect(events).toEqual(['queued:bad', 'queued:good', 'rejected:bad', 'synced:good']);
    expect(await queue.items()).toEqual([]);
  });

  it('runs one flush at a time: concurrent calls share it and nothing is sent twice', async () => {
    const execute = vi.fn(async () => new Promise((resolve) => setTimeout(resolve, 5)));
    const queue = newQueue(execute);
    await queue.enqueue({ name: 'a' });
    await queue.enqueue({ name: 'b' });
    await Promise.all([queue.flush(), queue.flush(), queue.flush()]);
    expect(execute).toHaveBeenCalledTimes(2);
  });

  it('stores an updated action (e.g. upload keys) and keeps its idempotency key', async () => {
    let fail = true;
    const seen: QueueItem<Action>[] = [];
    const queue = newQueue(async (item) => {
      seen.push(item);
      if (fail) {
        await queue.update(item.id, { name: 'uploaded' });
        throw offline();
      }
    });
    await queue.enqueue({ name: 'with-files' });
    await queue.flush();
    fail = false;
    await queue.flush();
    expect(seen.map((item) => [item.action.name, item.idempotencyKey])).toEqual([
      ['with-files', 'key-1'],
      ['uploaded', 'key-1'],
    ]);
  });

  it('notifies subscribers as the queue changes', async () => {
    const queue = newQueue(async () => undefined);
    const sizes: number[] = [];
    queue.subscribe(() => sizes.push(queue.snapshot().items.length));
    await queue.enqueue({ name: 'a' });
    await queue.flush();
    expect(sizes).toContain(1);
    expect(sizes.at(-1)).toBe(0);
  });
});

describe('offline queue: a 401 never loses an action', () => {
  it('keeps the action on a 401, stops, asks for sign-in, and replays it after the driver signs in again', async () => {
    let signedIn = true;
    const sent: string[] = [];
    const events: string[] = [];
    const queue = newQueue(async (item) => {
      if (!signedIn) throw sessionOver();
      sent.push(item.action.name);
    });
    queue.onEvent((event) => events.push(`${event.type}:${event.item.action.name}`));
    signedIn = false;
    await queue.enqueue({ name: 'in-transit' });
    await queue.enqueue({ name: 'pod' });
    await queue.flush();
    await queue.flush();
    expect((await queue.items()).map((item) => item.action.name)).toEqual(['in-transit', 'pod']);
    expect(queue.snapshot().needsSignIn).toBe(true);
    expect(events.filter((event) => !event.startsWith('queued'))).toEqual(['auth_required:in-transit', 'auth_required:in-transit']);
    expect(sent).toEqual([]);

    signedIn = true;
    await queue.flush();
    expect(sent).toEqual(['in-transit', 'pod']);
    expect(await queue.items()).toEqual([]);
    expect(queue.snapshot().needsSignIn).toBe(false);
  });

  it('treats "this session belongs to someone else" like an ended session: kept, not dropped', async () => {
    const queue = newQueue(async () => {
      throw otherUser();
    });
    await queue.enqueue({ name: 'pick' });
    await queue.flush();
    expect((await queue.items()).map((item) => item.action.name)).toEqual(['pick']);
  });

  it('isAuthFailure is exactly a 401', () => {
    expect(isAuthFailure(sessionOver())).toBe(true);
    expect(isAuthFailure(new ApiError({ status: 403, code: 'forbidden', message: 'no' }))).toBe(false);
    expect(isAuthFailure(new Error('boom'))).toBe(false);
  });
});

describe('offline queue: kept per driver', () => {
  it('another driver on the same phone neither sees, replays nor drops the first driver’s actions; they replay when the first signs in again', async () => {
    const sent: string[] = [];
    const dbName = `test-queue-${(dbCounter += 1)}`;
    const queue = newQueue(async (item) => {
      // A refusal would drop the action: prove B's session never even tries A's.
      if (item.owner !== queue.owner()) throw new ApiError({ status: 403, code: 'forbidden', message: 'not yours' });
      sent.push(`${item.owner}:${item.action.name}`);
    }, dbName);
    const failing = { on: true };
    // Driver A queues two moves offline.
    const offlineExecute = createOfflineQueue<Action>({
      dbName,
      execute: async () => {
        if (failing.on) throw offline();
      },
    });
    await offlineExecute.setOwner('driver-a');
    await offlineExecute.enqueue({ name: 'a-pick' });
    await offlineExecute.enqueue({ name: 'a-transit' });
    await offlineExecute.flush();
    offlineExecute.close();

    // Driver B signs in on the same phone.
    await queue.setOwner('driver-b');
    expect(queue.snapshot().items).toEqual([]);
    await queue.enqueue({ name: 'b-start' });
    expect(queue.snapshot().items.map((item) => item.action.name)).toEqual(['b-start']);
    await queue.flush();
    expect(sent).toEqual(['driver-b:b-start']);
    expect(await queue.countAll()).toBe(2);

    // Nobody signed in: nothing is shown or sent.
    await queue.setOwner(null);
    await queue.flush();
    expect(queue.snapshot().items).toEqual([]);
    await expect(queue.enqueue({ name: 'nobody' })).rejects.toThrow();

    // Driver A signs in again: their actions replay, in order.
    await queue.setOwner('driver-a');
    expect(queue.snapshot().items.map((item) => item.action.name)).toEqual(['a-pick', 'a-transit']);
    await queue.flush();
    expect(sent).toEqual(['driver-b:b-start', 'driver-a:a-pick', 'driver-a:a-transit']);
    expect(await queue.countAll()).toBe(0);
  });

  it('stops a replay as soon as another driver signs in', async () => {
    const sent: string[] = [];
    let queueRef: OfflineQueue<Action> | null = null;
    const queue = newQueue(async (item) => {
      sent.push(item.action.name);
      // Driver B signs in while A's first action is on its way.
      if (item.action.name === 'a1') await queueRef!.setOwner('driver-b');
    });
    queueRef = queue;
    await queue.enqueue({ name: 'a1' });
    await queue.enqueue({ name: 'a2' });
    await queue.flush();
    expect(sent).toEqual(['a1']);
    await queue.setOwner('driver-a');
    await queue.flush();
    expect(sent).toEqual(['a1', 'a2']);
  });

  it('gives actions queued before owners were recorded to the driver whose day is cached, else to the next driver who signs in', async () => {
    const legacy = async (name: string) => {
      const db = await openDB(name, 1, {
        upgrade: (database) => void database.createObjectStore('actions', { keyPath: 'id', autoIncrement: true }),
      });
      await db.add('actions', { action: { name: 'old-move' }, idempotencyKey: 'k-old', queuedAt: '2024-01-01T00:00:00Z', attempts: 0, lastError: null });
      db.close();
    };
    const known = `legacy-${(dbCounter += 1)}`;
    await legacy(known);
    const withCache = createOfflineQueue<Action>({ dbName: known, execute: async () => undefined, legacyOwner: () => 'driver-a' });
    await withCache.setOwner('driver-b');
    expect(withCache.snapshot().items).toEqual([]);
    await withCache.setOwner('driver-a');
    expect(withCache.snapshot().items.map((item) => [item.owner, item.action.name, item.idempotencyKey])).toEqual([['driver-a', 'old-move', 'k-old']]);
    withCache.close();

    const unknown = `legacy-${(dbCounter += 1)}`;
    await legacy(unknown);
    const withoutCache = createOfflineQueue<Action>({ dbName: unknown, execute: async () => undefined, legacyOwner: () => null });
    await withoutCache.setOwner('driver-c');
    expect(withoutCache.snapshot().items.map((item) => item.owner)).toEqual(['driver-c']);
    withoutCache.close();
  });
});

describe('isTemporaryFailure', () => {
  it.each([
    [0, true],
    [408, true],
    [429, true],
    [500, true],
    [503, true],
    [400, false],
    [403, false],
    [404, false],
    [409, false],
    [422, false],
  ])('status %i -> %s', (status, expected) => {
    expect(isTemporaryFailure(new ApiError({ status, code: 'x', message: 'x' }))).toBe(expected);
  });

  it('treats unknown errors as temporary (retry rather than lose the action)', () => {
    expect(isTemporaryFailure(new Error('boom'))).toBe(true);
  });
});
