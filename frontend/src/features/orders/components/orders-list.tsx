import type { ReactNode } from 'react';
import { Link } from 'react-router';

import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PackageIcon } from '@/components/ui/icons';
import { PaginatedTable } from '@/components/ui/paginated-table';
import type { Column } from '@/components/ui/table';
import { paths } from '@/config/paths';
import { formatDateTime } from '@/lib/format';
import { t } from '@/locales';
import type { Order } from '@/types/api';

import { useOrders } from '../api/list-orders';

import { OrderFilters } from './order-filters';
import { OrderStatusBadge } from './order-status-badge';
import styles from './orders.module.css';
import { hasOrderFilters, toOrderFilters, useOrderFilterParams } from './use-order-filters';

/** "Bengaluru → Mysuru": first stop to last stop. */
const routeSummary = (order: Order): string => {
  const first = order.stops[0];
  const last = order.stops[order.stops.length - 1];
  if (!first || !last) return t.common.emptyValue;
  return first === last ? first.city : `${first.city} → ${last.city}`;
};

export function OrdersList({ emptyAction }: { emptyAction?: ReactNode }) {
  const [filters, setFilters] = useOrderFilterParams();
  const orders = useOrders(toOrderFilters(filters));
  const labels = t.orders;

  const columns: Column<Order>[] = [
    {
      id: 'reference',
      header: labels.columns.reference,
      rowHeader: true,
      cell: (order) => (
        <Link to={paths.ops.order(order.id)} className={styles.reference}>
          {order.reference_code}
        </Link>
      ),
    },
    {
      id: 'customer',
      header: labels.columns.customer,
      cell: (order) => (
        <>
          {order.customer_name}
          <span className={styles.secondary}>{order.customer_phone}</span>
        </>
      ),
    },
    { id: 'status', header: labels.columns.status, cell: (order) => <OrderStatusBadge status={order.status} /> },
    {
      id: 'route',
      header: labels.columns.route,
      cell: (order) => (
        <>
          {routeSummary(order)}
          <span className={styles.secondary}>{labels.stopsCount(order.stops.length)}</span>
        </>
      ),
    },
    {
      id: 'created',
      header: labels.columns.created,
      muted: true,
      cell: (order) => <span className={styles.nowrap}>{formatDateTime(order.created_at)}</span>,
    },
  ];

  return (
    <Card flush>
      <OrderFilters value={filters} onChange={setFilters} />
      <PaginatedTable
        query={orders}
        caption={labels.title}
        columns={columns}
        getRowId={(order) => order.id}
        empty={
          hasOrderFilters(filters) ? (
            <EmptyState title={labels.noMatchesTitle} description={labels.noMatchesBody} />
          ) : (
            <EmptyState
              icon={<PackageIcon size={22} />}
              title={labels.emptyTitle}
              description={labels.emptyBody}
              action={emptyAction}
            />
          )
        }
      />
    </Card>
  );
}
