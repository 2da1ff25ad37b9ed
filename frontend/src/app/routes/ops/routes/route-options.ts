import { useMemo } from 'react';

import { useDrivers } from '@/features/drivers/api/list-drivers';
import { useOrders } from '@/features/orders/api/list-orders';
import type { Option } from '@/features/routes/components/create-route';
import { useVehicles } from '@/features/vehicles/api/list-vehicles';
import { flattenPages } from '@/lib/pagination';
import { t } from '@/locales';

/** Drivers, vehicles and CREATED orders for the route forms (composed here: features do not import each other). */
export function useRouteOptions() {
  const drivers = useDrivers();
  const vehicles = useVehicles();
  const orders = useOrders({ status: 'CREATED' });

  return useMemo(() => {
    const driverList = flattenPages(drivers.data) ?? [];
    const vehicleList = flattenPages(vehicles.data) ?? [];
    const orderList = flattenPages(orders.data) ?? [];
    const driverNames = new Map(driverList.map((driver) => [driver.id, driver.name]));
    const plates = new Map(vehicleList.map((vehicle) => [vehicle.id, vehicle.plate_number]));
    return {
      isLoading: drivers.isPending || vehicles.isPending || orders.isPending,
      drivers: driverList.filter((d) => d.is_active).map<Option>((d) => ({ id: d.id, label: d.name, hint: d.phone })),
      vehicles: vehicleList
        .filter((v) => v.is_active)
        .map<Option>((v) => ({ id: v.id, label: `${v.plate_number} · ${t.vehicleTypes[v.type]} · ${v.capacity_kg} kg` })),
      orders: orderList.map<Option>((o) => ({
        id: o.id,
        label: o.reference_code,
        hint: [o.customer_name, o.stops.find((s) => s.type === 'DROP')?.city].filter(Boolean).join(' · '),
      })),
      driverName: (id: string) => driverNames.get(id),
      vehiclePlate: (id: string) => plates.get(id),
    };
  }, [drivers.data, drivers.isPending, vehicles.data, vehicles.isPending, orders.data, orders.isPending]);
}
