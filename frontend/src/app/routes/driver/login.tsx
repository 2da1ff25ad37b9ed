import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';

import { AuthLayout } from '@/components/layouts/auth-layout';
import { paths } from '@/config/paths';
import { LoginForm } from '@/features/auth/components/login-form';
import { REDIRECT_PARAM, safeRedirect } from '@/features/auth/utils';
import { useApiClient } from '@/lib/api-provider';
import { t } from '@/locales';

export default function DriverLoginRoute() {
  const api = useApiClient();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const redirectTo = safeRedirect(searchParams.get(REDIRECT_PARAM), 'driver');
  const labels = t.auth.driverLogin;

  if (api.session.get()) return <Navigate to={redirectTo} replace />;

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
      <LoginForm onSuccess={() => void navigate(redirectTo, { replace: true })} />
    </AuthLayout>
  );
}
