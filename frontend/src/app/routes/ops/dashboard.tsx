import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
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
import { DASHBOARD_REFRESH_MS, useGetDashboard } from '@/features/dashboard/api/get-dashboard';
import { listExceptions } from '@/features/exceptions/api/list-exceptions';
import { HealthCard } from '@/features/health/components/health-card';
import { OrderStatusBadge } from '@/features/orders/components/order-status-badge';
import { listRoutes } from '@/features/routes/api/list-routes';
import { useRouteLive } from '@/features/routes/api/use-route-live';
import { ProgressBar, RouteStatusBadge, stopsDone } from '@/features/routes/components/route-badges';
import { useApiClient } from '@/lib/api-provider';
import { todayIsoDate } from '@/lib/datetime';
import { formatDateTime, formatNumber } from '@/lib/format';
import { t } from '@/locales';
import { ORDER_STATUSES, type Route } from '@/types/api';

import styles from './dashboard.module.css';

/** Follows pages up to `max` items (the day's routes: one per driver at most). */
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

const REFRESH_MS = DASHBOARD_REFRESH_MS;
/** Open exceptions listed on the dashboard (the counts come from the server). */
const EXCEPTIONS_SHOWN = 8;

export default function DashboardRoute() {
  const { tenant } = useSession();
  const api = useApiClient();
  const today = todayIsoDate();
  const labels = t.dashboard;

  // The counts: kept by the server as orders, routes and exceptions change.
  const counts = useGetDashboard(today);
  const routes = useQuery({
    queryKey: [api.realm, 'routes', 'dashboard', today],
    queryFn: ({ signal }) => collect<Route>((cursor) => listRoutes(api, { date: today }, { cursor, limit: 100 }, signal)),
    refetchInterval: REFRESH_MS,
  });
  // The newest open exceptions, for the list (their number comes with the counts).
  const exceptions = useQuery({
    queryKey: [api.realm, 'exceptions', 'dashboard'],
    queryFn: ({ signal }) => listExceptions(api, { status: 'OPEN' }, { limit: EXCEPTIONS_SHOWN }, signal),
    refetchInterval: REFRESH_MS,
  });

  const orderCount = (status: (typeof ORDER_STATUSES)[number]) => counts.data?.orders.by_status[status] ?? 0;
  const ordersTotal = counts.data?.orders.total ?? 0;
  const activeRoutes = (routes.data?.items ?? []).filter((route) => route.status === 'IN_PROGRESS');
  const openExceptions = exceptions.data?.items ?? [];

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
        {metric(labels.metrics.ordersToday, counts.data?.orders.total, labels.metrics.ordersHint, counts.isPending, paths.ops.orders)}
        {metric(
          labels.metrics.activeRoutes,
          counts.data?.routes.by_status['IN_PROGRESS'],
          labels.metrics.routesHint(counts.data?.routes.total ?? 0),
          counts.isPending,
          paths.ops.routes,
        )}
        {metric(labels.metrics.openExceptions, counts.data?.exceptions.open, labels.metrics.exceptionsHint, counts.isPending, `${paths.ops.exceptions}?status=OPEN`)}
        {metric(labels.metrics.delayed, counts.data?.exceptions.open_delay, labels.metrics.delayedHint, counts.isPending, `${paths.ops.exceptions}?status=OPEN&type=DELAY`)}
      </div>

      <div className={styles.panels}>
        <Card title={labels.byStatus}>
          {counts.isPending ? (
            <SkeletonLines lines={4} />
          ) : counts.data === undefined ? (
            <ErrorState error={counts.error} onRetry={() => void counts.refetch()} headingLevel="h3" />
          ) : (
            <ul className={styles.statusList}>
              {ORDER_STATUSES.map((status) => (
                <li key={status}>
                  <Link to={`${paths.ops.orders}?status=${status}`} aria-label={labels.statusLink(t.orderStatuses[status], orderCount(status))}>
                    <OrderStatusBadge status={status} />
                  </Link>
                  <span className={styles.statusBar} aria-hidden="true">
                    <span style={{ width: `${ordersTotal ? (orderCount(status) / ordersTotal) * 100 : 0}%` }} />
                  </span>
                  <strong>{formatNumber(orderCount(status))}</strong>
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
              {openExceptions.slice(0, EXCEPTIONS_SHOWN).map((exception) => (
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
