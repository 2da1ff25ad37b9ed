import { useState } from 'react';

import { Button } from '@/components/ui/button';
import { FormDialog } from '@/components/ui/form-dialog';
import { PlusIcon } from '@/components/ui/icons';
import { t } from '@/locales';

import { useCreateVehicle, vehicleInputSchema } from '../api/create-vehicle';

import { VEHICLE_FIELDS, VehicleFields } from './vehicle-form';

export function CreateVehicle({ variant = 'primary' }: { variant?: 'primary' | 'secondary' }) {
  const [open, setOpen] = useState(false);
  const createVehicle = useCreateVehicle();

  return (
    <>
      <Button variant={variant} icon={<PlusIcon size={16} />} onClick={() => setOpen(true)}>
        {t.vehicles.add}
      </Button>
      <FormDialog
        open={open}
        onClose={() => setOpen(false)}
        title={t.vehicles.form.createTitle}
        schema={vehicleInputSchema}
        defaultValues={{ plate_number: '', type: 'VAN' }}
        serverFields={VEHICLE_FIELDS}
        submit={(values) => createVehicle.mutateAsync(values)}
        successMessage={(_vehicle, values) => t.vehicles.created(values.plate_number)}
        submitLabel={t.vehicles.form.create}
      >
        {(form) => <VehicleFields form={form} />}
      </FormDialog>
    </>
  );
}
