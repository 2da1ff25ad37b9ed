import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect } from 'react';
import { toast } from 'sonner';

import { isApiError } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { connectivity } from '@/lib/connectivity';
import { toastError } from '@/lib/react-query';
import { t } from '@/locales';

import { getDriverQueue, type DriverAction } from './driver-queue';
import { driverQueryKey } from './list-driver-routes-today';

/**
 * Puts an action on the queue and tries to send it at once. Offline (the API
 * not reachable, see lib/connectivity.ts) it is not even tried; when the send
 * fails for a reason that may pass it stays queued too. Queued actions are
 * replayed in order when the connection returns. Refusals are shown as toasts,
 * and the driver's data is refetched after every sync.
 */
export function useDriverActions() {
  const api = useApiClient();
  const queryClient = useQueryClient();

  const run = useCallback(async (action: DriverAction) => {
    const queue = getDriverQueue();
    // Queued for the signed-in driver (the queue's owner, see useDriverQueueSync): only their session ever sends it.
    const item = await queue.enqueue(action);
    if (!connectivity.isOnline()) {
      toast.info(t.driverApp.sync.queuedOffline);
      return;
    }
    await queue.flush();
    // The send found no connection: it waits in the queue like one made offline.
    if (!connectivity.isOnline() && queue.snapshot().items.some((queued) => queued.id === item.id)) {
      toast.info(t.driverApp.sync.queuedOffline);
    }
  }, []);

  return { run, refresh: () => queryClient.invalidateQueries({ queryKey: driverQueryKey(api) }) };
}

/**
 * Mounted once by the driver layout: makes the signed-in driver the queue's
 * owner (only their actions are shown and replayed; other drivers' stay
 * stored for them), replays the queue on start, as soon as the API can be
 * reached again (lib/connectivity.ts: the browser's online event, or a probe
 * that finds the API back, e.g. after a dead zone), and every 20 s while
 * something is pending; reports what happened. A replay stopped by an ended
 * session keeps the action: the app asks the driver to sign in again (the
 * realm root sends them to the login page) and replays it afterwards.
 */
export function useDriverQueueSync(driverId: string) {
  const api = useApiClient();
  const queryClient = useQueryClient();

  useEffect(() => {
    if (typeof indexedDB === 'undefined') return;
    const queue = getDriverQueue();
    let active = true;
    const flush = () => {
      if (active && connectivity.isOnline() && queue.owner() === driverId) void queue.flush();
    };
    const off = queue.onEvent((event) => {
      if (event.type === 'synced') {
        void queryClient.invalidateQueries({ queryKey: driverQueryKey(api) });
      } else if (event.type === 'rejected') {
        void queryClient.invalidateQueries({ queryKey: driverQueryKey(api) });
        if (isApiError(event.error)) toast.error(t.driverApp.sync.rejected(event.item.action.label, event.error.message));
        else toastError(event.error);
      }
    });
    const stopWatching = connectivity.subscribe((online) => {
      if (online) flush();
    });
    const timer = setInterval(() => {
      if (queue.snapshot().items.length > 0) flush();
    }, 20_000);
    void queue.setOwner(driverId).then(flush);
    return () => {
      active = false;
      off();
      stopWatching();
      clearInterval(timer);
      // Nobody is signed in to the driver app any more (signed out, session over, another driver next).
      if (queue.owner() === driverId) void queue.setOwner(null);
    };
  }, [api, queryClient, driverId]);
}
