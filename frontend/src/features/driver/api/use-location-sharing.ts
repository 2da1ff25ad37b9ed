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
  const [state, setState] = useState<SharingState>('off');
  const lastSent = useRef(0);
  const notBefore = useRef(0);

  useEffect(() => {
    if (!routeId) {
      setState('off');
      return;
    }
    if (typeof navigator === 'undefined' || !navigator.geolocation) {
      setState('unavailable');
      return;
    }
    setState('connecting');
    const socket = openLiveSocket({
      url: () => {
        const token = api.session.get()?.accessToken;
        return token ? wsUrl(`/ws/driver/location?token=${encodeURIComponent(token)}`, env.API_BASE_URL) : null;
      },
      onStatus: (connected) => setState((current) => (current === 'denied' ? current : connected ? 'sharing' : 'connecting')),
      onMessage: (raw) => {
        const message = raw as { type?: string; retry_after?: number };
        if (message.type === 'error' && typeof message.retry_after === 'number') {
          notBefore.current = Date.now() + message.retry_after * 1000;
        }
      },
    });
    const watch = navigator.geolocation.watchPosition(
      (position) => {
        const now = Date.now();
        if (now - lastSent.current < MIN_INTERVAL_MS || now < notBefore.current) return;
        const { latitude, longitude, accuracy, heading, speed } = position.coords;
        const sent = socket.send({
          route_id: routeId,
          lat: latitude,
          lng: longitude,
          ...(Number.isFinite(accuracy) ? { accuracy } : {}),
          ...(heading != null && Number.isFinite(heading) ? { heading } : {}),
          ...(speed != null && Number.isFinite(speed) ? { speed } : {}),
        });
        if (sent) lastSent.current = now;
      },
      (error) => {
        if (error.code === error.PERMISSION_DENIED) setState('denied');
      },
      { enableHighAccuracy: true, maximumAge: 10_000, timeout: 30_000 },
    );
    return () => {
      navigator.geolocation.clearWatch(watch);
      socket.close();
    };
  }, [api, routeId]);

  return state;
}
