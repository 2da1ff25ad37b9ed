import { describe, expect, it, vi } from 'vitest';

import { ApiError, createApiClient, parseRetryAfter, scopedToUser, signOutPendingKey } from './api-client';
import { legacyTokenStorageKey, removeLegacySessionKeys, type StorageLike } from './token-store';

function memoryStorage(): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

const errorBody = (code: string, message: string, fields?: Record<string, string>) => ({
  error: { code, message, ...(fields ? { fields } : {}) },
  request_id: 'req-123',
});

const tokenResponse = (access: string, userId = 'u1') => ({
  access_token: access,
  token_type: 'Bearer',
  expires_in: 900,
  user: {
    id: userId,
    email: 'a@example.com',
    full_name: 'Ada',
    role: 'OPS_ADMIN' as const,
    is_active: true,
    driver_id: null,
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
    version: 1,
  },
  tenant: { id: 't1', name: 'Acme', slug: 'acme' },
});

const deferred = <T>() => {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
};

type Call = { url: string; method: string; auth: string | null; body: unknown; credentials: RequestCredentials | undefined };

/**
 * A fake backend: protected routes accept only `validToken`; the refresh
 * endpoint answers with whatever `onRefresh` returns; logout answers 204.
 */
function fakeServer(opts: {
  validToken: string;
  onRefresh: (body: unknown) => Promise<Response> | Response;
  /** Lets a test hold back the response to a protected call. */
  hold?: (call: Call) => Promise<void> | undefined;
}) {
  const calls: Call[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    const headers = new Headers(init?.headers);
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const call: Call = { url, method: init?.method ?? 'GET', auth: headers.get('Authorization'), body, credentials: init?.credentials };
    calls.push(call);
    if (url.endsWith('/api/auth/refresh')) return opts.onRefresh(body);
    if (url.endsWith('/api/auth/logout')) return new Response(null, { status: 204 });
    await opts.hold?.(call);
    if (call.auth !== `Bearer ${opts.validToken}`) return json(401, errorBody('unauthorized', 'Token expired'));
    return json(200, { url, ok: true });
  });
  return { fetchMock, calls };
}

/** A client signed in as u1 with `old-access` (as after a login in this tab). */
function setup(opts: Parameters<typeof fakeServer>[0], { signedIn = true } = {}) {
  const storage = memoryStorage();
  const server = fakeServer(opts);
  const client = createApiClient({ realm: 'ops', baseUrl: 'http://api.test', storage, fetch: server.fetchMock, locks: null });
  if (signedIn) client.session.set(tokenResponse('old-access'));
  const onExpired = vi.fn();
  client.onSessionExpired(onExpired);
  return { ...server, storage, client, onExpired };
}

/** An ops client signed in with `old-access`, over any fetch. */
function signedInClient(fetchMock: typeof fetch) {
  const client = createApiClient({ realm: 'ops', storage: memoryStorage(), fetch: fetchMock, locks: null });
  client.session.set(tokenResponse('old-access'));
  return client;
}

const refreshCalls = (calls: Call[]) => calls.filter((c) => c.url.endsWith('/api/auth/refresh'));

describe('api client: authentication', () => {
  it('attaches the access token of its realm', async () => {
    const { client, calls } = setup({ validToken: 'old-access', onRefresh: () => json(500, {}) });
    await client.get('/api/ops/drivers', { query: { limit: 50, cursor: null } });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.auth).toBe('Bearer old-access');
    expect(calls[0]?.url).toBe('http://api.test/api/ops/drivers?limit=50');
  });

  it('does not send a token when auth is disabled', async () => {
    const { client, calls } = setup({ validToken: 'x', onRefresh: () => json(500, {}) });
    await expect(client.post('/api/auth/login', { email: 'a', password: 'b' }, { auth: false })).rejects.toThrow();
    expect(calls[0]?.auth).toBeNull();
    // A 401 on an unauthenticated call (e.g. wrong password) never triggers a refresh.
    expect(refreshCalls(calls)).toHaveLength(0);
  });
});

