/**
 * A durable, ordered queue of API actions for the driver app, kept in
 * IndexedDB (through `idb`) so that actions taken offline survive a reload.
 *
 * - Each action belongs to the user who took it (`owner`: the driver's user
 *   id). The queue works for one owner at a time (`setOwner`: whoever is
 *   signed in): it shows, counts and replays only that owner's actions; the
 *   others stay stored, untouched, until their owner signs in again.
 * - Each action carries its own `Idempotency-Key`, generated once when it is
 *   queued, so a replay after a lost response is answered from the API's
 *   idempotency store instead of running twice.
 * - `flush()` replays the owner's actions strictly in the order they were
 *   queued, one at a time, and only one flush runs at a time (per tab; across
 *   tabs with the Web Locks API where present).
 * - A failure that may be temporary (no network, 5xx, 429, 408) stops the flush
 *   and keeps the action for the next attempt. A 401 (the session ended, or
 *   belongs to someone else) also keeps it and stops: the driver is asked to
 *   sign in, then it is replayed. Only a refusal of the action itself (any
 *   other 4xx) drops it, reports it, and the flush goes on with the next one.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

export type QueueItem<A> = {
  id: number;
  /** The user who queued it; '' for actions stored before owners were recorded, until claimed. */
  owner: string;
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
  | { type: 'deferred'; item: QueueItem<A>; error: unknown }
  /** Kept: the owner must sign in again before it can be sent. */
  | { type: 'auth_required'; item: QueueItem<A>; error: unknown };

export type QueueSnapshot<A> = {
  /** The current owner's pending actions (none without an owner). */
  items: QueueItem<A>[];
  flushing: boolean;
  /** The last replay stopped on a 401: the owner has to sign in again. */
  needsSignIn: boolean;
  /** `items` are the current owner's (false while they load after `setOwner`). */
  loaded: boolean;
};

export type OfflineQueue<A> = {
  /** Whose actions are shown and replayed from now on (the signed-in user), or nobody. */
  setOwner(owner: string | null): Promise<void>;
  owner(): string | null;
  /** Stores the action for `owner` (default: the current owner) and returns it with its id and idempotency key. */
  enqueue(action: A, owner?: string): Promise<QueueItem<A>>;
  /** Replays the current owner's pending actions in order; resolves once done or stopped by a failure that keeps the action. */
  flush(): Promise<void>;
  /** Replaces the stored action (e.g. upload keys recorded after the files were sent). */
  update(id: number, action: A): Promise<void>;
  /** The current owner's pending actions. */
  items(): Promise<QueueItem<A>[]>;
  /** Every pending action on this device, whoever queued it. */
  countAll(): Promise<number>;
  /** The last known state (kept in memory for rendering). */
  snapshot(): QueueSnapshot<A>;
  subscribe(listener: () => void): () => void;
  onEvent(listener: (event: QueueEvent<A>) => void): () => void;
  close(): void;
};

export type QueueOptions<A> = {
  dbName: string;
  /** Runs one action (with its owner's session); rejects with the API's error. */
  execute: (item: QueueItem<A>, queue: OfflineQueue<A>) => Promise<unknown>;
  /** True when the failure may go away by itself (default: `isTemporaryFailure`). */
  isTemporary?: (error: unknown) => boolean;
  /** True when the owner must sign in again first (default: `isAuthFailure`). */
  isAuthFailure?: (error: unknown) => boolean;
  /** Who queued the actions stored before owners were recorded, when known (read once, on upgrade). */
  legacyOwner?: () => string | null;
  newKey?: () => string;
  now?: () => Date;
};

type StoredItem = Omit<QueueItem<unknown>, 'id'> & { id?: number };

interface QueueDb extends DBSchema {
  actions: { key: number; value: StoredItem; indexes: { owner: string } };
}

const STORE = 'actions';
const UNCLAIMED = '';

const statusOf = (error: unknown) =>
  typeof error === 'object' && error !== null ? (error as { status?: unknown }).status : undefined;

