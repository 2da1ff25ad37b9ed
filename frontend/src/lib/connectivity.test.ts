import { onlineManager, QueryObserver, type QueryObserverResult } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { createApiClient } from './api-client';
import { createConnectivity, type Connectivity, type ConnectivityOptions } from './connectivity';
import { createQueryClient, followConnectivity } from './react-query';

/** A page: window (online/offline events), document (visibility) and navigator.onLine, all under the test's control. */
function fakePage() {
  const win = new EventTarget();
  const doc: EventTarget & { visibilityState: DocumentVisibilityState } = Object.assign(new EventTarget(), {
    visibilityState: 'visible' as const,
  });
  const nav = { onLine: true };
  return {
    options: { window: win, document: doc, navigator: nav } satisfies Partial<ConnectivityOptions>,
    goOffline() {
      nav.onLine = false;
      win.dispatchEvent(new Event('offline'));
    },
    goOnline() {
      nav.onLine = true;
      win.dispatchEvent(new Event('online'));
    },
    setVisible(visible: boolean) {
      doc.visibilityState = visible ? 'visible' : 'hidden';
      doc.dispatchEvent(new Event('visibilitychange'));
    },
    nav,
  };
}

/** A fetch for the probe: fails (network error) until `up` is set. */
function fakeApi() {
  const state = { up: false };
  const fetchMock = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => {
    if (!state.up) throw new TypeError('Failed to fetch');
    return new Response('{"status":"ok"}', { status: 200 });
  });
  return { state, fetchMock };
}

const flushPromises = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

let instances: Connectivity[] = [];
function setup(extra: Partial<ConnectivityOptions> = {}) {
  const page = fakePage();
  const api = fakeApi();
  const connectivity = createConnectivity({ probeUrl: '/api/health', fetch: api.fetchMock, ...page.options, ...extra });
  instances.push(connectivity);
  const changes: boolean[] = [];
  connectivity.subscribe((online) => changes.push(online));
  return { page, api, connectivity, changes };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  for (const instance of instances) instance.dispose();
  instances = [];
  vi.useRealTimers();
});