describe('api client: the session lives in memory, the refresh token in an httpOnly cookie', () => {
  it('never writes a token to storage, and removes the tokens earlier versions kept there', async () => {
    const storage = memoryStorage();
    storage.setItem(legacyTokenStorageKey('ops'), JSON.stringify({ accessToken: 'a', refreshToken: 'old-30-day-token' }));
    storage.setItem(legacyTokenStorageKey('driver'), JSON.stringify({ accessToken: 'b', refreshToken: 'c' }));
    storage.setItem('cargoflow.cache.driver.me', '{}');
    removeLegacySessionKeys(storage);
    expect([...storage.data.keys()]).toEqual(['cargoflow.cache.driver.me']);

    const { fetchMock } = fakeServer({ validToken: 'new-access', onRefresh: () => json(200, tokenResponse('new-access')) });
    const client = createApiClient({ realm: 'ops', storage, fetch: fetchMock, locks: null });
    client.session.set(tokenResponse('old-access'));
    await client.get('/api/ops/users');
    expect([...storage.data.values()].join()).not.toMatch(/access/);
    expect(client.session.get()).toEqual({ accessToken: 'new-access', userId: 'u1' });
  });

  it('on app start gets an access token from the refresh cookie before the first call', async () => {
    const { client, calls, onExpired } = setup(
      { validToken: 'new-access', onRefresh: () => json(200, tokenResponse('new-access')) },
      { signedIn: false },
    );
    expect(client.session.state()).toBe('unknown');
    await expect(client.get('/api/ops/users')).resolves.toMatchObject({ ok: true });
    expect(calls.map((c) => [c.url.replace('http://api.test', ''), c.auth])).toEqual([
      ['/api/auth/refresh', null],
      ['/api/ops/users', 'Bearer new-access'],
    ]);
    // The cookie is same-origin; the body names the realm whose cookie to use.
    expect(refreshCalls(calls)[0]).toMatchObject({ method: 'POST', body: { realm: 'ops' }, credentials: 'same-origin' });
    expect(client.session.state()).toBe('active');
    expect(onExpired).not.toHaveBeenCalled();
  });

  it('restore: no session behind the cookie (401) is "none", quietly; later calls fail without asking again', async () => {
    const { client, calls, onExpired } = setup(
      { validToken: 'x', onRefresh: () => json(401, errorBody('invalid_refresh_token', 'No session')) },
      { signedIn: false },
    );
    await expect(client.session.restore()).resolves.toBeNull();
    expect(client.session.state()).toBe('none');
    // Nobody was signed in: nothing "expired".
    expect(onExpired).not.toHaveBeenCalled();
    await expect(client.get('/api/ops/users')).rejects.toMatchObject({ status: 401, code: 'session_expired' });
    expect(calls).toHaveLength(1);
  });

  it('restore offline leaves the session unverified; back online it is checked again and can end', async () => {
    let online = false;
    let sessionOver = false;
    const { client, onExpired } = setup(
      {
        validToken: 'new-access',
        onRefresh: () => {
          if (!online) throw new TypeError('Failed to fetch');
          return sessionOver ? json(401, errorBody('invalid_refresh_token', 'Revoked')) : json(200, tokenResponse('new-access'));
        },
      },
      { signedIn: false },
    );
    await expect(client.session.restore()).rejects.toMatchObject({ status: 0, code: 'network_error' });
    expect(client.session.state()).toBe('unverified');
    online = true;
    sessionOver = true;
    // The driver app opened from its offline copy; now the session turns out to be over: ask to sign in.
    await expect(client.get('/api/driver/routes/today')).rejects.toMatchObject({ code: 'session_expired' });
    expect(client.session.state()).toBe('none');
    expect(onExpired).toHaveBeenCalledTimes(1);
  });

  it('serialises the refresh across tabs with a Web Lock named after the realm', async () => {
    const names: string[] = [];
    const locks = {
      request: vi.fn((name: string, callback: () => Promise<unknown>) => {
        names.push(name);
        return callback();
      }),
    } as unknown as Pick<LockManager, 'request'>;
    const { fetchMock, calls } = fakeServer({ validToken: 'new-access', onRefresh: () => json(200, tokenResponse('new-access')) });
    const client = createApiClient({ realm: 'driver', storage: memoryStorage(), fetch: fetchMock, locks });
    await client.get('/api/driver/routes/today');
    expect(names).toEqual(['cargoflow.driver.refresh']);
    expect(refreshCalls(calls)[0]?.body).toEqual({ realm: 'driver' });
  });
});

