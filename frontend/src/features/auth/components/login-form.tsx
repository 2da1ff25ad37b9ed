import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';

import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { isApiError } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { applyApiFieldErrors } from '@/lib/form-errors';
import { t } from '@/locales';

import { loginInputSchema, useLogin, type LoginInput } from '../api/login';

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
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const cooldown = useCooldown(retryAt);

  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm<LoginInput>({
    resolver: zodResolver(loginInputSchema),
    defaultValues: { email: '', password: '' },
  });

  const onSubmit = handleSubmit(async (values) => {
    try {
      await login.mutateAsync(values);
      onSuccess();
    } catch (error) {
      applyApiFieldErrors(error, setError, ['email', 'password']);
      if (isApiError(error) && error.status === 429 && error.retryAfterSeconds) {
        setRetryAt(Date.now() + error.retryAfterSeconds * 1000);
      }
    }
  });

  return (
    <form className={styles.form} onSubmit={(event) => void onSubmit(event)} noValidate>
      <Field label={labels.email} error={errors.email?.message}>
        <Input type="email" autoComplete="username" inputMode="email" autoFocus {...register('email')} />
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
