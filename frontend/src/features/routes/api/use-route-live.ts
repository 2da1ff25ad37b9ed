import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';

import { env } from '@/config/env';
import { useApiClient } from '@/lib/api-provider';
import { openLiveSocket, wsUrl } from '@/lib/live-socket';

import { routeQueryKey } from './get-route';
import { routesQueryKey } from './list-routes';

export type LiveLocation = { lat: number; lng: number; at: string };

type OpsRouteMessage =
  | { type: 'location'; route_id: string; lat: number; lng: number; at: string }
  | { type: 'event'; event_type: string; route_id: string; order_id: string | null; status: string | null; at: string };

/**
 * Follows a route over `/ws/ops/routes/{id}`: the driver's latest position, and
 * a refetch of the route when one of its events arrives. Disabled routes
 * (not in progress) open no socket.
 */
export function useRouteLive(routeId: string, enabled: boolean) {
  const api = useApiClient();
  const queryClient = useQueryClient();
  const [location, setLocation] = useState<LiveLocation | null>(null);
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    if (!enabled || !routeId) return;
    const socket = openLiveSocket({
      url: () => {
        const token = api.session.get()?.accessToken;
        return token
          ? wsUrl(`/ws/ops/routes/${encodeURIComponent(routeId)}?token=${encodeURIComponent(token)}`, env.WS_BASE_URL, env.API_BASE_URL)
          : null;
      },
      onStatus: setConnected,
      onMessage: (raw) => {
        const message = raw as OpsRouteMessage;
        if (message.type === 'location' && Number.isFinite(message.lat) && Number.isFinite(message.lng)) {
          setLocation({ lat: message.lat, lng: message.lng, at: message.at });
        } else if (message.type === 'event') {
          void queryClient.invalidateQueries({ queryKey: routeQueryKey(api, routeId) });
          void queryClient.invalidateQueries({ queryKey: [...routesQueryKey(api), 'list'] });
          if (message.order_id) void queryClient.invalidateQueries({ queryKey: [api.realm, 'orders'] });
        }
      },
    });
    return () => socket.close();
  }, [api, queryClient, routeId, enabled]);

  return { location, connected };
}