describe('api client: refresh on 401', () => {
  it('refreshes exactly once for concurrent 401s and retries each request with the new token', async () => {
    const gate = deferred<void>();
    const { client, calls, onExpired } = setup({
      validToken: 'new-access',
      onRefresh: async () => {
        await gate.promise; // hold the refresh open until every request has failed
        return json(200, tokenResponse('new-access'));
      },
    });

    const requests = Promise.all([
      client.get<{ url: string }>('/api/ops/users'),
      client.get<{ url: string }>('/api/ops/drivers'),
      client.get<{ url: string }>('/api/ops/vehicles'),
    ]);
    await vi.waitFor(() => expect(refreshCalls(calls)).toHaveLength(1));
    gate.resolve();
    const results = await requests;

    expect(results.map((r) => r.url)).toEqual([
      'http://api.test/api/ops/users',
      'http://api.test/api/ops/drivers',
      'http://api.test/api/ops/vehicles',
    ]);
    expect(refreshCalls(calls)).toHaveLength(1);
    expect(refreshCalls(calls)[0]?.body).toEqual({ realm: 'ops' });
    expect(refreshCalls(calls)[0]?.auth).toBeNull();

    // 3 failed originals + 1 refresh + 3 retries, and every retry carries the new token.
    expect(calls).toHaveLength(7);
    const retries = calls.slice(4);
    expect(retries.map((c) => c.auth)).toEqual(['Bearer new-access', 'Bearer new-access', 'Bearer new-access']);
    expect(client.session.get()).toEqual({ accessToken: 'new-access', userId: 'u1' });
    expect(onExpired).not.toHaveBeenCalled();
  });

  it('does not refresh again for a 401 that arrives after the token was already replaced', async () => {
    const slowResponse = deferred<void>();
    const { client, calls } = setup({
      validToken: 'new-access',
      onRefresh: () => json(200, tokenResponse('new-access')),
      hold: (call) => (call.url.endsWith('/slow') && call.auth === 'Bearer old-access' ? slowResponse.promise : undefined),
    });

    // Sent with the old token; its 401 comes back only after another request refreshed.
    const slow = client.get('/api/ops/slow');
    await client.get('/api/ops/fast');
    expect(refreshCalls(calls)).toHaveLength(1);

    slowResponse.resolve();
    await expect(slow).resolves.toMatchObject({ ok: true });
    expect(refreshCalls(calls)).toHaveLength(1);
    expect(calls.at(-1)).toMatchObject({ url: 'http://api.test/api/ops/slow', auth: 'Bearer new-access' });
  });

  it('makes a stale 401 wait for the refresh in flight', async () => {
    const slowResponse = deferred<void>();
    const refreshGate = deferred<void>();
    const { client, calls, onExpired } = setup({
      validToken: 'new-access',
      onRefresh: async () => {
        await refreshGate.promise;
        return json(200, tokenResponse('new-access'));
      },
      hold: (call) => (call.url.endsWith('/slow') && call.auth === 'Bearer old-access' ? slowResponse.promise : undefined),
    });

    const slow = client.get('/api/ops/slow'); // sent with old-access, held
    const fast = client.get('/api/ops/fast'); // 401 -> refresh starts, held open
    await vi.waitFor(() => expect(refreshCalls(calls)).toHaveLength(1));
    slowResponse.resolve(); // its 401 arrives during the refresh
    await new Promise((resolve) => setTimeout(resolve, 10));
    refreshGate.resolve();

    await expect(Promise.all([slow, fast])).resolves.toHaveLength(2);
    expect(refreshCalls(calls)).toHaveLength(1);
    expect(calls.filter((c) => c.url.endsWith('/slow')).map((c) => c.auth)).toEqual(['Bearer old-access', 'Bearer new-access']);
    expect(onExpired).not.toHaveBeenCalled();
  });

  it('ends the session when the refresh is rejected: forgets the token, notifies once, rejects every caller', async () => {
    const { client, calls, onExpired } = setup({
      validToken: 'never-valid',
      onRefresh: () => json(401, errorBody('invalid_refresh_token', 'Refresh token revoked')),
    });

    const results = await Promise.allSettled([client.get('/api/ops/users'), client.get('/api/ops/drivers')]);

    for (const result of results) {
      expect(result.status).toBe('rejected');
      const reason = (result as PromiseRejectedResult).reason as ApiError;
      expect(reason).toBeInstanceOf(ApiError);
      expect(reason.code).toBe('session_expired');
      expect(reason.status).toBe(401);
    }
    expect(refreshCalls(calls)).toHaveLength(1);
    expect(client.session.get()).toBeNull();
    expect(client.session.state()).toBe('none');
    expect(onExpired).toHaveBeenCalledTimes(1);
  });

  it('ends the session when the refreshed token is refused as well (deactivated, demoted), without looping', async () => {
    const { client, calls, onExpired } = setup({
      validToken: 'never-valid',
      onRefresh: () => json(200, tokenResponse('new-access')),
    });
    await expect(client.get('/api/ops/users')).rejects.toMatchObject({ code: 'session_expired' });
    expect(calls.map((c) => c.auth)).toEqual(['Bearer old-access', null, 'Bearer new-access']);
    expect(client.session.get()).toBeNull();
    expect(onExpired).toHaveBeenCalledTimes(1);
  });

  it('keeps the session when the refresh fails for a transient reason (5xx / network)', async () => {
    let attempt = 0;
    const { client, onExpired } = setup({
      validToken: 'new-access',
      onRefresh: () => {
        attempt += 1;
        if (attempt === 1) return json(503, errorBody('unavailable', 'Service unavailable'));
        if (attempt === 2) throw new TypeError('Failed to fetch');
        return json(200, tokenResponse('new-access'));
      },
    });

    await expect(client.get('/api/ops/users')).rejects.toMatchObject({ status: 503, code: 'unavailable' });
    await expect(client.get('/api/ops/users')).rejects.toMatchObject({ status: 0, code: 'network_error' });
    expect(client.session.get()).toEqual({ accessToken: 'old-access', userId: 'u1' });
    expect(onExpired).not.toHaveBeenCalled();

    await expect(client.get('/api/ops/users')).resolves.toMatchObject({ ok: true });
    expect(client.session.get()?.accessToken).toBe('new-access');
  });

  it('keeps ops and driver sessions apart', () => {
    const fetchMock = vi.fn(async () => json(200, {}));
    const ops = createApiClient({ realm: 'ops', storage: memoryStorage(), fetch: fetchMock });
    const driver = createApiClient({ realm: 'driver', storage: memoryStorage(), fetch: fetchMock });
    ops.session.set(tokenResponse('ops-a', 'u-ops'));
    driver.session.set(tokenResponse('drv-a', 'u-drv'));
    ops.session.clear();
    expect(ops.session.get()).toBeNull();
    expect(driver.session.get()).toEqual({ accessToken: 'drv-a', userId: 'u-drv' });
  });
});

