import { MutationCache, onlineManager, QueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';

import { t } from '@/locales';

import { isApiError } from './api-client';
import { connectivity as sharedConnectivity, type Connectivity } from './connectivity';

declare module '@tanstack/react-query' {
  interface Register {
    mutationMeta: {
      /** Set when the caller shows the error itself. */
      suppressErrorToast?: boolean;
    };
    queryMeta: {
      /** Kept in the driver app's offline copy (lib/offline-cache.ts). */
      offline?: boolean;
    };
  }
}

/** Shows a failed call to the user with the server's message (and request id). */
export function toastError(error: unknown) {
  if (isApiError(error)) {
    // The session-expired flow shows its own toast and redirects.
    if (error.code === 'session_expired') return;
    const details = [
      error.retryAfterSeconds ? t.errors.retryAfter(t.common.duration(error.retryAfterSeconds)) : null,
      error.requestId ? t.errors.reference(error.requestId) : null,
    ].filter(Boolean);
    toast.error(error.message, details.length ? { description: details.join(' ') } : undefined);
    return;
  }
  toast.error(t.errors.unexpected);
}

/** Never retry what the server refused (4xx); retry transient failures twice. */
const shouldRetry = (failureCount: number, error: unknown) => {
  if (isApiError(error) && error.status >= 400 && error.status < 500) return false;
  return failureCount < 2;
};

/**
 * TanStack Query's idea of "online" is the app's connectivity (browser online
 * AND the API reachable), not just `navigator.onLine`: while the API cannot be
 * reached, queries pause (keeping their data) instead of failing after their
 * retries, and they resume, like paused mutations, once it answers again.
 */
export function followConnectivity(connectivity: Connectivity = sharedConnectivity) {
  onlineManager.setEventListener((setOnline) => {
    setOnline(connectivity.isOnline());
    return connectivity.subscribe(setOnline);
  });
}

export function createQueryClient() {
  followConnectivity();
  return new QueryClient({
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) => {
        if (!mutation.meta?.suppressErrorToast) toastError(error);
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: shouldRetry,
        refetchOnWindowFocus: true,
      },
      mutations: {
        retry: false,
      },
    },
  });
}
