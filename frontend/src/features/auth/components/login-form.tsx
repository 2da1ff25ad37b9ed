
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { isApiError } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { useApiForm } from '@/lib/use-api-form';
import { t } from '@/locales';

import { loginInputSchema, useLogin } from '../api/login';

import styles from './auth-form.module.css';
import { useCooldown } from './use-cooldown';

type LoginFormProps = {
  onSuccess: () => void;
};

/** Email + password sign-in for the realm of the surrounding API client. */
export function LoginForm({ onSuccess }: LoginFormProps) {
  const api = useApiClient();
  const labels = api.realm === 'driver' ? t.auth.driverLogin : t.auth.login;
  const login = useLogin();
  const [cooldown, startCooldown] = useCooldown();

  const {
    form: {
      register,
      formState: { errors },
    },
    onSubmit,
  } = useApiForm({
    schema: loginInputSchema,
    defaultValues: { email: '', password: '' },
    serverFields: ['email', 'password'],
    submit: (values) => login.mutateAsync(values),
    onSuccess: () => onSuccess(),
    onFailure: (error) => {
      if (isApiError(error) && error.status === 429 && error.retryAfterSeconds) startCooldown(error.retryAfterSeconds);
      return false;
    },
  });

  return (
    <form className={styles.form} onSubmit={onSubmit} noValidate>
      <Field label={labels.email} error={errors.email?.message}>
        <Input type="email" autoComplete="username" inputMode="email" {...register('email')} />
      </Field>
      <Field label={labels.password} error={errors.password?.message}>
        <Input type="password" autoComplete="current-password" {...register('password')} />
      </Field>
      {cooldown > 0 && (
        <p className={styles.notice}>
          {t.auth.login.cooldown(t.common.duration(cooldown))}
        </p>
      )}
      <Button
        type="submit"
        size={api.realm === 'driver' ? 'lg' : 'md'}
        fullWidth
        isLoading={login.isPending}
        disabled={cooldown > 0}
      >
        {login.isPending ? labels.submitting : labels.submit}
      </Button>
    </form>
  );
}
