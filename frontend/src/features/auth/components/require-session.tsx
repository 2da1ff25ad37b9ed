import { useIsRestoring } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';

import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { LockIcon } from '@/components/ui/icons';
import { isWaitingForConnection, OfflineState } from '@/components/ui/offline-state';
import { isApiError } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { isRoleAllowedInRealm } from '@/lib/authorization';
import { useOnline } from '@/lib/use-online';
import { t } from '@/locales';

import { useMe } from '../api/get-me';
import { useSessionState } from '../api/use-session-state';
import { loginUrl } from '../utils';

import { SessionProvider } from './session';
import { SignOutButton } from './sign-out-button';

type RequireSessionProps = {
  /** Shown while the session is being checked (e.g. a skeleton of the layout). */
  fallback: ReactNode;
  children: ReactNode;
};

/**
 * Guards an app (ops console or driver app): requires a session (on start the
 * access token is obtained from the httpOnly refresh cookie, see
 * `useSessionState`), loads /api/auth/me (or uses the copy it already has when
 * that fails: the driver app opens offline from its offline copy while the
 * session cannot be checked), and checks that the role may use this app.
 * Below it, `useSession()` returns the signed-in user and tenant.
 */
export function RequireSession({ fallback, children }: RequireSessionProps) {
  const api = useApiClient();
  const location = useLocation();
  const state = useSessionState();
  const me = useMe({ enabled: state === 'active' || state === 'unverified' });
  const online = useOnline();
  // The driver app's offline copy is being read (lib/offline-cache.ts): what to show is not known yet.
  const restoring = useIsRestoring();

  if (state === 'none') {
    return <Navigate to={loginUrl(api.realm, location.pathname + location.search)} replace />;
  }
  if (state === 'unknown' || restoring) return fallback;
  if (state === 'unverified' && me.data === undefined) {
    // The session could not be checked and there is no offline copy to show.
    return (
      <div style={{ paddingTop: '10vh' }}>
        {online ? (
          <ErrorState error={me.error} onRetry={() => void api.session.restore().catch(() => undefined)} isRetrying={me.isFetching} />
        ) : (
          <OfflineState />
        )}
      </div>
    );
  }
  if (isWaitingForConnection(me, online)) {
    return (
      <div style={{ paddingTop: '10vh' }}>
        <OfflineState />
      </div>
    );
  }
  if (me.isPending) return fallback;
  // An expired session is already being redirected to the login page.
  if (me.isError && isApiError(me.error) && me.error.code === 'session_expired') return fallback;
  // A failed (re)fetch only matters when there is nothing to show: the driver
  // app opens from its offline copy and must stay usable while it cannot reach us.
  if (me.data === undefined) {
    return (
      <div style={{ paddingTop: '10vh' }}>
        <ErrorState error={me.error} onRetry={() => void me.refetch()} isRetrying={me.isFetching} />
      </div>
    );
  }
  if (!isRoleAllowedInRealm(api.realm, me.data.user.role)) {
    return (
      <div style={{ paddingTop: '10vh' }}>
        <EmptyState
          headingLevel="h1"
          icon={<LockIcon size={22} />}
          title={api.realm === 'ops' ? t.auth.wrongApp.opsTitle : t.auth.wrongApp.driverTitle}
          description={t.auth.wrongApp.body}
          action={<SignOutButton />}
        />
      </div>
    );
  }
  return <SessionProvider value={me.data}>{children}</SessionProvider>;
}
