import { useEffect, useRef, useState } from 'react';

import { env } from '@/config/env';
import { useApiClient } from '@/lib/api-provider';
import { openLiveSocket, wsUrl } from '@/lib/live-socket';

/** The server accepts a fix at most every 2 s; send one every 5 s at most. */
const MIN_INTERVAL_MS = 5_000;

export type SharingState = 'off' | 'connecting' | 'sharing' | 'denied' | 'unavailable';

/**
 * While `routeId` is set (a route in progress), watches the device position and
 * sends it over `/ws/driver/location`. Honours the server's rate-limit replies.
 */
export function useLocationSharing(routeId: string | null): SharingState {
  const api = useApiClient();
  // What the watch of `routeId` reported; a route not (yet) watched is 'connecting'.
  const [reported, setReported] = useState<{ routeId: string; state: SharingState } | null>(null);
  const available = typeof navigator !== 'undefined' && Boolean(navigator.geolocation);
  const lastSent = useRef(0);
  const notBefore = useRef(0);

  useEffect(() => {
    if (!routeId || !available) return;
    const setState = (update: (current: SharingState) => SharingState) =>
      setReported((current) => ({ routeId, state: update(current?.routeId === routeId ? current.state : 'connecting') }));
    const socket = openLiveSocket({
      url: () => {
        const token = api.session.get()?.accessToken;
        return token ? wsUrl(`/ws/driver/location?token=${encodeURIComponent(token)}`, env.WS_BASE_URL, env.API_BASE_URL) : null;
      },
      onStatus: (connected) => setState((current) => (current === 'denied' ? current : connected ? 'sharing' : 'connecting')),
      onMessage: (raw) => {
        const message = raw as { type?: string; retry_after?: number };
        if (message.type === 'error' && typeof message.retry_after === 'number') {
          notBefore.current = Date.now() + message.retry_after * 1000;
        }
      },
    });
    let latest: GeolocationPosition | null = null;
    let trailing: ReturnType<typeof setTimeout> | null = null;
    /** Sends the latest fix now if allowed, otherwise once the interval has passed (the latest always goes out). */
    const send = () => {
      trailing = null;
      if (!latest) return;
      const now = Date.now();
      const wait = Math.max(lastSent.current + MIN_INTERVAL_MS - now, notBefore.current - now);
      if (wait > 0) {
        trailing ??= setTimeout(send, wait);
        return;
      }
      const { latitude, longitude, accuracy, heading, speed } = latest.coords;
      const sent = socket.send({
        route_id: routeId,
        lat: latitude,
        lng: longitude,
        ...(Number.isFinite(accuracy) ? { accuracy } : {}),
        ...(heading != null && Number.isFinite(heading) ? { heading } : {}),
        ...(speed != null && Number.isFinite(speed) ? { speed } : {}),
      });
      if (sent) {
        lastSent.current = now;
        latest = null;
      } else {
        // Not connected yet: try again shortly.
        trailing = setTimeout(send, 2_000);
      }
    };
    const watch = navigator.geolocation.watchPosition(
      (position) => {
        latest = position;
        send();
      },
      (error) => {
        if (error.code === error.PERMISSION_DENIED) setState(() => 'denied');
      },
      { enableHighAccuracy: true, maximumAge: 10_000, timeout: 30_000 },
    );
    return () => {
      if (trailing) clearTimeout(trailing);
      navigator.geolocation.clearWatch(watch);
      socket.close();
      // Watching again later starts from 'connecting'.
      setReported(null);
    };
  }, [api, routeId, available]);

  if (!routeId) return 'off';
  if (!available) return 'unavailable';
  return reported?.routeId === routeId ? reported.state : 'connecting';
}
