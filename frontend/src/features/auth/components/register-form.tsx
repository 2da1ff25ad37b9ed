import { useState, type ChangeEvent } from 'react';

import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { useApiForm } from '@/lib/use-api-form';
import { slugify } from '@/lib/validation';
import { t } from '@/locales';

import { registerInputSchema, useRegister } from '../api/register';

import styles from './auth-form.module.css';

/** Step 1 of registration: `onSuccess` gets the email the link was sent to. */
export function RegisterForm({ onSuccess }: { onSuccess: (email: string) => void }) {
  const registerTenant = useRegister();
  const [slugEdited, setSlugEdited] = useState(false);
  const labels = t.auth.register;

  const {
    form: {
      register,
      setValue,
      formState: { errors, isSubmitted },
    },
    onSubmit,
  } = useApiForm({
    schema: registerInputSchema,
    defaultValues: { tenant_name: '', tenant_slug: '', full_name: '', email: '', password: '' },
    serverFields: ['tenant_name', 'tenant_slug', 'full_name', 'email', 'password'],
    submit: (values) => registerTenant.mutateAsync(values),
    onSuccess: (_accepted, values) => onSuccess(values.email),
  });

  return (
    <form className={styles.form} onSubmit={onSubmit} noValidate>
      <div className={styles.row}>
        <Field label={labels.tenantName} error={errors.tenant_name?.message}>
          <Input
            autoComplete="organization"
            {...register('tenant_name', {
              onChange: (event: ChangeEvent<HTMLInputElement>) => {
                // Suggest a workspace ID until the user types one themselves.
                if (!slugEdited) {
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
              onChange: () => setSlugEdited(true),
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