describe('api client: requests for one user only (asUser)', () => {
  it('refuses to send another user’s request with this session, without calling the API', async () => {
    const { client, calls } = setup({ validToken: 'old-access', onRefresh: () => json(500, {}) });
    await expect(client.post('/api/driver/orders/O1/status', {}, { asUser: 'someone-else' })).rejects.toMatchObject({
      status: 401,
      code: 'session_other_user',
    });
    expect(calls).toHaveLength(0);
    await expect(client.get('/api/ops/users', { asUser: 'u1' })).resolves.toMatchObject({ ok: true });
    expect(scopedToUser(client, 'someone-else').realm).toBe('ops');
    await expect(scopedToUser(client, 'someone-else').get('/api/ops/users')).rejects.toMatchObject({ code: 'session_other_user' });
    expect(calls).toHaveLength(1);
  });

  it('ends this tab’s session when the refresh cookie turns out to belong to another user', async () => {
    const { client, calls, onExpired } = setup({ validToken: 'new-access', onRefresh: () => json(200, tokenResponse('new-access', 'u2')) });
    await expect(client.get('/api/ops/users', { asUser: 'u1' })).rejects.toMatchObject({ code: 'session_expired' });
    expect(calls.filter((c) => c.auth === 'Bearer new-access')).toHaveLength(0);
    expect(onExpired).toHaveBeenCalledTimes(1);
  });
});

