import { useState } from 'react';
import { toast } from 'sonner';

import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { PlusIcon } from '@/components/ui/icons';
import { t } from '@/locales';

import { useCreateVehicle } from '../api/create-vehicle';

import { VehicleForm } from './vehicle-form';

export function CreateVehicle({ variant = 'primary' }: { variant?: 'primary' | 'secondary' }) {
  const [open, setOpen] = useState(false);
  const createVehicle = useCreateVehicle();

  return (
    <>
      <Button variant={variant} icon={<PlusIcon size={16} />} onClick={() => setOpen(true)}>
        {t.vehicles.add}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={t.vehicles.form.createTitle}>
        <VehicleForm
          defaultValues={{ plate_number: '', type: 'VAN' }}
          submitLabel={t.vehicles.form.create}
          isPending={createVehicle.isPending}
          onCancel={() => setOpen(false)}
          onSubmit={async (values) => {
            await createVehicle.mutateAsync(values);
            toast.success(t.vehicles.created(values.plate_number));
            setOpen(false);
          }}
        />
      </Dialog>
    </>
  );
}
