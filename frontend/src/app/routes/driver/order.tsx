import { useParams, useSearchParams } from 'react-router';

import { DriverOrder } from '@/features/driver/components/driver-order';

export default function DriverOrderRoute() {
  const { orderId = '' } = useParams();
  const [params] = useSearchParams();
  return <DriverOrder key={orderId} orderId={orderId} routeIdHint={params.get('route')} />;
}
