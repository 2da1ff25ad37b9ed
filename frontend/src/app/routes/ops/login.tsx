import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';

import { AuthLayout } from '@/components/layouts/auth-layout';
import { paths } from '@/config/paths';
import { LoginForm } from '@/features/auth/components/login-form';
import { useSessionState } from '@/features/auth/api/use-session-state';
import { REDIRECT_PARAM, safeRedirect } from '@/features/auth/utils';
import { t } from '@/locales';

export default function OpsLoginRoute() {
  const sessionState = useSessionState();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const redirectTo = safeRedirect(searchParams.get(REDIRECT_PARAM), 'ops');
  const labels = t.auth.login;

  // Already signed in (in this tab, or the refresh cookie still holds a session): go on.
  if (sessionState === 'active') return <Navigate to={redirectTo} replace />;

  return (
    <AuthLayout
      title={labels.title}
      subtitle={labels.subtitle}
      footer={
        <>
          <p>
            {labels.noAccount} <Link to={paths.ops.register}>{labels.createAccount}</Link>
          </p>
          <p>
            {labels.driverPrompt} <Link to={paths.driver.login}>{labels.driverLink}</Link>
          </p>
        </>
      }
    >
      <LoginForm onSuccess={() => void navigate(redirectTo, { replace: true })} />
    </AuthLayout>
  );
}
