import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';

import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { MapView, type LivePosition } from '@/components/ui/map-view';
import { PageHeader } from '@/components/ui/page-header';
import { Skeleton, SkeletonLines } from '@/components/ui/skeleton';
import { paths } from '@/config/paths';
import { useSession } from '@/features/auth/components/session';
import { listExceptions } from '@/features/exceptions/api/list-exceptions';
import { HealthCard } from '@/features/health/components/health-card';
import { listOrders } from '@/features/orders/api/list-orders';
import { OrderStatusBadge } from '@/features/orders/components/order-status-badge';
import { listRoutes } from '@/features/routes/api/list-routes';
import { useRouteLive } from '@/features/routes/api/use-route-live';
import { ProgressBar, RouteStatusBadge, stopsDone } from '@/features/routes/components/route-badges';
import { useApiClient } from '@/lib/api-provider';
import { todayIsoDate } from '@/lib/datetime';
import { formatDateTime, formatNumber } from '@/lib/format';
import { t } from '@/locales';
import { ORDER_STATUSES, type Order, type OrderException, type OrderStatus, type Route } from '@/types/api';

import styles from './dashboard.module.css';

/** Follows pages up to `max` items (the dashboard counts, it does not page). */
async function collect<T>(fetchPage: (cursor: string | null) => Promise<{ items: T[]; next_cursor?: string | null }>, max = 500) {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page = await fetchPage(cursor);
    items.push(...page.items);
    cursor = page.next_cursor ?? null;
  } while (cursor && items.length < max);
  return { items, truncated: Boolean(cursor) };
}

const REFRESH_MS = 30_000;

