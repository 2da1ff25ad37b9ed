import { isRouteErrorResponse, Link, useRouteError } from 'react-router';

import { Button, buttonClassName } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { AlertCircleIcon } from '@/components/ui/icons';
import { paths } from '@/config/paths';
import { t } from '@/locales';

/** Last-resort error screen for a route that failed to load or render. */
export function RouteError() {
  const error = useRouteError();
  // Logged so the cause reaches the console (and error reporting), not just this screen.
  console.error(error);

  if (isRouteErrorResponse(error) && error.status === 404) {
    return (
      <div style={{ paddingTop: '10vh' }}>
        <EmptyState
          headingLevel="h1"
          title={t.errors.notFoundTitle}
          description={t.errors.notFoundBody}
          action={
            <Link to={paths.home} className={buttonClassName({ variant: 'secondary' })}>
              {t.errors.notFoundAction}
            </Link>
          }
        />
      </div>
    );
  }

  return (
    <div style={{ paddingTop: '10vh' }} role="alert">
      <EmptyState
        headingLevel="h1"
        icon={<AlertCircleIcon size={22} />}
        title={t.errors.boundaryTitle}
        description={t.errors.boundaryBody}
        action={<Button onClick={() => window.location.reload()}>{t.errors.reload}</Button>}
      />
    </div>
  );
}
