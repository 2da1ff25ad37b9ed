import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { openLiveSocket, wsUrl } from './live-socket';

class FakeSocket {
  static instances: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  readonly url: string;
  constructor(url: string) {
    this.url = url;
    FakeSocket.instances.push(this);
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.readyState = 3;
    this.onclose?.();
  }
}

describe('wsUrl', () => {
  it('uses the first base given, turning http(s) into ws(s)', () => {
    expect(wsUrl('/ws/x', '', 'https://api.example.com')).toBe('wss://api.example.com/ws/x');
    expect(wsUrl('/ws/x', 'wss://ws.example.com', 'https://api.example.com')).toBe('wss://ws.example.com/ws/x');
    expect(wsUrl('/ws/x', 'http://127.0.0.1:3000')).toBe('ws://127.0.0.1:3000/ws/x');
  });
});

describe('openLiveSocket', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.instances = [];
  });
  afterEach(() => vi.useRealTimers());

  it('reconnects with backoff, with a fresh URL each time (a refreshed token)', () => {
    let token = 'a';
    const statuses: boolean[] = [];
    const socket = openLiveSocket({
      url: () => `ws://host/ws?token=${token}`,
      onMessage: () => undefined,
      onStatus: (connected) => statuses.push(connected),
      WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
    });
    FakeSocket.instances[0]!.open();
    expect(socket.connected).toBe(true);
    token = 'b';
    FakeSocket.instances[0]!.close();
    expect(socket.connected).toBe(false);
    vi.advanceTimersByTime(999);
    expect(FakeSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.instances[1]!.url).toBe('ws://host/ws?token=b');
    FakeSocket.instances[1]!.close();
    vi.advanceTimersByTime(1999);
    expect(FakeSocket.instances).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.instances).toHaveLength(3);
    expect(statuses).toEqual([true, false]);
    socket.close();
  });

  it('hands over parsed JSON, ignores other frames, and sends only while open', () => {
    const messages: unknown[] = [];
    const socket = openLiveSocket({ url: () => 'ws://host', onMessage: (m) => messages.push(m), WebSocketImpl: FakeSocket as unknown as typeof WebSocket });
    const fake = FakeSocket.instances[0]!;
    expect(socket.send({ a: 1 })).toBe(false);
    fake.open();
    expect(socket.send({ a: 1 })).toBe(true);
    expect(fake.sent).toEqual(['{"a":1}']);
    fake.onmessage?.({ data: '{"type":"ack"}' });
    fake.onmessage?.({ data: 'not json' });
    expect(messages).toEqual([{ type: 'ack' }]);
    socket.close();
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.instances).toHaveLength(1);
  });

  it('waits while there is no URL yet (no token)', () => {
    let url: string | null = null;
    const socket = openLiveSocket({ url: () => url, onMessage: () => undefined, WebSocketImpl: FakeSocket as unknown as typeof WebSocket });
    expect(FakeSocket.instances).toHaveLength(0);
    url = 'ws://host';
    vi.advanceTimersByTime(1000);
    expect(FakeSocket.instances).toHaveLength(1);
    socket.close();
  });
});
