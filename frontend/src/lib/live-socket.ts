/**
 * A WebSocket that reconnects with backoff (1 s, 2 s, 4 s… up to 30 s) and
 * hands parsed JSON messages to `onMessage`. The URL is rebuilt on every
 * (re)connect so a refreshed access token is picked up. No React, so the
 * tracking page can use it too.
 */
export type LiveSocket = {
  send(message: unknown): boolean;
  readonly connected: boolean;
  close(): void;
};

export type LiveSocketOptions = {
  /** Returns the URL to connect to, or null to wait (e.g. no token yet). */
  url: () => string | null;
  onMessage: (message: unknown) => void;
  onStatus?: (connected: boolean) => void;
  /** Injected in tests. */
  WebSocketImpl?: typeof WebSocket;
};

/**
 * `ws(s)://<base><path>`: the first non-empty base wins (a WebSocket base, then
 * the API's base URL), else this page's origin; http(s) becomes ws(s).
 */
export function wsUrl(path: string, ...bases: (string | undefined)[]): string {
  const base = bases.find(Boolean) || (typeof window !== 'undefined' ? window.location.origin : 'http://localhost');
  return base.replace(/^http/, 'ws') + path;
}

export function openLiveSocket(options: LiveSocketOptions): LiveSocket {
  const Impl = options.WebSocketImpl ?? (typeof WebSocket !== 'undefined' ? WebSocket : undefined);
  let socket: WebSocket | null = null;
  let closed = false;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let connected = false;

  const setConnected = (value: boolean) => {
    if (connected === value) return;
    connected = value;
    options.onStatus?.(value);
  };

  const schedule = () => {
    if (closed) return;
    const delay = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5));
    attempt += 1;
    timer = setTimeout(connect, delay);
  };

  function connect() {
    timer = null;
    if (closed || !Impl) return;
    const url = options.url();
    if (!url) return schedule();
    try {
      socket = new Impl(url);
    } catch {
      return schedule();
    }
    socket.onopen = () => {
      attempt = 0;
      setConnected(true);
    };
    socket.onmessage = (event) => {
      try {
        options.onMessage(JSON.parse(String(event.data)));
      } catch {
        // Not JSON: ignore.
      }
    };
    socket.onclose = () => {
      socket = null;
      setConnected(false);
      schedule();
    };
    socket.onerror = () => socket?.close();
  }

  const onOnline = () => {
    if (!socket && !closed) {
      if (timer) clearTimeout(timer);
      attempt = 0;
      connect();
    }
  };
  if (typeof window !== 'undefined') window.addEventListener('online', onOnline);
  connect();

  return {
    send(message) {
      if (!socket || socket.readyState !== 1) return false;
      socket.send(JSON.stringify(message));
      return true;
    },
    get connected() {
      return connected;
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      if (typeof window !== 'undefined') window.removeEventListener('online', onOnline);
      if (socket) {
        socket.onclose = null;
        socket.close();
      }
      setConnected(false);
    },
  };
}
