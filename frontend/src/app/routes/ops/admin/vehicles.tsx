import { PageHeader } from '@/components/ui/page-header';
import { CreateVehicle } from '@/features/vehicles/components/create-vehicle';
import { VehiclesList } from '@/features/vehicles/components/vehicles-list';
import { t } from '@/locales';

export default function VehiclesRoute() {
  return (
    <>
      <PageHeader title={t.vehicles.title} description={t.vehicles.subtitle} actions={<CreateVehicle />} />
      <VehiclesList />
    </>
  );
}
