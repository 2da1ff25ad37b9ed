import { env } from '@/config/env';
import { t } from '@/locales';
import type { ApiErrorBody, TokenResponse } from '@/types/api';

import { connectivity as sharedConnectivity, type ConnectivityReporter } from './connectivity';
import { createTokenStore, type Realm, type StorageLike, type TokenPair, type TokenStore } from './token-store';

export type { Realm, TokenPair } from './token-store';

const REFRESH_PATH = '/api/auth/refresh';

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
  /** Send the realm's access token and refresh it on 401 (default true). */
  auth?: boolean;
  /** Non-2xx statuses whose body is a normal answer (e.g. 503 from /api/health). */
  acceptStatus?: readonly number[];
};

type BodylessOptions = Omit<RequestOptions, 'method' | 'body'>;

export type ApiClientOptions = {
  realm: Realm;
  /** '' for same origin. */
  baseUrl?: string;
  /** Injected in tests; defaults to localStorage. */
  storage?: StorageLike | null;
  /** Injected in tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /**
   * Told whether each request reached the API (any HTTP response) or not (the
   * fetch rejected); defaults to the app's shared `connectivity`.
   */
  connectivity?: ConnectivityReporter;
};

export type ApiClient = {
  readonly realm: Realm;
  request<T>(path: string, options?: RequestOptions): Promise<T>;
  get<T>(path: string, options?: BodylessOptions): Promise<T>;
  post<T>(path: string, body?: unknown, options?: BodylessOptions): Promise<T>;
  patch<T>(path: string, body?: unknown, options?: BodylessOptions): Promise<T>;
  delete<T>(path: string, options?: BodylessOptions): Promise<T>;
  /** The stored session of this realm. */
  session: {
    get(): TokenPair | null;
    /** Stores the tokens of a login/register/refresh response. */
    set(tokens: Pick<TokenResponse, 'access_token' | 'refresh_token'>): void;
    /** Forgets the tokens locally without telling listeners (used for a deliberate logout). */
    clear(): void;
  };
  /**
   * Called once when the session can no longer be used (refresh rejected or
   * the refreshed token is refused). Tokens are already cleared by then; the
   * listener redirects to the realm's login page. Returns an unsubscribe function.
   */
  onSessionExpired(listener: () => void): () => void;
};

/**
 * Fetch wrapper for one realm (ops console or driver app):
 * - attaches the realm's bearer token;
 * - on 401 refreshes once — concurrent failures share a single in-flight
 *   refresh — and retries the original request once with the new token;
 * - when the refresh is rejected, clears the tokens and notifies
 *   `onSessionExpired` listeners; network/5xx failures of the refresh keep the
 *   session so that a retry can succeed later;
 * - turns every failure into an `ApiError`.
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const { realm } = options;
  const baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
  const tokens: TokenStore = createTokenStore(realm, options.storage);
  const doFetch: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const reachability: ConnectivityReporter = options.connectivity ?? sharedConnectivity;
  const listeners = new Set<() => void>();
  let refreshInFlight: Promise<string> | null = null;

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

  /** Clears the session and notifies listeners, at most once per session. */
  function expireSession() {
    if (!tokens.get()) return;
    tokens.clear();
    for (const listener of [...listeners]) listener();
  }

  async function performRefresh(staleAccessToken: string): Promise<string> {
    const current = tokens.get();
    if (!current) throw sessionExpiredError();
    // Another tab (or an earlier refresh in this one) already rotated the tokens.
    if (current.accessToken !== staleAccessToken) return current.accessToken;

    const response = await send(
      REFRESH_PATH,
      { method: 'POST', body: { refresh_token: current.refreshToken } },
      null,
    );
    if (!response.ok) {
      const error = await ApiError.fromResponse(response);
      // 4xx other than rate limiting means the refresh token is no good any more.
      if (response.status >= 400 && response.status < 500 && response.status !== 429) {
        expireSession();
        throw sessionExpiredError(error.requestId);
      }
      throw error;
    }
    const body = (await response.json()) as TokenResponse;
    tokens.set({ accessToken: body.access_token, refreshToken: body.refresh_token });
    return body.access_token;
  }

  /** Serialises refreshes across tabs where the Web Locks API exists. */
  function withCrossTabLock<T>(task: () => Promise<T>): Promise<T> {
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    if (!locks) return task();
    return new Promise<T>((resolve, reject) => {
      // The lock is held until the task settles.
      locks.request(`cargoflow.${realm}.refresh`, () => task().then(resolve, reject)).catch(reject);
    });
  }

  function refreshAccessToken(staleAccessToken: string): Promise<string> {
    // Every 401 that arrives while a refresh is running waits for that refresh.
    if (refreshInFlight) return refreshInFlight;
    const current = tokens.get();
    if (!current) return Promise.reject(sessionExpiredError());
    // The tokens were rotated after this request was sent: just use the new ones.
    if (current.accessToken !== staleAccessToken) return Promise.resolve(current.accessToken);
    refreshInFlight = withCrossTabLock(() => performRefresh(staleAccessToken)).finally(() => {
      refreshInFlight = null;
    });
    return refreshInFlight;
  }

  async function parseBody<T>(response: Response): Promise<T> {
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async function request<T>(path: string, init: RequestOptions = {}): Promise<T> {
    const useAuth = init.auth !== false;
    const accessToken = useAuth ? (tokens.get()?.accessToken ?? null) : null;
    let response = await send(path, init, accessToken);

    if (response.status === 401 && accessToken) {
      const freshToken = await refreshAccessToken(accessToken);
      response = await send(path, init, freshToken);
      if (response.status === 401) {
        // A brand-new token was refused too: the account was deactivated or the
        // session revoked server-side. Nothing else to try.
        const error = await ApiError.fromResponse(response);
        expireSession();
        throw sessionExpiredError(error.requestId);
      }
    }

    if (!response.ok && !init.acceptStatus?.includes(response.status)) throw await ApiError.fromResponse(response);
    return parseBody<T>(response);
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
      set: (response) => tokens.set({ accessToken: response.access_token, refreshToken: response.refresh_token }),
      clear: () => tokens.clear(),
    },
    onSessionExpired(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

/** One client per realm, shared by the whole app. */
export const apiClients: Record<Realm, ApiClient> = {
  ops: createApiClient({ realm: 'ops', baseUrl: env.API_BASE_URL }),
  driver: createApiClient({ realm: 'driver', baseUrl: env.API_BASE_URL }),
};
