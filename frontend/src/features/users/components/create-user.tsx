import { useState } from 'react';

import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { FormDialog } from '@/components/ui/form-dialog';
import { PlusIcon } from '@/components/ui/icons';
import { Input, Select } from '@/components/ui/input';
import { OPS_ROLES } from '@/lib/authorization';
import { t } from '@/locales';

import { createUserInputSchema, useCreateUser } from '../api/create-user';

export function CreateUser({ variant = 'primary' }: { variant?: 'primary' | 'secondary' }) {
  const [open, setOpen] = useState(false);
  const createUser = useCreateUser();
  const labels = t.users.form;

  return (
    <>
      <Button variant={variant} icon={<PlusIcon size={16} />} onClick={() => setOpen(true)}>
        {t.users.add}
      </Button>
      <FormDialog
        open={open}
        onClose={() => setOpen(false)}
        title={labels.createTitle}
        schema={createUserInputSchema}
        // Least privilege by default.
        defaultValues={{ full_name: '', email: '', password: '', role: 'OPS_DISPATCHER' }}
        serverFields={['full_name', 'email', 'password', 'role']}
        submit={(values) => createUser.mutateAsync(values)}
        successMessage={(_user, values) => t.users.created(values.full_name)}
        submitLabel={labels.create}
      >
        {({ register, formState: { errors } }) => (
          <>
            <Field label={labels.fullName} error={errors.full_name?.message}>
              <Input autoComplete="off" {...register('full_name')} />
            </Field>
            <Field label={labels.email} error={errors.email?.message}>
              <Input type="email" autoComplete="off" inputMode="email" {...register('email')} />
            </Field>
            <Field label={labels.password} hint={labels.passwordHint} error={errors.password?.message}>
              <Input type="password" autoComplete="new-password" {...register('password')} />
            </Field>
            <Field label={labels.role} error={errors.role?.message}>
              <Select {...register('role')}>
                {OPS_ROLES.map((role) => (
                  <option key={role} value={role}>
                    {t.roles[role]}
                  </option>
                ))}
              </Select>
            </Field>
          </>
        )}
      </FormDialog>
    </>
  );
}
