import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { MapPinIcon } from '@/components/ui/icons';
import { useSession } from '@/features/auth/components/session';
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
      <Card>
        <EmptyState icon={<MapPinIcon size={22} />} title={labels.noStopsTitle} description={labels.noStopsBody} />
      </Card>
    </>
  );
}
