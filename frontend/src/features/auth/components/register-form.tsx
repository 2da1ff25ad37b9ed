import { zodResolver } from '@hookform/resolvers/zod';
import { useRef, type ChangeEvent } from 'react';
import { useForm } from 'react-hook-form';

import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { applyApiFieldErrors } from '@/lib/form-errors';
import { slugify } from '@/lib/validation';
import { t } from '@/locales';

import { registerInputSchema, useRegister, type RegisterInput } from '../api/register';

import styles from './auth-form.module.css';

const FIELDS = ['tenant_name', 'tenant_slug', 'full_name', 'email', 'password'] as const;

/** Step 1 of registration: `onSuccess` gets the email the link was sent to. */
export function RegisterForm({ onSuccess }: { onSuccess: (email: string) => void }) {
  const registerTenant = useRegister();
  const slugEdited = useRef(false);
  const labels = t.auth.register;

  const {
    register,
    handleSubmit,
    setError,
    setValue,
    formState: { errors, isSubmitted },
  } = useForm<RegisterInput>({
    resolver: zodResolver(registerInputSchema),
    defaultValues: { tenant_name: '', tenant_slug: '', full_name: '', email: '', password: '' },
  });

  const onSubmit = handleSubmit(async (values) => {
    try {
      await registerTenant.mutateAsync(values);
      onSuccess(values.email);
    } catch (error) {
      applyApiFieldErrors(error, setError, FIELDS);
    }
  });

  return (
    <form className={styles.form} onSubmit={(event) => void onSubmit(event)} noValidate>
      <div className={styles.row}>
        <Field label={labels.tenantName} error={errors.tenant_name?.message}>
          <Input
            autoComplete="organization"
            autoFocus
            {...register('tenant_name', {
              onChange: (event: ChangeEvent<HTMLInputElement>) => {
                // Suggest a workspace ID until the user types one themselves.
                if (!slugEdited.current) {
                  setValue('tenant_slug', slugify(event.target.value), { shouldValidate: isSubmitted });
                }
              },
            })}
          />
        </Field>
        <Field label={labels.tenantSlug} error={errors.tenant_slug?.message} hint={labels.tenantSlugHint}>
          <Input
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            {...register('tenant_slug', {
              onChange: () => {
                slugEdited.current = true;
              },
            })}
          />
        </Field>
      </div>
      <Field label={labels.fullName} error={errors.full_name?.message}>
        <Input autoComplete="name" {...register('full_name')} />
      </Field>
      <Field label={labels.email} error={errors.email?.message}>
        <Input type="email" autoComplete="email" inputMode="email" {...register('email')} />
      </Field>
      <Field label={labels.password} error={errors.password?.message} hint={labels.passwordHint}>
        <Input type="password" autoComplete="new-password" {...register('password')} />
      </Field>
      <Button type="submit" fullWidth isLoading={registerTenant.isPending}>
        {registerTenant.isPending ? labels.submitting : labels.submit}
      </Button>
    </form>
  );
}
