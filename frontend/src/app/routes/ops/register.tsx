import { Link, useNavigate } from 'react-router';
import { toast } from 'sonner';

import { AuthLayout } from '@/components/layouts/auth-layout';
import { paths } from '@/config/paths';
import { RegisterForm } from '@/features/auth/components/register-form';
import { t } from '@/locales';

export default function RegisterRoute() {
  const navigate = useNavigate();
  const labels = t.auth.register;

  return (
    <AuthLayout
      wide
      title={labels.title}
      subtitle={labels.subtitle}
      footer={
        <p>
          {labels.haveAccount} <Link to={paths.ops.login}>{labels.signIn}</Link>
        </p>
      }
    >
      <RegisterForm
        onSuccess={(response) => {
          toast.success(labels.created(response.tenant.name));
          void navigate(paths.ops.dashboard, { replace: true });
        }}
      />
    </AuthLayout>
  );
}