export default function DashboardRoute() {
  const { tenant } = useSession();
  const api = useApiClient();
  const today = todayIsoDate();
  const labels = t.dashboard;

  const orders = useQuery({
    queryKey: [api.realm, 'orders', 'dashboard', today],
    queryFn: ({ signal }) => collect<Order>((cursor) => listOrders(api, { created_from: today }, { cursor, limit: 100 }, signal)),
    refetchInterval: REFRESH_MS,
  });
  const routes = useQuery({
    queryKey: [api.realm, 'routes', 'dashboard', today],
    queryFn: ({ signal }) => collect<Route>((cursor) => listRoutes(api, { date: today }, { cursor, limit: 100 }, signal)),
    refetchInterval: REFRESH_MS,
  });
  const exceptions = useQuery({
    queryKey: [api.realm, 'exceptions', 'dashboard'],
    queryFn: ({ signal }) =>
      collect<OrderException>((cursor) => listExceptions(api, { status: 'OPEN' }, { cursor, limit: 100 }, signal), 200),
    refetchInterval: REFRESH_MS,
  });

  const byStatus = useMemo(() => {
    const counts = Object.fromEntries(ORDER_STATUSES.map((status) => [status, 0])) as Record<OrderStatus, number>;
    for (const order of orders.data?.items ?? []) counts[order.status] += 1;
    return counts;
  }, [orders.data]);
  const activeRoutes = (routes.data?.items ?? []).filter((route) => route.status === 'IN_PROGRESS');
  const openExceptions = exceptions.data?.items ?? [];
  const delays = openExceptions.filter((exception) => exception.type === 'DELAY');

  const metric = (label: string, value: number | undefined, hint: string, loading: boolean, to?: string) => (
    <Card>
      <p className={styles.metricLabel}>{label}</p>
      <p className={styles.metricValue}>{loading ? <Skeleton width="3rem" height="2rem" /> : formatNumber(value ?? 0)}</p>
      <p className={styles.metricHint}>{to ? <Link to={to}>{hint}</Link> : hint}</p>
    </Card>
  );

  return (
    <>
      <PageHeader title={labels.title} description={labels.subtitle(tenant.name)} />
      <div className={styles.metrics}>
        {metric(labels.metrics.ordersToday, orders.data?.items.length, labels.metrics.ordersHint, orders.isPending, paths.ops.orders)}
        {metric(labels.metrics.activeRoutes, activeRoutes.length, labels.metrics.routesHint(routes.data?.items.length ?? 0), routes.isPending, paths.ops.routes)}
        {metric(labels.metrics.openExceptions, openExceptions.length, labels.metrics.exceptionsHint, exceptions.isPending, `${paths.ops.exceptions}?status=OPEN`)}
        {metric(labels.metrics.delayed, delays.length, labels.metrics.delayedHint, exceptions.isPending, `${paths.ops.exceptions}?status=OPEN&type=DELAY`)}
      </div>

      <div className={styles.panels}>
        <Card title={labels.byStatus}>
          {orders.isPending ? (
            <SkeletonLines lines={4} />
          ) : orders.data === undefined ? (
            <ErrorState error={orders.error} onRetry={() => void orders.refetch()} headingLevel="h3" />
          ) : (
            <ul className={styles.statusList}>
              {ORDER_STATUSES.map((status) => (
                <li key={status}>
                  <Link to={`${paths.ops.orders}?status=${status}`} aria-label={labels.statusLink(t.orderStatuses[status], byStatus[status])}>
                    <OrderStatusBadge status={status} />
                  </Link>
                  <span className={styles.statusBar} aria-hidden="true">
                    <span style={{ width: `${orders.data.items.length ? (byStatus[status] / orders.data.items.length) * 100 : 0}%` }} />
                  </span>
                  <strong>{formatNumber(byStatus[status])}</strong>
                </li>
              ))}
            </ul>
          )}
        </Card>

        <Card title={labels.routesInProgress}>
          {routes.isPending ? (
            <SkeletonLines lines={3} />
          ) : routes.data === undefined ? (
            <ErrorState error={routes.error} onRetry={() => void routes.refetch()} headingLevel="h3" />
          ) : routes.data.items.length === 0 ? (
            <EmptyState headingLevel="h3" title={labels.noRoutes} action={<Link to={paths.ops.routes}>{labels.planRoutes}</Link>} />
          ) : (
            <ul className={styles.routeList}>
              {routes.data.items
                .filter((route) => route.status !== 'CANCELLED')
                .map((route) => (
                  <li key={route.id}>
                    <div className={styles.routeHead}>
                      <Link to={paths.ops.route(route.id)}>{labels.routeLabel(route.order_ids.length)}</Link>
                      <RouteStatusBadge status={route.status} />
                    </div>
                    <ProgressBar done={stopsDone(route.stops)} total={route.stops.length} label={labels.routeProgress} />
                  </li>
                ))}
            </ul>
          )}
        </Card>

        <Card title={labels.openExceptions}>
          {exceptions.isPending ? (
            <SkeletonLines lines={3} />
          ) : exceptions.data === undefined ? (
            <ErrorState error={exceptions.error} onRetry={() => void exceptions.refetch()} headingLevel="h3" />
          ) : openExceptions.length === 0 ? (
            <EmptyState headingLevel="h3" title={labels.noExceptions} />
          ) : (
            <ul className={styles.routeList}>
              {openExceptions.slice(0, 8).map((exception) => (
                <li key={exception.id} className={styles.routeHead}>
                  <Link to={paths.ops.order(exception.order_id)}>{t.exceptionTypes[exception.type]}</Link>
                  <span className={styles.metricHint}>{formatDateTime(exception.created_at)}</span>
                  {exception.type === 'DELAY' && <Badge tone="warning">{labels.delayed}</Badge>}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>

      <LiveDrivers routes={activeRoutes} />

      <div className={styles.panels} style={{ marginTop: 'var(--space-4)' }}>
        <HealthCard />
      </div>
    </>
  );
}

/** One socket per route in progress; the latest position of each driver on one map. */
function LiveDrivers({ routes }: { routes: Route[] }) {
  const [positions, setPositions] = useState<Record<string, LivePosition>>({});
  const report = useCallback((routeId: string, position: LivePosition | null) => {
    setPositions((current) => {
      const next = { ...current };
      if (position) next[routeId] = position;
      else delete next[routeId];
      return next;
    });
  }, []);
  const live = routes.flatMap((route) => (positions[route.id] ? [positions[route.id]!] : []));
  return (
    <Card title={t.dashboard.liveMap} description={t.dashboard.liveMapHint(routes.length, live.length)} style={{ marginTop: 'var(--space-4)' }}>
      {routes.map((route) => (
        <RouteFollower key={route.id} route={route} report={report} />
      ))}
      <MapView label={t.dashboard.liveMap} markers={[]} live={live} height="20rem" />
    </Card>
  );
}

function RouteFollower({ route, report }: { route: Route; report: (routeId: string, position: LivePosition | null) => void }) {
  const { location } = useRouteLive(route.id, true);
  const lat = location?.lat;
  const lng = location?.lng;
  useEffect(() => {
    if (lat != null && lng != null) report(route.id, { id: route.id, lat, lng, title: t.dashboard.driverOnRoute(route.order_ids.length) });
  }, [lat, lng, report, route.id, route.order_ids.length]);
  return null;
}
