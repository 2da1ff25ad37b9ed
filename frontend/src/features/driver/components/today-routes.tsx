import { Link } from 'react-router';

import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { MapPinIcon } from '@/components/ui/icons';
import { isWaitingForConnection, OfflineState } from '@/components/ui/offline-state';
import { Skeleton, SkeletonGroup } from '@/components/ui/skeleton';
import { paths } from '@/config/paths';
import { formatTime } from '@/lib/format';
import { useOnline } from '@/lib/use-online';
import { t } from '@/locales';

import { hasPendingStart, useDriverQueue } from '../api/driver-queue';
import { useDriverRoutesToday } from '../api/list-driver-routes-today';

import styles from './driver.module.css';

export function TodayRoutes() {
  const routes = useDriverRoutesToday();
  const { items } = useDriverQueue();
  const online = useOnline();
  const labels = t.driverApp;

  if (isWaitingForConnection(routes, online)) {
    return (
      <Card>
        <OfflineState />
      </Card>
    );
  }
  if (routes.isPending) {
    return (
      <SkeletonGroup>
        <Skeleton height="7rem" radius="var(--radius-lg)" />
        <Skeleton height="7rem" radius="var(--radius-lg)" />
      </SkeletonGroup>
    );
  }
  if (routes.isError && !routes.data) {
    return (
      <Card>
        <ErrorState error={routes.error} onRetry={() => void routes.refetch()} isRetrying={routes.isFetching} />
      </Card>
    );
  }
  if (routes.data.length === 0) {
    return (
      <Card>
        <EmptyState icon={<MapPinIcon size={22} />} title={labels.noStopsTitle} description={labels.noStopsBody} />
      </Card>
    );
  }
  return (
    <ul className={styles.stack} style={{ listStyle: 'none', margin: 0, padding: 0 }}>
      {routes.data.map((route) => {
        const done = route.stops.filter((stop) => stop.status === 'COMPLETED' || stop.status === 'FAILED').length;
        const status = hasPendingStart(route.id, items) ? 'IN_PROGRESS' : route.status;
        return (
          <li key={route.id}>
            <Link to={paths.driver.route(route.id)} className={styles.routeCard}>
              <div className={styles.row}>
                <span className={styles.big}>{labels.routeTitle(route.order_ids.length)}</span>
                <span>{t.routeStatuses[status]}</span>
              </div>
              <progress className={styles.progress} max={route.stops.length || 1} value={done} aria-label={labels.progress} />
              <div className={styles.row}>
                <span className={styles.muted}>{t.routes.progressText(done, route.stops.length)}</span>
                <span className={styles.muted}>{labels.starts(formatTime(route.start_time))}</span>
              </div>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
