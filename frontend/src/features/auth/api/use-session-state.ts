import { useEffect, useSyncExternalStore } from 'react';

import type { SessionState } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { useOnline } from '@/lib/use-online';

/**
 * Where this realm's session stands (see `SessionState`), getting it going:
 * the access token lives in memory only, so on app start (and after a reload)
 * the refresh cookie is exchanged for one; when that could not be tried for
 * want of a connection, it is tried again as soon as the API can be reached.
 */
export function useSessionState(): SessionState {
  const api = useApiClient();
  const state = useSyncExternalStore(api.session.subscribe, api.session.state, api.session.state);
  const online = useOnline();

  useEffect(() => {
    if (state === 'unknown' || (state === 'unverified' && online)) {
      // Failures are the state itself (`unverified`, `none`).
      void api.session.restore().catch(() => undefined);
    }
  }, [api, state, online]);

  return state;
}
