/**
 * A durable, ordered queue of API actions for the driver app, kept in
 * IndexedDB (through `idb`) so that actions taken offline survive a reload.
 *
 * - Each action carries its own `Idempotency-Key`, generated once when it is
 *   queued, so a replay after a lost response is answered from the API's
 *   idempotency store instead of running twice.
 * - `flush()` replays actions strictly in the order they were queued, one at a
 *   time, and only one flush runs at a time (per tab; across tabs with the Web
 *   Locks API where present).
 * - A failure that may be temporary (no network, 5xx, 429, 408) stops the flush
 *   and keeps the action for the next attempt; a refusal (other 4xx) drops the
 *   action and reports it, and the flush goes on with the next one.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

export type QueueItem<A> = {
  id: number;
  action: A;
  idempotencyKey: string;
  queuedAt: string;
  attempts: number;
  lastError: string | null;
};

export type QueueEvent<A> =
  | { type: 'queued'; item: QueueItem<A> }
  | { type: 'synced'; item: QueueItem<A>; result: unknown }
  | { type: 'rejected'; item: QueueItem<A>; error: unknown }
  | { type: 'deferred'; item: QueueItem<A>; error: unknown };

export type QueueSnapshot<A> = { items: QueueItem<A>[]; flushing: boolean };

export type OfflineQueue<A> = {
  /** Stores the action and returns it with its id and idempotency key. */
  enqueue(action: A): Promise<QueueItem<A>>;
  /** Replays pending actions in order; resolves once done or stopped by a temporary failure. */
  flush(): Promise<void>;
  /** Replaces the stored action (e.g. upload keys recorded after the files were sent). */
  update(id: number, action: A): Promise<void>;
  items(): Promise<QueueItem<A>[]>;
  /** The last known items (kept in memory for rendering). */
  snapshot(): QueueSnapshot<A>;
  subscribe(listener: () => void): () => void;
  onEvent(listener: (event: QueueEvent<A>) => void): () => void;
  close(): void;
};

export type QueueOptions<A> = {
  dbName: string;
  /** Runs one action; rejects with the API's error. */
  execute: (item: QueueItem<A>, queue: OfflineQueue<A>) => Promise<unknown>;
  /** True when the failure may go away by itself (default: `isTemporaryFailure`). */
  isTemporary?: (error: unknown) => boolean;
  newKey?: () => string;
  now?: () => Date;
};

interface QueueDb extends DBSchema {
  actions: { key: number; value: Omit<QueueItem<unknown>, 'id'> & { id?: number } };
}

const STORE = 'actions';

/** Status 0 (no network), 408, 429 and 5xx are worth retrying later. */
export function isTemporaryFailure(error: unknown): boolean {
  const status = typeof error === 'object' && error !== null ? (error as { status?: unknown }).status : undefined;
  if (typeof status !== 'number') return true;
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

export function createOfflineQueue<A>(options: QueueOptions<A>): OfflineQueue<A> {
  const isTemporary = options.isTemporary ?? isTemporaryFailure;
  const newKey = options.newKey ?? (() => crypto.randomUUID());
  const now = options.now ?? (() => new Date());
  const listeners = new Set<() => void>();
  const eventListeners = new Set<(event: QueueEvent<A>) => void>();
  let snapshot: QueueSnapshot<A> = { items: [], flushing: false };
  let flushing: Promise<void> | null = null;

  // Tests run on fake-indexeddb (`import 'fake-indexeddb/auto'`).
  const dbPromise: Promise<IDBPDatabase<QueueDb>> = openDB<QueueDb>(options.dbName, 1, {
    upgrade: (db) => void db.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true }),
  });

  const emit = (event: QueueEvent<A>) => eventListeners.forEach((listener) => listener(event));
  const setSnapshot = (next: Partial<QueueSnapshot<A>>) => {
    snapshot = { ...snapshot, ...next };
    listeners.forEach((listener) => listener());
  };

  async function items(): Promise<QueueItem<A>[]> {
    const db = await dbPromise;
    return (await db.getAll(STORE)) as QueueItem<A>[];
  }

  const refresh = async () => setSnapshot({ items: await items() });

  async function runFlush() {
    setSnapshot({ flushing: true });
    try {
      for (;;) {
        const db = await dbPromise;
        const cursor = await db.transaction(STORE).store.openCursor();
        const next = cursor?.value as QueueItem<A> | undefined;
        if (!next) break;
        try {
          const result = await options.execute(next, queue);
          await db.delete(STORE, next.id);
          await refresh();
          emit({ type: 'synced', item: next, result });
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          if (isTemporary(error)) {
            const stored = (await db.get(STORE, next.id)) as QueueItem<A> | undefined;
            if (stored) await db.put(STORE, { ...stored, attempts: stored.attempts + 1, lastError: message });
            await refresh();
            emit({ type: 'deferred', item: next, error });
            break;
          }
          await db.delete(STORE, next.id);
          await refresh();
          emit({ type: 'rejected', item: next, error });
        }
      }
    } finally {
      setSnapshot({ flushing: false });
    }
  }

  function withLock(task: () => Promise<void>): Promise<void> {
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    if (!locks) return task();
    return new Promise<void>((resolve, reject) => {
      locks.request(`cargoflow.queue.${options.dbName}`, () => task().then(resolve, reject)).catch(reject);
    });
  }

  const queue: OfflineQueue<A> = {
    async enqueue(action) {
      const db = await dbPromise;
      const record = { action, idempotencyKey: newKey(), queuedAt: now().toISOString(), attempts: 0, lastError: null };
      const id = await db.add(STORE, record as QueueDb['actions']['value']);
      const item: QueueItem<A> = { ...record, id };
      await refresh();
      emit({ type: 'queued', item });
      return item;
    },
    flush() {
      flushing ??= withLock(runFlush).finally(() => {
        flushing = null;
      });
      return flushing;
    },
    async update(id, action) {
      const db = await dbPromise;
      const stored = (await db.get(STORE, id)) as QueueItem<A> | undefined;
      if (stored) await db.put(STORE, { ...stored, action });
      await refresh();
    },
    items,
    snapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    close() {
      void dbPromise.then((db) => db.close());
    },
  };
  void refresh().catch(() => undefined);
  return queue;
}
