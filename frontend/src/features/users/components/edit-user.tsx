import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { DialogForm } from '@/components/ui/form-dialog';
import { Input, Select } from '@/components/ui/input';
import { OPS_ROLES } from '@/lib/authorization';
import { t } from '@/locales';
import type { User } from '@/types/api';

import { updateUserInputSchema, userChanges, useUpdateUser } from '../api/update-user';

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

  return (
    <DialogForm
      onClose={onDone}
      schema={updateUserInputSchema}
      defaultValues={{ full_name: user.full_name, role: user.role === 'DRIVER' ? undefined : user.role }}
      serverFields={['full_name', 'role']}
      submit={async (values) => {
        const changes = userChanges(user, values);
        if (Object.keys(changes).length === 0) return false;
        await updateUser.mutateAsync({ userId: user.id, data: changes });
        return true;
      }}
      successMessage={(changed, values) => (changed ? t.users.updated(values.full_name) : null)}
      submitLabel={t.common.save}
    >
      {({ register, formState: { errors } }) => (
        <>
          <Field label={labels.fullName} error={errors.full_name?.message}>
            <Input autoComplete="off" {...register('full_name')} />
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
        </>
      )}
    </DialogForm>
  );
}
