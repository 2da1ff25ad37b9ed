import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { toast } from 'sonner';

import { Button } from '@/components/ui/button';
import { Dialog, DialogFooter } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { FormStack } from '@/components/ui/form-layout';
import { PlusIcon } from '@/components/ui/icons';
import { Checkbox, Input } from '@/components/ui/input';
import { applyApiFieldErrors } from '@/lib/form-errors';
import { t } from '@/locales';

import {
  createDriverInputSchema,
  useCreateDriver,
  type CreateDriverFormValues,
  type CreateDriverInput,
} from '../api/create-driver';

const FIELDS = ['name', 'phone', 'email', 'password'] as const;

export function CreateDriver({ variant = 'primary' }: { variant?: 'primary' | 'secondary' }) {
  const [open, setOpen] = useState(false);

  return (
    <>
      <Button variant={variant} icon={<PlusIcon size={16} />} onClick={() => setOpen(true)}>
        {t.drivers.add}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={t.drivers.form.createTitle}>
        <CreateDriverForm onDone={() => setOpen(false)} />
      </Dialog>
    </>
  );
}

function CreateDriverForm({ onDone }: { onDone: () => void }) {
  const createDriver = useCreateDriver();
  const labels = t.drivers.form;
  const {
    register,
    handleSubmit,
    setError,
    watch,
    formState: { errors },
  } = useForm<CreateDriverFormValues, unknown, CreateDriverInput>({
    resolver: zodResolver(createDriverInputSchema),
    defaultValues: { name: '', phone: '', email: '', enable_login: false, password: '' },
  });
  const enableLogin = watch('enable_login');

  const submit = handleSubmit(async (values) => {
    try {
      await createDriver.mutateAsync(values);
      toast.success(t.drivers.created(values.name));
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
        <Input type="tel" autoComplete="off" inputMode="tel" placeholder="+447700900123" {...register('phone')} />
      </Field>
      <Field label={labels.email} hint={labels.emailHint} optional={!enableLogin} error={errors.email?.message}>
        <Input type="email" autoComplete="off" inputMode="email" {...register('email')} />
      </Field>
      <Checkbox label={labels.enableLogin} {...register('enable_login')} />
      {enableLogin && (
        <Field label={labels.password} hint={labels.passwordHint} error={errors.password?.message}>
          <Input type="password" autoComplete="new-password" {...register('password')} />
        </Field>
      )}
      <DialogFooter>
        <Button variant="secondary" onClick={onDone}>
          {t.common.cancel}
        </Button>
        <Button type="submit" isLoading={createDriver.isPending}>
          {labels.create}
        </Button>
      </DialogFooter>
    </FormStack>
  );
}
