import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import { toast } from 'sonner';

import { Button } from '@/components/ui/button';
import { Dialog, DialogFooter } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { FormStack } from '@/components/ui/form-layout';
import { Input } from '@/components/ui/input';
import { applyApiFieldErrors } from '@/lib/form-errors';
import { t } from '@/locales';
import type { Driver } from '@/types/api';

import {
  driverChanges,
  updateDriverInputSchema,
  useUpdateDriver,
  type UpdateDriverFormValues,
  type UpdateDriverInput,
} from '../api/update-driver';

const FIELDS = ['name', 'phone'] as const;

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
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm<UpdateDriverFormValues, unknown, UpdateDriverInput>({
    resolver: zodResolver(updateDriverInputSchema),
    defaultValues: { name: driver.name, phone: driver.phone },
  });

  const submit = handleSubmit(async (values) => {
    const changes = driverChanges(driver, values);
    try {
      if (Object.keys(changes).length > 0) {
        await updateDriver.mutateAsync({ driverId: driver.id, data: changes });
        toast.success(t.drivers.updated(values.name));
      }
      onDone();
    } catch (error) {
      applyApiFieldErrors(error, setError, FIELDS);
    }
  });

  return (
    <FormStack onSubmit={(event) => void submit(event)}>
      <Field label={labels.name} error={errors.name?.message}>
        <Input autoComplete="off" autoFocus {...register('name')} />
      </Field>
      <Field label={labels.phone} hint={labels.phoneHint} error={errors.phone?.message}>
        <Input type="tel" autoComplete="off" inputMode="tel" {...register('phone')} />
      </Field>
      <DialogFooter>
        <Button variant="secondary" onClick={onDone}>
          {t.common.cancel}
        </Button>
        <Button type="submit" isLoading={updateDriver.isPending}>
          {t.common.save}
        </Button>
      </DialogFooter>
    </FormStack>
  );
}