describe('api client: sign out', () => {
  it('ends the session with POST /api/auth/logout (bearer, no body) and forgets it', async () => {
    const { client, calls, storage } = setup({ validToken: 'old-access', onRefresh: () => json(500, {}) });
    await client.session.signOut();
    expect(calls).toEqual([expect.objectContaining({ url: 'http://api.test/api/auth/logout', method: 'POST', auth: 'Bearer old-access', body: undefined })]);
    expect(client.session.get()).toBeNull();
    expect(client.session.state()).toBe('none');
    expect(storage.getItem(signOutPendingKey('ops'))).toBeNull();
  });

  it('signed out offline: the next start ends that session instead of resuming it', async () => {
    let online = false;
    const storage = memoryStorage();
    const server = fakeServer({ validToken: 'new-access', onRefresh: () => json(200, tokenResponse('new-access')) });
    const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      if (!online) throw new TypeError('Failed to fetch');
      return server.fetchMock(input, init);
    });
    const first = createApiClient({ realm: 'driver', storage, fetch: fetchMock, locks: null });
    first.session.set(tokenResponse('old-access'));
    await first.session.signOut();
    expect(first.session.get()).toBeNull();
    expect(storage.getItem(signOutPendingKey('driver'))).toBe('1');

    // The app starts again (a reload), online: the cookie still holds the session.
    online = true;
    const next = createApiClient({ realm: 'driver', storage, fetch: fetchMock, locks: null });
    await expect(next.session.restore()).resolves.toBeNull();
    expect(next.session.state()).toBe('none');
    expect(server.calls.map((c) => [c.url, c.auth])).toEqual([
      ['/api/auth/refresh', null],
      ['/api/auth/logout', 'Bearer new-access'],
    ]);
    expect(storage.getItem(signOutPendingKey('driver'))).toBeNull();
  });
});

describe('api client: errors', () => {
  it('parses the error envelope into an ApiError', async () => {
    const fetchMock = vi.fn(async () =>
      json(400, errorBody('validation_failed', 'One or more fields are invalid.', { email: 'must be a valid email address' })),
    );
    const client = signedInClient(fetchMock);
    const error = await client.post('/api/ops/users', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'validation_failed',
      message: 'One or more fields are invalid.',
      fields: { email: 'must be a valid email address' },
      requestId: 'req-123',
    });
  });

  it('keeps the machine-readable details of a refused change', async () => {
    const fetchMock = vi.fn(async () =>
      json(409, {
        error: { code: 'invalid_transition', message: 'cannot move', details: { current_status: 'IN_TRANSIT' } },
        request_id: 'req-9',
      }),
    );
    const client = signedInClient(fetchMock);
    await expect(client.post('/api/ops/orders/o1/cancel', { reason: 'x' })).rejects.toMatchObject({
      status: 409,
      code: 'invalid_transition',
      details: { current_status: 'IN_TRANSIT' },
    });
  });

  it('sends a raw body with its own content type instead of JSON', async () => {
    const fetchMock = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => json(200, { ok: true }));
    const client = signedInClient(fetchMock);
    const csv = 'reference_code,customer_name\nCF-1,Ada\n';
    await client.post('/api/ops/orders/import', undefined, {
      rawBody: { data: csv, contentType: 'text/csv' },
      headers: { 'Idempotency-Key': 'k1' },
    });
    const init = fetchMock.mock.calls[0]?.[1];
    const headers = new Headers(init?.headers);
    expect(init?.body).toBe(csv);
    expect(headers.get('Content-Type')).toBe('text/csv');
    expect(headers.get('Idempotency-Key')).toBe('k1');
  });

  it('reads Retry-After on 429', async () => {
    const fetchMock = vi.fn(async () =>
      json(429, errorBody('too_many_requests', 'Too many login attempts'), { 'Retry-After': '30' }),
    );
    const client = signedInClient(fetchMock);
    await expect(client.post('/api/auth/login', {}, { auth: false })).rejects.toMatchObject({
      status: 429,
      code: 'too_many_requests',
      retryAfterSeconds: 30,
    });
  });

  it('copes with a non-JSON error body', async () => {
    const fetchMock = vi.fn(async () => new Response('<html>Bad gateway</html>', { status: 502 }));
    const client = signedInClient(fetchMock);
    await expect(client.get('/api/health')).rejects.toMatchObject({ status: 502, code: 'http_502', fields: {} });
  });

  it('turns a network failure into a network_error ApiError', async () => {
    const fetchMock = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    const client = signedInClient(fetchMock);
    await expect(client.get('/api/health')).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });

  it('treats statuses listed in acceptStatus as answers (health 503)', async () => {
    const body = { status: 'unavailable', checks: { dynamodb: 'unreachable (table cargoflow)' } };
    const fetchMock = vi.fn(async () => json(503, body));
    const client = signedInClient(fetchMock);
    await expect(client.get('/api/health', { auth: false, acceptStatus: [503] })).resolves.toEqual(body);
    await expect(client.get('/api/health', { auth: false })).rejects.toMatchObject({ status: 503, code: 'http_503' });
  });

  it('returns undefined for 204 No Content', async () => {
    const fetchMock = vi.fn(async () => new Response(null, { status: 204 }));
    const client = signedInClient(fetchMock);
    await expect(client.post('/api/auth/logout', { refresh_token: 'r' }, { auth: false })).resolves.toBeUndefined();
  });

  it('parses Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('12')).toBe(12);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
    const now = Date.parse('2024-01-01T00:00:00Z');
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:01:00 GMT', now)).toBe(60);
  });
});

