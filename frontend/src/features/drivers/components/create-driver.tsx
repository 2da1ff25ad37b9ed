import { useState } from 'react';
import { useWatch, type UseFormReturn } from 'react-hook-form';

import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { FormDialog } from '@/components/ui/form-dialog';
import { PlusIcon } from '@/components/ui/icons';
import { Checkbox, Input } from '@/components/ui/input';
import { t } from '@/locales';

import {
  createDriverInputSchema,
  useCreateDriver,
  type CreateDriverFormValues,
  type CreateDriverInput,
} from '../api/create-driver';

export function CreateDriver({ variant = 'primary' }: { variant?: 'primary' | 'secondary' }) {
  const [open, setOpen] = useState(false);
  const createDriver = useCreateDriver();

  return (
    <>
      <Button variant={variant} icon={<PlusIcon size={16} />} onClick={() => setOpen(true)}>
        {t.drivers.add}
      </Button>
      <FormDialog
        open={open}
        onClose={() => setOpen(false)}
        title={t.drivers.form.createTitle}
        schema={createDriverInputSchema}
        defaultValues={{ name: '', phone: '', email: '', enable_login: false, password: '' }}
        serverFields={['name', 'phone', 'email', 'password']}
        submit={(values) => createDriver.mutateAsync(values)}
        successMessage={(_driver, values) => t.drivers.created(values.name)}
        submitLabel={t.drivers.form.create}
      >
        {(form) => <CreateDriverFields form={form} />}
      </FormDialog>
    </>
  );
}

function CreateDriverFields({ form }: { form: UseFormReturn<CreateDriverFormValues, unknown, CreateDriverInput> }) {
  const labels = t.drivers.form;
  const {
    register,
    control,
    formState: { errors },
  } = form;
  const enableLogin = useWatch({ control, name: 'enable_login' });

  return (
    <>
      <Field label={labels.name} error={errors.name?.message}>
        <Input autoComplete="off" {...register('name')} />
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
    </>
  );
}
