import { useMemo, useState } from 'react';
import { Link } from 'react-router';

import { Button, buttonClassName } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/error-state';
import { ArrowLeftIcon, MapPinIcon } from '@/components/ui/icons';
import { MapView } from '@/components/ui/map-view';
import { isWaitingForConnection, OfflineState } from '@/components/ui/offline-state';
import { Skeleton, SkeletonGroup } from '@/components/ui/skeleton';
import { paths } from '@/config/paths';
import { cn } from '@/lib/cn';
import { formatTime } from '@/lib/format';
import type { MapMarker } from '@/lib/map/leaflet-map';
import { useOnline } from '@/lib/use-online';
import { t } from '@/locales';
import type { Order, OrderStatus, RouteDetail, RouteStop } from '@/types/api';

import { hasPendingStart, pendingOrderStatus, useDriverQueue, type DriverQueueItem } from '../api/driver-queue';
import { useDriverRoute } from '../api/get-driver-route';
import { useDriverActions } from '../api/use-driver-actions';

import styles from './driver.module.css';
import { geoUri, navigationUrl } from './navigation';

const PICKED: readonly OrderStatus[] = ['PICKED_UP', 'IN_TRANSIT', 'DELIVERED', 'FAILED', 'CANCELLED'];
const FINISHED: readonly OrderStatus[] = ['DELIVERED', 'FAILED', 'CANCELLED'];

/** A stop is done when the server says so or when the driver's queued moves finish it. */
export function stopDone(stop: RouteStop, orderStatus: OrderStatus | undefined): boolean {
  if (stop.status === 'COMPLETED' || stop.status === 'FAILED') return true;
  if (!orderStatus) return false;
  return stop.type === 'PICKUP' ? PICKED.includes(orderStatus) : FINISHED.includes(orderStatus);
}

export function effectiveStatuses(route: RouteDetail, items: DriverQueueItem[]): Map<string, OrderStatus> {
  return new Map(route.orders.map((order: Order) => [order.id, pendingOrderStatus(order.id, order.status, items)]));
}

export function DriverRoute({ routeId }: { routeId: string }) {
  const route = useDriverRoute(routeId);
  const online = useOnline();
  if (isWaitingForConnection(route, online)) {
    return (
      <Card>
        <OfflineState title={t.driverApp.route.loadFailed} />
      </Card>
    );
  }
  if (route.isPending) {
    return (
      <SkeletonGroup>
        <Skeleton width="50%" height="2rem" />
        <Skeleton height="10rem" radius="var(--radius-lg)" />
        <Skeleton height="12rem" radius="var(--radius-lg)" />
      </SkeletonGroup>
    );
  }
  if (route.isError && !route.data) {
    return (
      <Card>
        <ErrorState title={t.driverApp.route.loadFailed} error={route.error} onRetry={() => void route.refetch()} isRetrying={route.isFetching} />
      </Card>
    );
  }
  return <RouteView route={route.data} />;
}

