import { useParams } from 'react-router';

import { RouteDetail } from '@/features/routes/components/route-detail';

import { useRouteOptions } from './route-options';

export default function RouteRoute() {
  const { routeId = '' } = useParams();
  const options = useRouteOptions();
  return <RouteDetail key={routeId} routeId={routeId} orderCandidates={options.orders} />;
}
