import { useParams } from 'react-router';

import { DriverRoute } from '@/features/driver/components/driver-route';

export default function DriverRouteRoute() {
  const { routeId = '' } = useParams();
  return <DriverRoute key={routeId} routeId={routeId} />;
}
