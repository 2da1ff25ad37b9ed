import { useSearchParams } from 'react-router';

import { PageHeader } from '@/components/ui/page-header';
import { CreateRoute } from '@/features/routes/components/create-route';
import { RoutesList } from '@/features/routes/components/routes-list';
import { todayIsoDate } from '@/lib/datetime';
import { t } from '@/locales';
import { ROUTE_STATUSES, type RouteStatus } from '@/types/api';

import { useRouteOptions } from './route-options';

/** Routes of one day (`?date=YYYY-MM-DD`, default today) with a status filter, and "New route". */
export default function RoutesRoute() {
  const [params, setParams] = useSearchParams();
  const date = /^\d{4}-\d{2}-\d{2}$/.test(params.get('date') ?? '') ? params.get('date')! : todayIsoDate();
  const rawStatus = params.get('status') ?? '';
  const status = (ROUTE_STATUSES as readonly string[]).includes(rawStatus) ? (rawStatus as RouteStatus) : '';
  const options = useRouteOptions();

  const update = (next: Record<string, string>) =>
    setParams((current) => {
      const merged = new URLSearchParams(current);
      for (const [key, value] of Object.entries(next)) {
        if (value) merged.set(key, value);
        else merged.delete(key);
      }
      return merged;
    });

  const create = (
    <CreateRoute date={date} drivers={options.drivers} vehicles={options.vehicles} orders={options.orders} isLoadingOptions={options.isLoading} />
  );
  return (
    <>
      <PageHeader title={t.routes.title} description={t.routes.subtitle} actions={create} />
      <RoutesList
        date={date}
        status={status}
        onDateChange={(value) => update({ date: value })}
        onStatusChange={(value) => update({ status: value })}
        driverName={options.driverName}
        vehiclePlate={options.vehiclePlate}
      />
    </>
  );
}
