import { useMemo } from 'react';
import { useParams } from 'react-router';

import { OrderExceptions } from '@/features/exceptions/components/order-exceptions';
import { useInvalidateOrder } from '@/features/orders/api/get-order';
import { OrderDetail } from '@/features/orders/components/order-detail';
import { useRoutes } from '@/features/routes/api/list-routes';
import { formatDay, todayIsoDate } from '@/lib/datetime';
import { flattenPages } from '@/lib/pagination';
import { locale, t } from '@/locales';

/**
 * One order; its exceptions come from the exceptions feature (and refetch the
 * order when they change), the routes it can be moved to from the routes feature.
 */
export default function OrderRoute() {
  const { orderId = '' } = useParams();
  const invalidateOrder = useInvalidateOrder();
  const routes = useRoutes({ date_from: todayIsoDate() });
  const targets = useMemo(
    () =>
      (flattenPages(routes.data) ?? [])
        .filter((route) => route.status === 'PLANNED' || route.status === 'IN_PROGRESS')
        .map((route) => ({
          id: route.id,
          label: t.orders.reassign.targetLabel(formatDay(route.route_date, locale), t.routeStatuses[route.status], route.order_ids.length),
        })),
    [routes.data],
  );
  return (
    <OrderDetail
      key={orderId}
      orderId={orderId}
      reassignTargets={targets}
      renderExceptions={(order) => (
        <OrderExceptions
          orderId={order.id}
          exceptions={order.exceptions}
          onChanged={() => void invalidateOrder(order.id)}
        />
      )}
    />
  );
}
