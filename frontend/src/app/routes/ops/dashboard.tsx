import type { ComponentType } from 'react';
import { Link } from 'react-router';

import { Card } from '@/components/ui/card';
import { SteeringWheelIcon, TruckIcon, UsersIcon, type IconProps } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { paths } from '@/config/paths';
import { usePolicy } from '@/features/auth/components/require-policy';
import { useSession } from '@/features/auth/components/session';
import { HealthCard } from '@/features/health/components/health-card';
import { t } from '@/locales';

import styles from './dashboard.module.css';

const METRICS = [
  t.dashboard.metrics.ordersToday,
  t.dashboard.metrics.activeRoutes,
  t.dashboard.metrics.openExceptions,
  t.dashboard.metrics.driversOnDuty,
];

export default function DashboardRoute() {
  const { tenant } = useSession();
  const canManageUsers = usePolicy('manageUsers');
  const labels = t.dashboard;

  const setupLinks: { to: string; label: string; icon: ComponentType<IconProps>; hidden?: boolean }[] = [
    { to: paths.ops.admin.drivers, label: labels.setup.drivers, icon: SteeringWheelIcon },
    { to: paths.ops.admin.vehicles, label: labels.setup.vehicles, icon: TruckIcon },
    { to: paths.ops.admin.users, label: labels.setup.users, icon: UsersIcon, hidden: !canManageUsers },
  ];

  return (
    <>
      <PageHeader title={labels.title} description={labels.subtitle(tenant.name)} />

      {/* Placeholders until the orders, routes and exceptions APIs exist. */}
      <div className={styles.metrics}>
        {METRICS.map((label) => (
          <Card key={label}>
            <p className={styles.metricLabel}>{label}</p>
            <p className={styles.metricValue}>{t.common.emptyValue}</p>
            <p className={styles.metricHint}>{labels.metrics.pending}</p>
          </Card>
        ))}
      </div>

      <div className={styles.panels}>
        <HealthCard />
        <Card title={labels.setup.title} description={labels.setup.body}>
          <ul className={styles.links}>
            {setupLinks
              .filter((link) => !link.hidden)
              .map(({ to, label, icon: Icon }) => (
                <li key={to}>
                  <Link to={to}>
                    <Icon />
                    {label}
                  </Link>
                </li>
              ))}
          </ul>
        </Card>
      </div>
    </>
  );
}
