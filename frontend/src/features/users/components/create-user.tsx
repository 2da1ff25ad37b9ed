import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { toast } from 'sonner';

import { Button } from '@/components/ui/button';
import { Dialog, DialogFooter } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { FormStack } from '@/components/ui/form-layout';
import { PlusIcon } from '@/components/ui/icons';
import { Input, Select } from '@/components/ui/input';
import { OPS_ROLES } from '@/lib/authorization';
import { applyApiFieldErrors } from '@/lib/form-errors';
import { t } from '@/locales';

import { createUserInputSchema, useCreateUser, type CreateUserInput } from '../api/create-user';

const FIELDS = ['full_name', 'email', 'password', 'role'] as const;

export function CreateUser({ variant = 'primary' }: { variant?: 'primary' | 'secondary' }) {
  const [open, setOpen] = useState(false);

  return (
    <>
      <Button variant={variant} icon={<PlusIcon size={16} />} onClick={() => setOpen(true)}>
        {t.users.add}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={t.users.form.createTitle}>
        <CreateUserForm onDone={() => setOpen(false)} />
      </Dialog>
    </>
  );
}

function CreateUserForm({ onDone }: { onDone: () => void }) {
  const createUser = useCreateUser();
  const labels = t.users.form;
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm<CreateUserInput>({
    resolver: zodResolver(createUserInputSchema),
    // Least privilege by default.
    defaultValues: { full_name: '', email: '', password: '', role: 'OPS_DISPATCHER' },
  });

  const submit = handleSubmit(async (values) => {
    try {
      await createUser.mutateAsync(values);
      toast.success(t.users.created(values.full_name));
      onDone();
    } catch (error) {
      applyApiFieldErrors(error, setError, FIELDS);
    }
  });

  return (
    <FormStack onSubmit={(event) => void submit(event)}>
      <Field label={labels.fullName} error={errors.full_name?.message}>
        <Input autoComplete="off" autoFocus {...register('full_name')} />
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
      <DialogFooter>
        <Button variant="secondary" onClick={onDone}>
          {t.common.cancel}
        </Button>
        <Button type="submit" isLoading={createUser.isPending}>
          {labels.create}
        </Button>
      </DialogFooter>
    </FormStack>
  );
}
