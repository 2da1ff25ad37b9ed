import type { ReactNode } from 'react';
import { Link } from 'react-router';

import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Field } from '@/components/ui/field';
import { RouteIcon } from '@/components/ui/icons';
import { Input, Select } from '@/components/ui/input';
import { PaginatedTable } from '@/components/ui/paginated-table';
import type { Column } from '@/components/ui/table';
import { paths } from '@/config/paths';
import { formatDateTime, formatNumber } from '@/lib/format';
import { t } from '@/locales';
import { ROUTE_STATUSES, type Route, type RouteStatus } from '@/types/api';

import { useRoutes } from '../api/list-routes';

import { ProgressBar, RouteStatusBadge, stopsDone } from './route-badges';
import styles from './routes.module.css';

type RoutesListProps = {
  date: string;
  status: RouteStatus | '';
  onDateChange: (date: string) => void;
  onStatusChange: (status: RouteStatus | '') => void;
  /** Names of drivers and plates of vehicles by id (ids are shown until they load). */
  driverName?: (id: string) => string | undefined;
  vehiclePlate?: (id: string) => string | undefined;
  emptyAction?: ReactNode;
};

export function RoutesList({ date, status, onDateChange, onStatusChange, driverName, vehiclePlate, emptyAction }: RoutesListProps) {
  const query = useRoutes({ date, status: status || undefined });
  const labels = t.routes.list;

  const columns: Column<Route>[] = [
    {
      id: 'route',
      header: labels.route,
      rowHeader: true,
      cell: (route) => (
        <Link to={paths.ops.route(route.id)}>
          {driverName?.(route.driver_id) ?? labels.routeFallback}
          <span className={styles.muted}> · {vehiclePlate?.(route.vehicle_id) ?? t.common.emptyValue}</span>
        </Link>
      ),
    },
    { id: 'status', header: labels.status, cell: (route) => <RouteStatusBadge status={route.status} /> },
    { id: 'orders', header: labels.orders, align: 'end', cell: (route) => formatNumber(route.order_ids.length) },
    {
      id: 'progress',
      header: labels.progress,
      cell: (route) => <ProgressBar done={stopsDone(route.stops)} total={route.stops.length} label={labels.progress} />,
    },
    {
      id: 'distance',
      header: labels.distance,
      align: 'end',
      muted: true,
      cell: (route) => t.routes.km(formatNumber(Math.round(route.total_distance_m / 100) / 10)),
    },
    { id: 'start', header: labels.start, muted: true, cell: (route) => formatDateTime(route.start_time) },
  ];

  return (
    <Card flush>
      <div className={styles.filters}>
        <Field label={labels.date}>
          <Input type="date" value={date} onChange={(event) => event.target.value && onDateChange(event.target.value)} />
        </Field>
        <Field label={labels.status}>
          <Select value={status} onChange={(event) => onStatusChange(event.target.value as RouteStatus | '')}>
            <option value="">{t.common.all}</option>
            {ROUTE_STATUSES.map((value) => (
              <option key={value} value={value}>
                {t.routeStatuses[value]}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      <PaginatedTable
        query={query}
        caption={labels.caption(date)}
        columns={columns}
        getRowId={(route) => route.id}
        empty={
          <EmptyState icon={<RouteIcon size={22} />} title={labels.emptyTitle} description={labels.emptyBody} action={emptyAction} />
        }
      />
    </Card>
  );
}
