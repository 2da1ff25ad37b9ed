import { useState } from 'react';
import { Link } from 'react-router';

import { AuthLayout } from '@/components/layouts/auth-layout';
import { Button } from '@/components/ui/button';
import { paths } from '@/config/paths';
import { RegisterForm } from '@/features/auth/components/register-form';
import { t } from '@/locales';

/**
 * Step 1 of registration. The API answers the same whether or not the email
 * already has an account, so the page always says "check your email"; the
 * emailed link opens /register/confirm, which finishes it.
 */
export default function RegisterRoute() {
  const labels = t.auth.register;
  const [sentTo, setSentTo] = useState<string | null>(null);

  if (sentTo !== null) {
    return (
      <AuthLayout wide title={labels.checkEmailTitle} subtitle={labels.checkEmailBody(sentTo)}>
        <div data-testid="register-check-email" style={{ display: 'grid', gap: 'var(--space-4)', justifyItems: 'start' }}>
          <p>{labels.checkEmailHint}</p>
          <Button variant="secondary" onClick={() => setSentTo(null)}>
            {labels.startAgain}
          </Button>
        </div>
      </AuthLayout>
    );
  }

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
      <RegisterForm onSuccess={setSentTo} />
    </AuthLayout>
  );
}
