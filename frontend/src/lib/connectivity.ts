import { env } from '@/config/env';

/**
 * Whether the app can talk to the API right now.
 *
 * `navigator.onLine` and the window's online/offline events are not enough:
 * a phone with signal but no data, Wi-Fi without internet, a captive portal,
 * or a browser reloaded while offline (Chromium 148) all say "online" while
 * nothing is reachable. So here "online" means the browser says online AND
 * the API answered the last time it was tried:
 *
 * - the API client reports every request: a network failure (fetch rejected,
 *   not aborted) makes the API unreachable, any HTTP response reachable;
 * - while unreachable, `GET /api/health` is probed (any HTTP answer counts)
 *   every few seconds while the page is visible, and at once when the browser
 *   says it is back online or the page becomes visible again; probing stops
 *   as soon as the API is reachable.
 *
 * Until the first attempt the API is assumed reachable, so the app tries.
 */

/** What the API client needs: where it reports the outcome of each request. */
export type ConnectivityReporter = {
  /** A request got an HTTP response (whatever its status). */
  reportReachable(): void;
  /** A request failed without any response (network error, not an abort). */
  reportUnreachable(): void;
};

export type Connectivity = ConnectivityReporter & {
  /** The browser says online and the API was reachable at the last attempt. */
  isOnline: () => boolean;
  /** Tries `GET /api/health` now (one probe at a time); resolves to `isOnline()` afterwards. */
  probe(): Promise<boolean>;
  /** Called with the new state whenever `isOnline()` changes. Returns an unsubscribe function. */
  subscribe: (listener: (online: boolean) => void) => () => void;
  /** Removes its event listeners and timers (tests). */
  dispose(): void;
};

type Events = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

export type ConnectivityOptions = {
  /** The URL probed while the API is unreachable, e.g. `/api/health`. */
  probeUrl: string;
  /** Injected in tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Pause between two probes while unreachable (default 5 s). */
  probeIntervalMs?: number;
  /** A probe that takes longer counts as a failure (default 10 s). */
  probeTimeoutMs?: number;
  /** Source of online/offline events; defaults to `window` (none outside a browser). */
  window?: Events | null;
  /** Source of `visibilityState` and its events; defaults to `document`. Without one, nothing is probed by itself. */
  document?: (Events & { readonly visibilityState: DocumentVisibilityState }) | null;
  /** Source of `onLine`; defaults to `navigator`. */
  navigator?: { readonly onLine?: boolean } | null;
};

export const DEFAULT_PROBE_INTERVAL_MS = 5_000;
export const DEFAULT_PROBE_TIMEOUT_MS = 10_000;

export function createConnectivity(options: ConnectivityOptions): Connectivity {
  const win = options.window !== undefined ? options.window : typeof window !== 'undefined' ? window : null;
  const doc = options.document !== undefined ? options.document : typeof document !== 'undefined' ? document : null;
  const nav = options.navigator !== undefined ? options.navigator : typeof navigator !== 'undefined' ? navigator : null;
  const doFetch: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const interval = options.probeIntervalMs ?? DEFAULT_PROBE_INTERVAL_MS;
  const timeout = options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;

  const listeners = new Set<(online: boolean) => void>();
  let reachable = true;
  let online = computeOnline();
  let probing: Promise<boolean> | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;

  function browserOnline(): boolean {
    // Outside a browser (or an old one) there is no answer: assume online.
    return nav?.onLine !== false;
  }

  function computeOnline(): boolean {
    return browserOnline() && reachable;
  }

  /** Recomputes the state and tells the listeners when it changed. */
  function update() {
    const next = computeOnline();
    if (next === online) return;
    online = next;
    for (const listener of [...listeners]) listener(next);
  }

  const visible = () => doc !== null && doc.visibilityState !== 'hidden';

  function stopTimer() {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }

  /** Plans the next probe while the API is unreachable and it is worth trying. */
  function schedule() {
    if (disposed || reachable || timer !== null || probing || !visible() || !browserOnline()) return;
    timer = setTimeout(() => {
      timer = null;
      void probe();
    }, interval);
  }

  function setReachable(value: boolean) {
    reachable = value;
    if (value) stopTimer();
    update();
    if (!value) schedule();
  }

  function probe(): Promise<boolean> {
    if (probing) return probing;
    if (!browserOnline()) {
      update();
      return Promise.resolve(online);
    }
    stopTimer();
    const controller = new AbortController();
    const timeoutId = setTimeout(() => controller.abort(), timeout);
    probing = (async () => {
      let answered = false;
      try {
        const response = await doFetch(options.probeUrl, {
          method: 'GET',
          cache: 'no-store',
          credentials: 'same-origin',
          headers: { Accept: 'application/json' },
          signal: controller.signal,
        });
        answered = true;
        // Only the fact that it answered matters.
        void response.body?.cancel().catch(() => undefined);
      } catch {
        answered = false;
      } finally {
        clearTimeout(timeoutId);
      }
      return answered;
    })().then((answered) => {
      probing = null;
      if (!disposed) setReachable(answered);
      return online;
    });
    return probing;
  }

  const onBrowserOnline = () => {
    update();
    if (!reachable) void probe();
  };
  const onBrowserOffline = () => {
    stopTimer();
    update();
  };
  const onVisibility = () => {
    if (!visible()) {
      stopTimer();
      return;
    }
    if (!reachable) void probe();
  };

  win?.addEventListener('online', onBrowserOnline);
  win?.addEventListener('offline', onBrowserOffline);
  doc?.addEventListener('visibilitychange', onVisibility);

  return {
    isOnline: () => online,
    reportReachable: () => setReachable(true),
    reportUnreachable: () => setReachable(false),
    probe,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    dispose() {
      disposed = true;
      stopTimer();
      listeners.clear();
      win?.removeEventListener('online', onBrowserOnline);
      win?.removeEventListener('offline', onBrowserOffline);
      doc?.removeEventListener('visibilitychange', onVisibility);
    },
  };
}

/** The app's shared instance: both API clients report to it, TanStack Query and the driver app read it. */
export const connectivity: Connectivity = createConnectivity({ probeUrl: `${env.API_BASE_URL}/api/health` });