function RouteView({ route }: { route: RouteDetail }) {
  const labels = t.driverApp.route;
  const { items } = useDriverQueue();
  const { run } = useDriverActions();
  const [starting, setStarting] = useState(false);
  const [showMap, setShowMap] = useState(false);
  const statuses = useMemo(() => effectiveStatuses(route, items), [route, items]);
  const references = useMemo(() => new Map(route.orders.map((order) => [order.id, order.reference_code])), [route.orders]);
  const routeStatus = hasPendingStart(route.id, items) ? 'IN_PROGRESS' : route.status;
  const next = route.stops.find((stop) => !stopDone(stop, statuses.get(stop.order_id)));
  const done = route.stops.filter((stop) => stopDone(stop, statuses.get(stop.order_id))).length;

  const markers = useMemo<MapMarker[]>(
    () =>
      route.stops.flatMap((stop, index) =>
        stop.lat != null && stop.lng != null
          ? [
              {
                id: stop.stop_id,
                lat: stop.lat,
                lng: stop.lng,
                label: String(index + 1),
                title: `${index + 1}. ${t.stopTypes[stop.type]} · ${stop.address_line}`,
                tone: stopDone(stop, statuses.get(stop.order_id)) ? 'done' : stop === next ? 'next' : stop.type === 'PICKUP' ? 'pickup' : 'drop',
              } satisfies MapMarker,
            ]
          : [],
      ),
    [route.stops, statuses, next],
  );

  const start = async () => {
    setStarting(true);
    try {
      await run({ kind: 'start_route', routeId: route.id, label: labels.startLabel });
    } finally {
      setStarting(false);
    }
  };

  return (
    <div className={styles.stack}>
      <title>{`${labels.title} · ${t.common.appName}`}</title>
      <Link to={paths.driver.today} className={styles.muted} style={{ display: 'inline-flex', gap: 'var(--space-1)', alignItems: 'center' }}>
        <ArrowLeftIcon size={16} />
        {labels.back}
      </Link>
      <div className={styles.row}>
        <h1 style={{ fontSize: 'var(--font-size-xl)' }}>{labels.title}</h1>
        <span data-testid="route-status">{t.routeStatuses[routeStatus]}</span>
      </div>
      <progress className={styles.progress} max={route.stops.length || 1} value={done} aria-label={t.driverApp.progress} />
      <p className={styles.muted}>{t.routes.progressText(done, route.stops.length)}</p>

      {routeStatus === 'PLANNED' && (
        <Button size="lg" fullWidth className={styles.touch} onClick={() => void start()} isLoading={starting}>
          {labels.start}
        </Button>
      )}

      {next && routeStatus !== 'COMPLETED' && routeStatus !== 'CANCELLED' && (
        <section className={styles.nextStop} aria-labelledby="next-stop-title">
          <span className={styles.nextLabel} id="next-stop-title">
            {labels.nextStop(t.stopTypes[next.type])}
          </span>
          <div>
            <p className={styles.big}>{next.address_line}</p>
            <p className={styles.muted}>
              {[next.city, references.get(next.order_id)].filter(Boolean).join(' · ')} · {labels.eta(formatTime(next.scheduled_eta))}
            </p>
          </div>
          <div className={styles.actionsRow}>
            <a className={buttonClassName({ size: 'lg', className: styles.touch })} href={navigationUrl(next)} target="_blank" rel="noreferrer">
              <MapPinIcon size={18} />
              {labels.navigate}
            </a>
            <Link className={buttonClassName({ size: 'lg', variant: 'secondary', className: styles.touch })} to={paths.driver.order(next.order_id, route.id)}>
              {labels.openOrder}
            </Link>
          </div>
          <a href={geoUri(next)} className={styles.muted}>
            {labels.otherMapApp}
          </a>
        </section>
      )}
      {!next && route.stops.length > 0 && <p className={styles.big}>{labels.allDone}</p>}

      <Card title={labels.stops}>
        <ol className={styles.stops}>
          {route.stops.map((stop, index) => {
            const finished = stopDone(stop, statuses.get(stop.order_id));
            return (
              <li key={stop.stop_id} className={styles.stop}>
                <Link to={paths.driver.order(stop.order_id, route.id)}>
                  <span className={cn(styles.stopIndex, stop.type === 'PICKUP' && styles.stopPickup, finished && styles.stopDone)} aria-hidden="true">
                    {index + 1}
                  </span>
                  <span>
                    <strong>{t.stopTypes[stop.type]}</strong> · {references.get(stop.order_id)}
                    <br />
                    <span className={styles.muted}>{[stop.address_line, stop.city].filter(Boolean).join(', ')}</span>
                    <br />
                    <span className={styles.muted}>{finished ? labels.done : labels.eta(formatTime(stop.scheduled_eta))}</span>
                  </span>
                </Link>
              </li>
            );
          })}
        </ol>
      </Card>

      <Button variant="secondary" fullWidth className={styles.touch} onClick={() => setShowMap((value) => !value)} aria-expanded={showMap}>
        {showMap ? labels.hideMap : labels.showMap}
      </Button>
      {showMap && <MapView label={labels.mapLabel} markers={markers} path={markers} height="20rem" />}
    </div>
  );
}
