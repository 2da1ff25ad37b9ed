import 'fake-indexeddb/auto';

import { describe, expect, it, vi } from 'vitest';

import { ApiError } from './api-client';
import { createOfflineQueue, isTemporaryFailure, type QueueItem } from './offline-queue';

type Action = { name: string };

let dbCounter = 0;
const newQueue = (execute: (item: QueueItem<Action>) => Promise<unknown>) => {
  let key = 0;
  return createOfflineQueue<Action>({ dbName: `test-queue-${(dbCounter += 1)}`, execute, newKey: () => `key-${(key += 1)}` });
};

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
