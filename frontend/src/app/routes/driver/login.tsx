import { useEffect, useState } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';

import { AuthLayout } from '@/components/layouts/auth-layout';
import { paths } from '@/config/paths';
import { LoginForm } from '@/features/auth/components/login-form';
import { useSessionState } from '@/features/auth/api/use-session-state';
import { REDIRECT_PARAM, safeRedirect } from '@/features/auth/utils';
import { getDriverQueue } from '@/features/driver/api/driver-queue';
import { t } from '@/locales';

export default function DriverLoginRoute() {
  const sessionState = useSessionState();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const redirectTo = safeRedirect(searchParams.get(REDIRECT_PARAM), 'driver');
  const labels = t.auth.driverLogin;
  const waiting = useActionsWaitingOnPhone();

  // Already signed in (in this tab, or the refresh cookie still holds a session): go on.
  if (sessionState === 'active') return <Navigate to={redirectTo} replace />;

  return (
    <AuthLayout
      touch
      title={labels.title}
      subtitle={labels.subtitle}
      footer={
        <p>
          {labels.opsPrompt} <Link to={paths.ops.login}>{labels.opsLink}</Link>
        </p>
      }
    >
      {waiting > 0 && (
        <p role="status" data-testid="queued-on-phone" data-count={waiting} style={{ marginBottom: 'var(--space-4)' }}>
          {t.driverApp.sync.waitingOnPhone(waiting)}
        </p>
      )}
      <LoginForm onSuccess={() => void navigate(redirectTo, { replace: true })} />
    </AuthLayout>
  );
}

/** Actions queued on this phone by any driver and not sent yet (they wait for their driver to sign in). */
function useActionsWaitingOnPhone(): number {
  const [count, setCount] = useState(0);
  useEffect(() => {
    if (typeof indexedDB === 'undefined') return;
    let live = true;
    void getDriverQueue()
      .countAll()
      .then((n) => live && setCount(n))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  return count;
}