/** Status 0 (no network), 408, 429 and 5xx are worth retrying later. */
export function isTemporaryFailure(error: unknown): boolean {
  const status = statusOf(error);
  if (typeof status !== 'number') return true;
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

/** 401: the session is over (or is someone else's); the action waits for its owner to sign in. */
export function isAuthFailure(error: unknown): boolean {
  return statusOf(error) === 401;
}

export function createOfflineQueue<A>(options: QueueOptions<A>): OfflineQueue<A> {
  const isTemporary = options.isTemporary ?? isTemporaryFailure;
  const needsAuth = options.isAuthFailure ?? isAuthFailure;
  const newKey = options.newKey ?? (() => crypto.randomUUID());
  const now = options.now ?? (() => new Date());
  const listeners = new Set<() => void>();
  const eventListeners = new Set<(event: QueueEvent<A>) => void>();
  let snapshot: QueueSnapshot<A> = { items: [], flushing: false, needsSignIn: false, loaded: false };
  let flushing: Promise<void> | null = null;
  let currentOwner: string | null = null;
  let flushingFor: string | null = null;

  // Tests run on fake-indexeddb (`import 'fake-indexeddb/auto'`).
  const dbPromise: Promise<IDBPDatabase<QueueDb>> = openDB<QueueDb>(options.dbName, 2, {
    upgrade(db, oldVersion, _newVersion, transaction) {
      const store = oldVersion < 1 ? db.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true }) : transaction.objectStore(STORE);
      if (oldVersion < 2) {
        store.createIndex('owner', 'owner');
        // Version 1 kept no owner: give its actions to the driver last signed in here, when known.
        let legacyOwner: string | null = null;
        try {
          legacyOwner = options.legacyOwner?.() ?? null;
        } catch {
          legacyOwner = null;
        }
        // Runs inside the upgrade transaction: the database opens once it is done.
        void (async () => {
          for (let cursor = await store.openCursor(); cursor; cursor = await cursor.continue()) {
            const value = cursor.value;
            if (typeof value.owner !== 'string') await cursor.update({ ...value, owner: legacyOwner ?? UNCLAIMED });
          }
        })();
      }
    },
  });

  const emit = (event: QueueEvent<A>) => eventListeners.forEach((listener) => listener(event));
  const setSnapshot = (next: Partial<QueueSnapshot<A>>) => {
    snapshot = { ...snapshot, ...next };
    listeners.forEach((listener) => listener());
  };

  async function itemsOf(owner: string | null): Promise<QueueItem<A>[]> {
    if (!owner) return [];
    const db = await dbPromise;
    // Index order is (owner, id): the order they were queued in.
    return (await db.getAllFromIndex(STORE, 'owner', owner)) as QueueItem<A>[];
  }

  const refresh = async () => {
    const owner = currentOwner;
    const items = await itemsOf(owner);
    // Another owner signed in meanwhile: their refresh wins.
    if (owner === currentOwner) setSnapshot({ items, loaded: true });
  };

  async function runFlush() {
    const owner = currentOwner;
    if (!owner) return;
    setSnapshot({ flushing: true });
    try {
      for (;;) {
        // Stop as soon as someone else is signed in: their session must not send these.
        if (currentOwner !== owner) break;
        const db = await dbPromise;
        const cursor = await db.transaction(STORE).store.index('owner').openCursor(owner);
        const next = cursor?.value as QueueItem<A> | undefined;
        if (!next) break;
        try {
          const result = await options.execute(next, queue);
          await db.delete(STORE, next.id);
          setSnapshot({ needsSignIn: false });
          await refresh();
          emit({ type: 'synced', item: next, result });
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          const signIn = needsAuth(error);
          if (signIn || isTemporary(error)) {
            const stored = (await db.get(STORE, next.id)) as QueueItem<A> | undefined;
            if (stored) await db.put(STORE, { ...stored, attempts: stored.attempts + 1, lastError: message });
            if (signIn && currentOwner === owner) setSnapshot({ needsSignIn: true });
            await refresh();
            emit(signIn ? { type: 'auth_required', item: next, error } : { type: 'deferred', item: next, error });
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
    async setOwner(owner) {
      if (owner === currentOwner) return;
      currentOwner = owner;
      setSnapshot({ items: [], needsSignIn: false, loaded: false });
      if (owner) {
        // Actions stored before owners were recorded, whose driver is unknown: the next driver to sign in takes them.
        const db = await dbPromise;
        const tx = db.transaction(STORE, 'readwrite');
        for (let cursor = await tx.store.index('owner').openCursor(UNCLAIMED); cursor; cursor = await cursor.continue()) {
          await cursor.update({ ...cursor.value, owner });
        }
        await tx.done;
      }
      await refresh();
    },
    owner: () => currentOwner,
    async enqueue(action, owner = currentOwner ?? undefined) {
      if (!owner) throw new Error('An action can only be queued for a signed-in user.');
      const db = await dbPromise;
      const record = { owner, action, idempotencyKey: newKey(), queuedAt: now().toISOString(), attempts: 0, lastError: null };
      const id = await db.add(STORE, record);
      const item: QueueItem<A> = { ...record, id };
      await refresh();
      emit({ type: 'queued', item });
      return item;
    },
    flush() {
      // One flush at a time; a flush for the previous owner finishes (it stops early) before this owner's starts.
      if (flushing && flushingFor === currentOwner) return flushing;
      const previous = flushing ?? Promise.resolve();
      flushingFor = currentOwner;
      const run: Promise<void> = previous
        .catch(() => undefined)
        .then(() => withLock(runFlush))
        .finally(() => {
          if (flushing === run) flushing = null;
        });
      flushing = run;
      return run;
    },
    async update(id, action) {
      const db = await dbPromise;
      const stored = (await db.get(STORE, id)) as QueueItem<A> | undefined;
      if (stored) await db.put(STORE, { ...stored, action });
      await refresh();
    },
    items: () => itemsOf(currentOwner),
    async countAll() {
      const db = await dbPromise;
      return db.count(STORE);
    },
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
