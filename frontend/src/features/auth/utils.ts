import type { QueryClient } from '@tanstack/react-query';

import { realmPaths } from '@/config/paths';
import type { ApiClient, Realm, SessionResponse } from '@/lib/api-client';

import { getMeQueryOptions } from './api/get-me';

export const REDIRECT_PARAM = 'redirectTo';

/**
 * Where to go after signing in: the requested page if it is a same-origin
 * path inside the realm's app (no open redirects), otherwise the app's home.
 */
export function safeRedirect(target: string | null | undefined, realm: Realm): string {
  const { root, home } = realmPaths[realm];
  if (!target || !target.startsWith('/') || target.startsWith('//') || target.includes('\\')) return home;
  if (target !== root && !target.startsWith(`${root}/`) && !target.startsWith(`${root}?`)) return home;
  return target;
}

/** The realm's login URL that brings the user back to `from` afterwards. */
export function loginUrl(realm: Realm, from?: string): string {
  const { login, home } = realmPaths[realm];
  if (!from || from === home || safeRedirect(from, realm) !== from) return login;
  return `${login}?${new URLSearchParams({ [REDIRECT_PARAM]: from }).toString()}`;
}

/** Keeps the access token and primes the "me" cache from a login or register/confirm answer. */
export function startSession(api: ApiClient, queryClient: QueryClient, response: SessionResponse) {
  queryClient.removeQueries({ queryKey: [api.realm] });
  api.session.set(response);
  // Shown immediately, then revalidated against /api/auth/me.
  queryClient.setQueryData(
    getMeQueryOptions(api).queryKey,
    { user: response.user, tenant: response.tenant },
    { updatedAt: 0 },
  );
}
