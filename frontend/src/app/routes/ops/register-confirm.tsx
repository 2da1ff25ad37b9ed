import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { toast } from 'sonner';

import { AuthLayout } from '@/components/layouts/auth-layout';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { AlertCircleIcon } from '@/components/ui/icons';
import { Spinner } from '@/components/ui/spinner';
import { paths } from '@/config/paths';
import { useRegisterConfirm } from '@/features/auth/api/register-confirm';
import { isApiError } from '@/lib/api-client';
import { t } from '@/locales';

/** The token of `#token=…` (a fragment: never sent to a server, never in access logs). */
export function tokenFromHash(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return token && token.trim() ? token.trim() : null;
}

/**
 * Step 2 of registration, opened from the emailed link: sends the token once,
 * and on success the new admin is signed in and lands on the dashboard.
 */
export default function RegisterConfirmRoute() {
  const labels = t.auth.confirm;
  const navigate = useNavigate();
  const confirm = useRegisterConfirm();
  // Read once: the fragment is removed from the address bar straight away.
  const [token] = useState(() => tokenFromHash(window.location.hash));
  const sent = useRef(false);

  const { mutate } = confirm;
  const submit = useCallback(() => {
    if (!token) return;
    mutate(token, {
      onSuccess: (response) => {
        toast.success(t.auth.register.created(response.tenant.name));
        void navigate(paths.ops.dashboard, { replace: true });
      },
    });
  }, [mutate, navigate, token]);

  useEffect(() => {
    if (window.location.hash) window.history.replaceState(window.history.state, '', window.location.pathname);
    // Once (StrictMode runs effects twice in development); "try again" calls `submit` itself.
    if (sent.current) return;
    sent.current = true;
    submit();
  }, [submit]);

  const startAgain = (
    <Link to={paths.ops.register} replace>
      {labels.startAgain}
    </Link>
  );

  if (!token) {
    return (
      <AuthLayout title={labels.invalidTitle}>
        <EmptyState icon={<AlertCircleIcon size={22} />} title={labels.invalidTitle} description={labels.missingToken} action={startAgain} />
      </AuthLayout>
    );
  }
  if (confirm.isError) {
    const error = confirm.error;
    const status = isApiError(error) ? error.status : 0;
    const [title, body] =
      status === 400
        ? [labels.invalidTitle, labels.invalidBody]
        : status === 409
          ? [labels.takenTitle, labels.takenBody]
          : [labels.failedTitle, error instanceof Error ? error.message : t.errors.unexpected];
    // A network failure or 5xx may pass: the same token can be sent again.
    const retryable = status !== 400 && status !== 409;
    return (
      <AuthLayout title={title}>
        <div data-testid="register-confirm-error" data-status={status}>
          <EmptyState
            icon={<AlertCircleIcon size={22} />}
            title={title}
            description={body}
            action={
              retryable ? (
                <Button onClick={submit} isLoading={confirm.isPending}>
                  {labels.retry}
                </Button>
              ) : (
                startAgain
              )
            }
          />
        </div>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title={labels.title}>
      <div role="status" style={{ display: 'flex', gap: 'var(--space-3)', alignItems: 'center' }}>
        <Spinner />
        <span>{labels.working}</span>
      </div>
    </AuthLayout>
  );
}