describe('api client: reports whether the API was reached', () => {
  const reporter = () => ({ reportReachable: vi.fn(), reportUnreachable: vi.fn() });

  it('reports a network failure as unreachable', async () => {
    const connectivity = reporter();
    const fetchMock = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    const client = createApiClient({ realm: 'driver', storage: memoryStorage(), fetch: fetchMock, connectivity, locks: null });
    await expect(client.get('/api/driver/routes/today', { auth: false })).rejects.toMatchObject({ status: 0, code: 'network_error' });
    expect(connectivity.reportUnreachable).toHaveBeenCalledTimes(1);
    expect(connectivity.reportReachable).not.toHaveBeenCalled();
  });

  it('reports any HTTP response as reachable, errors included', async () => {
    for (const response of [json(200, { ok: true }), json(404, errorBody('not_found', 'No such order')), new Response('<html>Bad gateway</html>', { status: 502 })]) {
      const connectivity = reporter();
      const client = createApiClient({ realm: 'driver', storage: memoryStorage(), fetch: vi.fn(async () => response), connectivity });
      await client.get('/api/driver/routes/today', { auth: false }).catch(() => undefined);
      expect(connectivity.reportReachable).toHaveBeenCalledTimes(1);
      expect(connectivity.reportUnreachable).not.toHaveBeenCalled();
    }
  });

  it('reports nothing for a request its caller aborted', async () => {
    const connectivity = reporter();
    const controller = new AbortController();
    const fetchMock = vi.fn(async (_input: RequestInfo | URL, init?: RequestInit) => {
      controller.abort();
      throw init?.signal?.reason instanceof Error ? init.signal.reason : new DOMException('The operation was aborted.', 'AbortError');
    });
    const client = createApiClient({ realm: 'driver', storage: memoryStorage(), fetch: fetchMock, connectivity });
    await expect(client.get('/api/driver/routes/today', { signal: controller.signal, auth: false })).rejects.toMatchObject({ name: 'AbortError' });
    expect(connectivity.reportUnreachable).not.toHaveBeenCalled();
    expect(connectivity.reportReachable).not.toHaveBeenCalled();
  });

  it('reports the refresh call too: a 401 then a refresh lost to the network ends unreachable', async () => {
    const connectivity = reporter();
    const storage = memoryStorage();
    const fetchMock = vi.fn(async (input: RequestInfo | URL) => {
      if ((input instanceof Request ? input.url : String(input)).endsWith('/api/auth/refresh')) throw new TypeError('Failed to fetch');
      return json(401, errorBody('unauthorized', 'Token expired'));
    });
    const client = createApiClient({ realm: 'ops', storage, fetch: fetchMock, connectivity, locks: null });
    client.session.set(tokenResponse('old-access'));
    await expect(client.get('/api/ops/orders')).rejects.toMatchObject({ code: 'network_error' });
    expect(connectivity.reportReachable).toHaveBeenCalledTimes(1);
    expect(connectivity.reportUnreachable).toHaveBeenCalledTimes(1);
    expect(connectivity.reportUnreachable.mock.invocationCallOrder[0]).toBeGreaterThan(connectivity.reportReachable.mock.invocationCallOrder[0]!);
    expect(client.session.get()).not.toBeNull();
  });

  it('reports to the shared connectivity by default', async () => {
    const { connectivity } = await import('./connectivity');
    const fetchMock = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    const client = createApiClient({ realm: 'driver', storage: memoryStorage(), fetch: fetchMock });
    await client.get('/api/driver/routes/today', { auth: false }).catch(() => undefined);
    expect(connectivity.isOnline()).toBe(false);
    const ok = createApiClient({ realm: 'driver', storage: memoryStorage(), fetch: vi.fn(async () => json(200, {})) });
    await ok.get('/api/driver/routes/today', { auth: false });
    expect(connectivity.isOnline()).toBe(true);
  });
});
