import { Link } from 'react-router';

import { buttonClassName } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { paths } from '@/config/paths';
import { t } from '@/locales';

export default function NotFoundRoute() {
  return (
    <div style={{ paddingTop: '10vh' }}>
      <title>{`${t.errors.notFoundTitle} · ${t.common.appName}`}</title>
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