describe('connectivity: what the API client reports', () => {
  it('starts online when the browser says so, and does not probe before anything failed', async () => {
    const { connectivity, api } = setup();
    expect(connectivity.isOnline()).toBe(true);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(api.fetchMock).not.toHaveBeenCalled();
  });

  it('starts offline when the browser says it is offline', () => {
    const page = fakePage();
    page.nav.onLine = false;
    const connectivity = createConnectivity({ probeUrl: '/api/health', fetch: fakeApi().fetchMock, ...page.options });
    instances.push(connectivity);
    expect(connectivity.isOnline()).toBe(false);
  });

  it('goes offline on a network failure although navigator.onLine is still true, and back online on a response', () => {
    const { connectivity, changes, page } = setup();
    connectivity.reportUnreachable();
    expect(page.nav.onLine).toBe(true);
    expect(connectivity.isOnline()).toBe(false);
    connectivity.reportReachable();
    expect(connectivity.isOnline()).toBe(true);
    expect(changes).toEqual([false, true]);
  });

  it('tells listeners about changes only, and not after they unsubscribed', () => {
    const { connectivity } = setup();
    const listener = vi.fn();
    const unsubscribe = connectivity.subscribe(listener);
    connectivity.reportReachable();
    expect(listener).not.toHaveBeenCalled();
    connectivity.reportUnreachable();
    connectivity.reportUnreachable();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener).toHaveBeenLastCalledWith(false);
    unsubscribe();
    connectivity.reportReachable();
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('follows the browser’s offline and online events', () => {
    const { connectivity, page, changes } = setup();
    page.goOffline();
    expect(connectivity.isOnline()).toBe(false);
    page.goOnline();
    expect(connectivity.isOnline()).toBe(true);
    expect(changes).toEqual([false, true]);
  });

  it('stays offline while the browser says offline, even if a response is reported', () => {
    const { connectivity, page } = setup();
    page.goOffline();
    connectivity.reportReachable();
    expect(connectivity.isOnline()).toBe(false);
  });
});

describe('connectivity: probing while unreachable', () => {
  it('probes GET /api/health every 5 s without the HTTP cache, and stops once it answers', async () => {
    const { connectivity, api, changes } = setup();
    connectivity.reportUnreachable();
    expect(api.fetchMock).not.toHaveBeenCalled();

    await vi.advanceTimersByTimeAsync(5_000);
    expect(api.fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = api.fetchMock.mock.calls[0]!;
    expect(url).toBe('/api/health');
    expect(init).toMatchObject({ method: 'GET', cache: 'no-store' });
    expect(connectivity.isOnline()).toBe(false);

    await vi.advanceTimersByTimeAsync(5_000);
    expect(api.fetchMock).toHaveBeenCalledTimes(2);

    api.state.up = true;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(api.fetchMock).toHaveBeenCalledTimes(3);
    expect(connectivity.isOnline()).toBe(true);
    expect(changes).toEqual([false, true]);

    await vi.advanceTimersByTimeAsync(60_000);
    expect(api.fetchMock).toHaveBeenCalledTimes(3);
  });

  it('counts any HTTP answer as reachable (a 503 from the health check, a 502 from a proxy)', async () => {
    for (const status of [503, 502, 404]) {
      const { connectivity } = setup({ fetch: vi.fn(async () => new Response('down', { status })) });
      connectivity.reportUnreachable();
      await expect(connectivity.probe()).resolves.toBe(true);
      expect(connectivity.isOnline()).toBe(true);
    }
  });

  it('treats a probe that hangs past its timeout as a failure and keeps probing', async () => {
    const hanging = vi.fn(
      (_input: RequestInfo | URL, init?: RequestInit) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    );
    const { connectivity } = setup({ fetch: hanging, probeTimeoutMs: 3_000 });
    connectivity.reportUnreachable();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(hanging).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(connectivity.isOnline()).toBe(false);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(hanging).toHaveBeenCalledTimes(2);
  });

  it('probes at once when the browser says it is back online', async () => {
    const { connectivity, api, page } = setup();
    connectivity.reportUnreachable();
    page.goOffline();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(api.fetchMock).not.toHaveBeenCalled();

    api.state.up = true;
    page.goOnline();
    expect(connectivity.isOnline()).toBe(false);
    expect(api.fetchMock).toHaveBeenCalledTimes(1);
    await flushPromises();
    expect(connectivity.isOnline()).toBe(true);
  });

  it('does not probe while the page is hidden, and probes at once when it is visible again', async () => {
    const { connectivity, api, page } = setup();
    page.setVisible(false);
    connectivity.reportUnreachable();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(api.fetchMock).not.toHaveBeenCalled();

    page.setVisible(true);
    expect(api.fetchMock).toHaveBeenCalledTimes(1);
    await flushPromises();
    expect(connectivity.isOnline()).toBe(false);
    // Still down: the 5 s rhythm goes on while visible.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(api.fetchMock).toHaveBeenCalledTimes(2);
    // Hidden again: the planned probe is dropped.
    page.setVisible(false);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(api.fetchMock).toHaveBeenCalledTimes(2);
  });

  it('runs one probe at a time', async () => {
    const { connectivity, api } = setup();
    connectivity.reportUnreachable();
    api.state.up = true;
    const probes = [connectivity.probe(), connectivity.probe(), connectivity.probe()];
    expect(api.fetchMock).toHaveBeenCalledTimes(1);
    await expect(Promise.all(probes)).resolves.toEqual([true, true, true]);
  });

  it('stops the planned probe when a request gets through first', async () => {
    const { connectivity, api } = setup();
    connectivity.reportUnreachable();
    connectivity.reportReachable();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(api.fetchMock).not.toHaveBeenCalled();
  });

  it('probes nothing by itself outside a page (no document)', async () => {
    const { connectivity, api } = setup({ document: null });
    connectivity.reportUnreachable();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(api.fetchMock).not.toHaveBeenCalled();
  });

  it('stops probing when disposed', async () => {
    const { connectivity, api, page } = setup();
    connectivity.reportUnreachable();
    connectivity.dispose();
    page.goOnline();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(api.fetchMock).not.toHaveBeenCalled();
  });
});

describe('TanStack Query follows connectivity', () => {
  afterEach(() => {
    onlineManager.setEventListener(() => undefined);
    onlineManager.setOnline(true);
  });

  it('pauses while the API is unreachable and resumes when it answers', () => {
    const { connectivity } = setup();
    followConnectivity(connectivity);
    expect(onlineManager.isOnline()).toBe(true);
    connectivity.reportUnreachable();
    expect(onlineManager.isOnline()).toBe(false);
    connectivity.reportReachable();
    expect(onlineManager.isOnline()).toBe(true);
  });

  it('starts from the current state', () => {
    const { connectivity } = setup();
    connectivity.reportUnreachable();
    followConnectivity(connectivity);
    expect(onlineManager.isOnline()).toBe(false);
  });
});

describe('a query while the API cannot be reached (navigator.onLine still true)', () => {
  afterEach(() => {
    onlineManager.setEventListener(() => undefined);
    onlineManager.setOnline(true);
  });

  it('pauses with the data it has instead of failing, and refetches once a probe finds the API back', async () => {
    const { connectivity, api: probe } = setup();
    const queryClient = createQueryClient();
    followConnectivity(connectivity);
    // As QueryClientProvider does: resumes paused queries when back online.
    queryClient.mount();
    let up = false;
    const api = createApiClient({
      realm: 'driver',
      storage: null,
      connectivity,
      fetch: async () => {
        if (!up) throw new TypeError('Failed to fetch');
        return new Response(JSON.stringify({ version: 2 }), { status: 200 });
      },
    });
    // What the driver app had before the reload (offline copy), stale at once.
    queryClient.setQueryData(['driver', 'thing'], { version: 1 }, { updatedAt: 0 });
    const observer = new QueryObserver(queryClient, {
      queryKey: ['driver', 'thing'],
      queryFn: ({ signal }) => api.get<{ version: number }>('/api/thing', { signal, auth: false }),
    });
    const seen: QueryObserverResult[] = [];
    const unsubscribe = observer.subscribe((result) => seen.push(result));

    await vi.advanceTimersByTimeAsync(60_000);
    expect(connectivity.isOnline()).toBe(false);
    const paused = observer.getCurrentResult();
    expect(paused).toMatchObject({ status: 'success', fetchStatus: 'paused', data: { version: 1 } });
    expect(seen.some((result) => result.isError)).toBe(false);

    up = true;
    probe.state.up = true;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(connectivity.isOnline()).toBe(true);
    expect(observer.getCurrentResult()).toMatchObject({ status: 'success', fetchStatus: 'idle', data: { version: 2 } });
    unsubscribe();
    queryClient.unmount();
    queryClient.clear();
  });
});
