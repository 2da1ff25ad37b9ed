import { useSyncExternalStore } from 'react';

import { apiClients, scopedToUser, type ApiClient } from '@/lib/api-client';
import { legacyCachedDriverId } from '@/lib/offline-cache';
import { createOfflineQueue, type OfflineQueue, type QueueItem } from '@/lib/offline-queue';
import type { OrderStatus, UpdateOrderStatusRequest } from '@/types/api';

import { createPod } from './create-pod';
import { createPodUploads, type PodFile } from './create-pod-uploads';
import { startRoute } from './start-route';
import { updateOrderStatus } from './update-order-status';
import { uploadFile } from './upload-file';

/** What the driver can do offline; each is replayed with its own Idempotency-Key. */
export type DriverAction =
  | { kind: 'start_route'; routeId: string; label: string }
  | { kind: 'status'; orderId: string; routeId: string | null; body: UpdateOrderStatusRequest; label: string }
  | {
      kind: 'pod';
      orderId: string;
      routeId: string | null;
      receiver_name: string;
      notes: string | null;
      /** Files still to upload (taken offline); replaced by their keys once uploaded. */
      files: PodFile[];
      photo_key: string | null;
      signature_key: string | null;
      label: string;
    };

export type DriverQueueItem = QueueItem<DriverAction>;

/**
 * Runs one queued action against the API, only ever with the session of the
 * driver who queued it: with anyone else's (or none) it fails with a 401 and
 * stays queued until that driver signs in again.
 */
export async function executeDriverAction(
  client: ApiClient,
  item: DriverQueueItem,
  queue: OfflineQueue<DriverAction>,
): Promise<unknown> {
  const { action } = item;
  const api = scopedToUser(client, item.owner);
  switch (action.kind) {
    case 'start_route':
      return startRoute(api, action.routeId, item.idempotencyKey);
    case 'status':
      return updateOrderStatus(api, action.orderId, action.body, item.idempotencyKey);
    case 'pod': {
      let { photo_key, signature_key } = action;
      if (action.files.length > 0) {
        // Taken offline: upload now, then remember the keys so a replay reuses them
        // (the create_pod body, and so its idempotency key, must not change).
        const uploads = await createPodUploads(api, action.orderId, action.files);
        for (const upload of uploads) {
          const file = action.files.find((candidate) => candidate.kind === upload.kind);
          if (file) await uploadFile(upload, file.blob);
          if (upload.kind === 'photo') photo_key = upload.key;
          else signature_key = upload.key;
        }
        await queue.update(item.id, { ...action, files: [], photo_key, signature_key });
      }
      return createPod(
        api,
        action.orderId,
        {
          receiver_name: action.receiver_name,
          notes: action.notes,
          ...(photo_key ? { photo_key } : {}),
          ...(signature_key ? { signature_key } : {}),
        },
        item.idempotencyKey,
      );
    }
  }
}

let queue: OfflineQueue<DriverAction> | null = null;

/**
 * The driver app's queue (one per tab, shared by every page). It holds the
 * actions of every driver who used this phone, keyed by their user id; the
 * driver layout makes the signed-in driver its owner.
 */
export function getDriverQueue(): OfflineQueue<DriverAction> {
  queue ??= createOfflineQueue<DriverAction>({
    dbName: 'cargoflow-driver-queue',
    execute: (item, q) => executeDriverAction(apiClients.driver, item, q),
    // Queues from before owners were recorded belong to the driver whose day an earlier version cached here.
    legacyOwner: legacyCachedDriverId,
  });
  return queue;
}

const EMPTY = { items: [] as DriverQueueItem[], flushing: false, needsSignIn: false, loaded: false };

/** Re-renders when the queue changes. */
export function useDriverQueue() {
  const q = typeof indexedDB !== 'undefined' ? getDriverQueue() : null;
  return useSyncExternalStore(
    (listener) => q?.subscribe(listener) ?? (() => undefined),
    () => q?.snapshot() ?? EMPTY,
    () => EMPTY,
  );
}

/** The order's status with the driver's queued (not yet synced) moves applied. */
export function pendingOrderStatus(orderId: string, serverStatus: OrderStatus, items: DriverQueueItem[]): OrderStatus {
  let status = serverStatus;
  for (const { action } of items) {
    if (action.kind === 'status' && action.orderId === orderId) status = action.body.to_status;
    if (action.kind === 'pod' && action.orderId === orderId) status = 'DELIVERED';
  }
  return status;
}

export const hasPendingStart = (routeId: string, items: DriverQueueItem[]) =>
  items.some(({ action }) => action.kind === 'start_route' && action.routeId === routeId);
