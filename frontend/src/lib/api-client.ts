import { env } from '@/config/env';
import { t } from '@/locales';
import type { ApiErrorBody, RefreshRequest, TokenResponse } from '@/types/api';

import { connectivity as sharedConnectivity, type ConnectivityReporter } from './connectivity';
import { createTokenStore, defaultStorage, removeLegacySessionKeys, type Realm, type Session, type StorageLike, type TokenStore } from './token-store';

export type { Realm, Session } from './token-store';

const REFRESH_PATH = '/api/auth/refresh';
const LOGOUT_PATH = '/api/auth/logout';

/** What login, refresh and register/confirm answer (the refresh token itself is an httpOnly cookie). */
export type SessionResponse = Pick<TokenResponse, 'access_token' | 'expires_in' | 'user' | 'tenant'>;

/**
 * Where the session of a realm stands in this tab:
 * - `unknown`: nothing tried yet (app start; the access token is only kept in memory);
 * - `active`: this tab holds an access token;
 * - `unverified`: the refresh cookie could not be tried (no connection, 5xx): the
 *   driver app opens from its offline copy and tries again when the API is back;
 * - `none`: signed out, never signed in, or the session ended.
 */
export type SessionState = 'unknown' | 'active' | 'unverified' | 'none';

/** Marks a sign-out the server could not be told about (offline): the next start ends that session first. */
export const signOutPendingKey = (realm: Realm) => `cargoflow.${realm}.sign-out-pending`;

/** Every failed API call rejects with an ApiError, whatever went wrong. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** HTTP status; 0 when the server could not be reached. */
  readonly status: number;
  /** Machine-readable code from the server (e.g. `validation_failed`) or a client code. */
  readonly code: string;
  /** Per-field messages keyed by request field name (e.g. `email`). */
  readonly fields: Readonly<Record<string, string>>;
  readonly requestId: string | null;
  /** Seconds from the Retry-After header (429/503), when present. */
  readonly retryAfterSeconds: number | null;
  /** Extra machine-readable context, e.g. `{ current_status }` after a refused status change. */
  readonly details: Readonly<Record<string, unknown>> | null;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    fields?: Record<string, string>;
    requestId?: string | null;
    retryAfterSeconds?: number | null;
    details?: Record<string, unknown> | null;
  }) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.fields = init.fields ?? {};
    this.requestId = init.requestId ?? null;
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
    this.details = init.details ?? null;
  }

  /** Builds an ApiError from a non-2xx response, tolerating non-JSON bodies. */
  static async fromResponse(response: Response): Promise<ApiError> {
    const retryAfterSeconds = parseRetryAfter(response.headers.get('Retry-After'));
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      // Not JSON (e.g. a proxy error page); fall through to a generic message.
    }
    if (isApiErrorBody(body)) {
      return new ApiError({
        status: response.status,
        code: body.error.code,
        message: body.error.message || t.errors.httpStatus(response.status),
        fields: body.error.fields ?? {},
        requestId: body.request_id ?? response.headers.get('X-Request-Id'),
        retryAfterSeconds,
        details: body.error.details ?? null,
      });
    }
    return new ApiError({
      status: response.status,
      code: `http_${response.status}`,
      message: t.errors.httpStatus(response.status),
      requestId: response.headers.get('X-Request-Id'),
      retryAfterSeconds,
    });
  }
}

export const isApiError = (error: unknown): error is ApiError => error instanceof ApiError;

function isApiErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const error = (value as { error?: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

const sessionExpiredError = (requestId: string | null = null) =>
  new ApiError({ status: 401, code: 'session_expired', message: t.errors.sessionExpired, requestId });

/** The request was meant for another user's session (a driver's queued action while someone else is signed in). */
const otherUserError = () => new ApiError({ status: 401, code: 'session_other_user', message: t.errors.sessionExpired });

const networkError = () => new ApiError({ status: 0, code: 'network_error', message: t.errors.network });

type QueryValue = string | number | boolean | null | undefined;

export type RequestOptions = {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Serialised as JSON. */
  body?: unknown;
  /** Sent as is instead of a JSON `body` (e.g. a CSV file), with its content type. */
  rawBody?: { data: string | Blob; contentType: string };
  /** Appended to the URL; null/undefined values are skipped. */
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Send the realm's access token, getting one from the refresh cookie when needed (default true). */
  auth?: boolean;
  /**
   * Only send the request with this user's session: when the realm's session
   * belongs to someone else (or there is none) it fails with a 401
   * (`session_other_user` / `session_expired`) without reaching the API.
   */
  asUser?: string;
  /** Non-2xx statuses whose body is a normal answer (e.g. 503 from /api/health). */
  acceptStatus?: readonly number[];
};

type BodylessOptions = Omit<RequestOptions, 'method' | 'body'>;

export type ApiClientOptions = {
  realm: Realm;
  /** '' for same origin. */
  baseUrl?: string;
  /** Injected in tests; defaults to localStorage (only the sign-out-pending marker is kept there). */
  storage?: StorageLike | null;
  /** Injected in tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /**
   * Told whether each request reached the API (any HTTP response) or not (the
   * fetch rejected); defaults to the app's shared `connectivity`.
   */
  connectivity?: ConnectivityReporter;
  /** Injected in tests; defaults to `navigator.locks` where it exists. */
  locks?: Pick<LockManager, 'request'> | null;
};

export type ApiClient = {
  readonly realm: Realm;
  request<T>(path: string, options?: RequestOptions): Promise<T>;
  get<T>(path: string, options?: BodylessOptions): Promise<T>;
  post<T>(path: string, body?: unknown, options?: BodylessOptions): Promise<T>;
  patch<T>(path: string, body?: unknown, options?: BodylessOptions): Promise<T>;
  delete<T>(path: string, options?: BodylessOptions): Promise<T>;
  /** This realm's session in this tab (memory only). */
  session: {
    get(): Session | null;
    state: () => SessionState;
    /** Re-renders: called whenever `state()` or the session changes. */
    subscribe: (listener: () => void) => () => void;
    /** Keeps the access token of a login/confirm answer (its refresh cookie is already set). */
    set(response: SessionResponse): void;
    /**
     * Gets an access token from the refresh cookie (app start, reload). Resolves
     * to the session, or null when there is none (401). A network failure or
     * 5xx rejects and leaves the state `unverified`.
     */
    restore(): Promise<Session | null>;
    /**
     * Ends the session on the server (`POST /api/auth/logout` with its bearer
     * token) and forgets it here, whatever the outcome. When the server could
     * not be told, the next start ends it before anything else.
     */
    signOut(): Promise<void>;
    /** Forgets the session locally without telling the server or the listeners. */
    clear(): void;
  };
  /**
   * Called once when the session ends while in use (refresh rejected, or a
   * fresh token refused too). The token is already forgotten by then; the
   * listener asks the user to sign in again. Returns an unsubscribe function.
   */
  onSessionExpired(listener: () => void): () => void;
};

/**
 * Fetch wrapper for one realm (ops console or driver app):
 * - attaches the realm's bearer token, kept in memory only; without one (after
 *   a reload) it first gets one from the httpOnly refresh cookie;
 * - on 401 refreshes once (`POST /api/auth/refresh {realm}`) — concurrent
 *   failures share a single in-flight refresh, serialised across tabs with the
 *   Web Locks API so each tab presents the latest rotated cookie — and retries
 *   the original request once with the new token;
 * - when the refresh is rejected, forgets the token and notifies
 *   `onSessionExpired` listeners; network/5xx failures of the refresh keep the
 *   session so that a retry can succeed later;
 * - turns every failure into an `ApiError`.
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const { realm } = options;
  const baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
  const tokens: TokenStore = createTokenStore();
  const storage = options.storage !== undefined ? options.storage : defaultStorage();
  const doFetch: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const reachability: ConnectivityReporter = options.connectivity ?? sharedConnectivity;
  const locks = options.locks !== undefined ? options.locks : typeof navigator !== 'undefined' ? (navigator.locks ?? null) : null;
  const expiredListeners = new Set<() => void>();
  const stateListeners = new Set<() => void>();
  let state: SessionState = 'unknown';
  let refreshInFlight: Promise<Session | null> | null = null;

  function setState(next: SessionState) {
    state = next;
    for (const listener of [...stateListeners]) listener();
  }

  function buildUrl(path: string, query?: Record<string, QueryValue>): string {
    let url = `${baseUrl}${path}`;
    if (query) {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) {
        if (value !== null && value !== undefined) params.set(key, String(value));
      }
      const search = params.toString();
      if (search) url += `${url.includes('?') ? '&' : '?'}${search}`;
    }
    return url;
  }

  async function send(path: string, init: RequestOptions, accessToken: string | null): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', ...init.headers };
    let body: string | Blob | undefined;
    if (init.rawBody) {
      headers['Content-Type'] = init.rawBody.contentType;
      body = init.rawBody.data;
    } else if (init.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(init.body);
    }
    if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
    let response: Response;
    try {
      response = await doFetch(buildUrl(path, init.query), {
        method: init.method ?? 'GET',
        headers,
        body,
        signal: init.signal,
        // The refresh cookie is same-origin (path /api/auth/refresh, SameSite=Strict).
        credentials: 'same-origin',
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      // A request its caller gave up on says nothing about the network.
      if (!init.signal?.aborted) reachability.reportUnreachable();
      throw networkError();
    }
    reachability.reportReachable();
    return response;
  }

  function readPendingSignOut(): boolean {
    try {
      return storage?.getItem(signOutPendingKey(realm)) === '1';
    } catch {
      return false;
    }
  }

  function writePendingSignOut(pending: boolean) {
    try {
      if (pending) storage?.setItem(signOutPendingKey(realm), '1');
      else storage?.removeItem(signOutPendingKey(realm));
    } catch {
      // Without storage a sign-out the server missed cannot be finished later.
    }
  }

  /** Forgets the session and, when it was in use, tells the listeners (once). */
  function expireSession() {
    const wasInUse = state === 'active' || state === 'unverified';
    tokens.clear();
    setState('none');
    if (wasInUse) for (const listener of [...expiredListeners]) listener();
  }

  function keep(response: SessionResponse) {
    tokens.set({ accessToken: response.access_token, userId: response.user.id });
    setState('active');
  }

  async function postLogout(accessToken: string): Promise<Response> {
    return send(LOGOUT_PATH, { method: 'POST' }, accessToken);
  }

  /** One refresh call (inside the cross-tab lock). */
  async function performRefresh(staleAccessToken: string | null): Promise<Session | null> {
    const current = tokens.get();
    // An earlier refresh in this tab already replaced the token this caller had.
    if (current && current.accessToken !== staleAccessToken) return current;
    const response = await send(REFRESH_PATH, { method: 'POST', body: { realm } satisfies RefreshRequest }, null);
    if (!response.ok) {
      const error = await ApiError.fromResponse(response);
      // 4xx other than rate limiting: there is no session behind the cookie any more.
      if (response.status >= 400 && response.status < 500 && response.status !== 429) {
        expireSession();
        return null;
      }
      throw error;
    }
    const body = (await response.json()) as SessionResponse;
    if (readPendingSignOut()) {
      // Signed out while offline: end that session now instead of resuming it.
      const logout = await postLogout(body.access_token).catch(() => null);
      if (logout) writePendingSignOut(false);
      tokens.clear();
      setState('none');
      return null;
    }
    // The cookie now belongs to another user (signed in in another tab): this tab's session is over.
    if (current && current.userId !== body.user.id) {
      expireSession();
      return null;
    }
    keep(body);
    return tokens.get();
  }

  /** Serialises refreshes across tabs where the Web Locks API exists. */
  function withCrossTabLock<T>(task: () => Promise<T>): Promise<T> {
    if (!locks) return task();
    return new Promise<T>((resolve, reject) => {
      // The lock is held until the task settles.
      locks.request(`cargoflow.${realm}.refresh`, () => task().then(resolve, reject)).catch(reject);
    });
  }

  /** The single in-flight refresh of this tab; resolves to null when the session is over. */
  function refresh(staleAccessToken: string | null): Promise<Session | null> {
    // Every 401 that arrives while a refresh is running waits for that refresh.
    if (refreshInFlight) return refreshInFlight;
    const current = tokens.get();
    // The token was replaced after this request was sent: just use the new one.
    if (current && current.accessToken !== staleAccessToken) return Promise.resolve(current);
    refreshInFlight = withCrossTabLock(() => performRefresh(staleAccessToken))
      .catch((error: unknown) => {
        // Could not ask (offline, 5xx): the session may well still be there.
        if (state === 'unknown') setState('unverified');
        throw error;
      })
      .finally(() => {
        refreshInFlight = null;
      });
    return refreshInFlight;
  }

  /** The access token to send, getting one from the refresh cookie when this tab has none. */
  async function currentToken(asUser: string | undefined): Promise<string> {
    let session = tokens.get();
    if (!session) {
      if (state === 'none') throw sessionExpiredError();
      session = await refresh(null);
      if (!session) throw sessionExpiredError();
    }
    if (asUser !== undefined && session.userId !== asUser) throw otherUserError();
    return session.accessToken;
  }

  async function parseBody<T>(response: Response): Promise<T> {
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async function request<T>(path: string, init: RequestOptions = {}): Promise<T> {
    const useAuth = init.auth !== false;
    const accessToken = useAuth ? await currentToken(init.asUser) : null;
    let response = await send(path, init, accessToken);

    if (response.status === 401 && accessToken) {
      const fresh = await refresh(accessToken);
      if (!fresh) throw sessionExpiredError();
      if (init.asUser !== undefined && fresh.userId !== init.asUser) throw otherUserError();
      response = await send(path, init, fresh.accessToken);
      if (response.status === 401) {
        // A brand-new token was refused too: the account was deactivated or
        // demoted, or the session revoked server-side. Nothing else to try.
        const error = await ApiError.fromResponse(response);
        expireSession();
        throw sessionExpiredError(error.requestId);
      }
    }

    if (!response.ok && !init.acceptStatus?.includes(response.status)) throw await ApiError.fromResponse(response);
    return parseBody<T>(response);
  }

  async function signOut(): Promise<void> {
    let told = false;
    try {
      let token = tokens.get()?.accessToken ?? null;
      if (!token && state !== 'none') token = (await refresh(null))?.accessToken ?? null;
      if (token) {
        const response = await postLogout(token);
        // 401: that session is already over, which is what we wanted.
        told = response.ok || response.status === 401;
      } else {
        told = true;
      }
    } catch {
      told = false;
    } finally {
      writePendingSignOut(!told);
      tokens.clear();
      setState('none');
    }
  }

  return {
    realm,
    request,
    get: (path, opts) => request(path, { ...opts, method: 'GET' }),
    post: (path, body, opts) => request(path, { ...opts, method: 'POST', body }),
    patch: (path, body, opts) => request(path, { ...opts, method: 'PATCH', body }),
    delete: (path, opts) => request(path, { ...opts, method: 'DELETE' }),
    session: {
      get: () => tokens.get(),
      state: () => state,
      subscribe(listener) {
        stateListeners.add(listener);
        return () => {
          stateListeners.delete(listener);
        };
      },
      set(response) {
        // A new sign-in replaced the refresh cookie: an earlier sign-out can no longer be finished.
        writePendingSignOut(false);
        keep(response);
      },
      restore: () => refresh(tokens.get()?.accessToken ?? null),
      signOut,
      clear() {
        tokens.clear();
        setState('none');
      },
    },
    onSessionExpired(listener) {
      expiredListeners.add(listener);
      return () => {
        expiredListeners.delete(listener);
      };
    },
  };
}

/**
 * The same client, but every call only goes out with `userId`'s session (see
 * `RequestOptions.asUser`): a driver's queued action is never sent with
 * another driver's token.
 */
export function scopedToUser(api: ApiClient, userId: string): ApiClient {
  return {
    ...api,
    request: (path, options) => api.request(path, { ...options, asUser: userId }),
    get: (path, options) => api.get(path, { ...options, asUser: userId }),
    post: (path, body, options) => api.post(path, body, { ...options, asUser: userId }),
    patch: (path, body, options) => api.patch(path, body, { ...options, asUser: userId }),
    delete: (path, options) => api.delete(path, { ...options, asUser: userId }),
  };
}

removeLegacySessionKeys();

/** One client per realm, shared by the whole app. */
export const apiClients: Record<Realm, ApiClient> = {
  ops: createApiClient({ realm: 'ops', baseUrl: env.API_BASE_URL }),
  driver: createApiClient({ realm: 'driver', baseUrl: env.API_BASE_URL }),
};
