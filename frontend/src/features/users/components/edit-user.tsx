import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import { toast } from 'sonner';

import { Button } from '@/components/ui/button';
import { Dialog, DialogFooter } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { FormStack } from '@/components/ui/form-layout';
import { Input, Select } from '@/components/ui/input';
import { OPS_ROLES } from '@/lib/authorization';
import { applyApiFieldErrors } from '@/lib/form-errors';
import { t } from '@/locales';
import type { User } from '@/types/api';

import {
  updateUserInputSchema,
  userChanges,
  useUpdateUser,
  type UpdateUserFormValues,
  type UpdateUserInput,
} from '../api/update-user';

const FIELDS = ['full_name', 'role'] as const;

type EditUserDialogProps = {
  user: User | null;
  /** The signed-in user's id: nobody can change their own role. */
  currentUserId: string;
  onClose: () => void;
};

export function EditUserDialog({ user, currentUserId, onClose }: EditUserDialogProps) {
  return (
    <Dialog open={user !== null} onClose={onClose} title={user ? t.users.form.editTitle(user.full_name) : ''}>
      {user && <EditUserForm user={user} isSelf={user.id === currentUserId} onDone={onClose} />}
    </Dialog>
  );
}

function EditUserForm({ user, isSelf, onDone }: { user: User; isSelf: boolean; onDone: () => void }) {
  const updateUser = useUpdateUser();
  const labels = t.users.form;
  const isDriver = user.role === 'DRIVER';
  const roleLocked = isSelf || isDriver;
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm<UpdateUserFormValues, unknown, UpdateUserInput>({
    resolver: zodResolver(updateUserInputSchema),
    defaultValues: { full_name: user.full_name, role: user.role === 'DRIVER' ? undefined : user.role },
  });

  const submit = handleSubmit(async (values) => {
    const changes = userChanges(user, values);
    try {
      if (Object.keys(changes).length > 0) {
        await updateUser.mutateAsync({ userId: user.id, data: changes });
        toast.success(t.users.updated(values.full_name));
      }
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
      <Field
        label={labels.role}
        error={errors.role?.message}
        hint={isSelf ? labels.roleSelfHint : isDriver ? labels.roleDriverHint : undefined}
      >
        {isDriver ? (
          <Select disabled value="DRIVER">
            <option value="DRIVER">{t.roles.DRIVER}</option>
          </Select>
        ) : (
          // A disabled field is left out of the submitted values, so the role is not sent.
          <Select {...register('role', { disabled: roleLocked })}>
            {OPS_ROLES.map((role) => (
              <option key={role} value={role}>
                {t.roles[role]}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <DialogFooter>
        <Button variant="secondary" onClick={onDone}>
          {t.common.cancel}
        </Button>
        <Button type="submit" isLoading={updateUser.isPending}>
          {t.common.save}
        </Button>
      </DialogFooter>
    </FormStack>
  );
}
