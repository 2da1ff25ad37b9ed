import { PageHeader } from '@/components/ui/page-header';
import { CreateDriver } from '@/features/drivers/components/create-driver';
import { DriversList } from '@/features/drivers/components/drivers-list';
import { t } from '@/locales';

export default function DriversRoute() {
  return (
    <>
      <PageHeader title={t.drivers.title} description={t.drivers.subtitle} actions={<CreateDriver />} />
      <DriversList />
    </>
  );
}
