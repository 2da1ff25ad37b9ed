import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect } from 'react';
import { toast } from 'sonner';

import { isApiError } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { toastError } from '@/lib/react-query';
import { t } from '@/locales';

import { getDriverQueue, type DriverAction } from './driver-queue';
import { driverQueryKey } from './get-driver-routes-today';

/**
 * Puts an action on the queue and tries to send it at once. Offline (or when
 * the send fails for a reason that may pass) it stays queued and is replayed
 * in order when the connection returns. Refusals are shown as toasts, and the
 * driver's data is refetched after every sync.
 */
export function useDriverActions() {
  const api = useApiClient();
  const queryClient = useQueryClient();

  const run = useCallback(
    async (action: DriverAction) => {
      const queue = getDriverQueue();
      await queue.enqueue(action);
      if (typeof navigator !== 'undefined' && navigator.onLine === false) {
        toast.info(t.driverApp.sync.queuedOffline);
        return;
      }
      await queue.flush();
    },
    [],
  );

  return { run, refresh: () => queryClient.invalidateQueries({ queryKey: driverQueryKey(api) }) };
}

/**
 * Mounted once by the driver layout: replays the queue on start, when the
 * browser comes back online and every 20 s while something is pending, and
 * reports what happened.
 */
export function useDriverQueueSync() {
  const api = useApiClient();
  const queryClient = useQueryClient();

  useEffect(() => {
    if (typeof indexedDB === 'undefined') return;
    const queue = getDriverQueue();
    const flush = () => {
      if (navigator.onLine !== false) void queue.flush();
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
    window.addEventListener('online', flush);
    const timer = setInterval(() => {
      if (queue.snapshot().items.length > 0) flush();
    }, 20_000);
    flush();
    return () => {
      off();
      window.removeEventListener('online', flush);
      clearInterval(timer);
    };
  }, [api, queryClient]);
}
