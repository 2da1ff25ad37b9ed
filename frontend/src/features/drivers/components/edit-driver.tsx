import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { DialogForm } from '@/components/ui/form-dialog';
import { Input } from '@/components/ui/input';
import { t } from '@/locales';
import type { Driver } from '@/types/api';

import { driverChanges, updateDriverInputSchema, useUpdateDriver } from '../api/update-driver';

type EditDriverDialogProps = {
  driver: Driver | null;
  onClose: () => void;
};

export function EditDriverDialog({ driver, onClose }: EditDriverDialogProps) {
  return (
    <Dialog open={driver !== null} onClose={onClose} title={driver ? t.drivers.form.editTitle(driver.name) : ''}>
      {driver && <EditDriverForm driver={driver} onDone={onClose} />}
    </Dialog>
  );
}

function EditDriverForm({ driver, onDone }: { driver: Driver; onDone: () => void }) {
  const updateDriver = useUpdateDriver();
  const labels = t.drivers.form;

  return (
    <DialogForm
      onClose={onDone}
      schema={updateDriverInputSchema}
      defaultValues={{ name: driver.name, phone: driver.phone }}
      serverFields={['name', 'phone']}
      submit={async (values) => {
        const changes = driverChanges(driver, values);
        if (Object.keys(changes).length === 0) return false;
        await updateDriver.mutateAsync({ driverId: driver.id, data: changes });
        return true;
      }}
      successMessage={(changed, values) => (changed ? t.drivers.updated(values.name) : null)}
      submitLabel={t.common.save}
    >
      {({ register, formState: { errors } }) => (
        <>
          <Field label={labels.name} error={errors.name?.message}>
            <Input autoComplete="off" {...register('name')} />
          </Field>
          <Field label={labels.phone} hint={labels.phoneHint} error={errors.phone?.message}>
            <Input type="tel" autoComplete="off" inputMode="tel" {...register('phone')} />
          </Field>
        </>
      )}
    </DialogForm>
  );
}
