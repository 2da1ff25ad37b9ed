import { Link } from 'react-router';

import { buttonClassName } from '@/components/ui/button';
import { paths } from '@/config/paths';
import { useSession } from '@/features/auth/components/session';
import { TodayRoutes } from '@/features/driver/components/today-routes';
import { locale, t } from '@/locales';

import styles from './today.module.css';

const todayFormatter = new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long' });

export default function DriverTodayRoute() {
  // From /api/auth/me, loaded by the driver layout's session guard.
  const { user } = useSession();
  const labels = t.driverApp;

  return (
    <>
      <title>{`${labels.title} · ${t.common.appName}`}</title>
      <h1 className={styles.greeting}>{labels.greeting(user.full_name)}</h1>
      <p className={styles.date}>{todayFormatter.format(new Date())}</p>
      <TodayRoutes />
      <Link to={paths.driver.scan} className={buttonClassName({ variant: 'secondary', size: 'lg', fullWidth: true, className: styles.scan })}>
        {labels.scanLink}
      </Link>
    </>
  );
}
