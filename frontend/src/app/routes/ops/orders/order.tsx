import { useParams } from 'react-router';

import { OrderExceptions } from '@/features/exceptions/components/order-exceptions';
import { useInvalidateOrder } from '@/features/orders/api/get-order';
import { OrderDetail } from '@/features/orders/components/order-detail';

/** One order; its exceptions come from the exceptions feature and refetch the order when they change. */
export default function OrderRoute() {
  const { orderId = '' } = useParams();
  const invalidateOrder = useInvalidateOrder();
  return (
    <OrderDetail
      key={orderId}
      orderId={orderId}
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
