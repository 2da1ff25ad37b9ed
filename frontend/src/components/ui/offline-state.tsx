import { useState } from 'react';

import { ApiError } from '@/lib/api-client';
import { connectivity } from '@/lib/connectivity';
import { t } from '@/locales';

import { ErrorState } from './error-state';

/**
 * True for a query that has nothing to show yet and waits for the connection:
 * TanStack Query pauses it while the API cannot be reached (lib/connectivity.ts)
 * and resumes it by itself once the API answers again.
 */
export const isWaitingForConnection = (query: { isPending: boolean; fetchStatus: string }, online: boolean) =>
  query.isPending && query.fetchStatus === 'paused' && !online;

/**
 * "Cannot reach CargoFlow" for a screen with no data that waits for the
 * connection (instead of a skeleton that never ends). Retry checks the
 * connection at once; the paused queries then load without another tap.
 */
export function OfflineState({ title, headingLevel }: { title?: string; headingLevel?: 'h2' | 'h3' }) {
  const [checking, setChecking] = useState(false);
  const retry = () => {
    setChecking(true);
    void connectivity.probe().finally(() => setChecking(false));
  };
  return (
    <ErrorState
      title={title}
      headingLevel={headingLevel}
      error={new ApiError({ status: 0, code: 'network_error', message: t.errors.network })}
      onRetry={retry}
      isRetrying={checking}
    />
  );
}
