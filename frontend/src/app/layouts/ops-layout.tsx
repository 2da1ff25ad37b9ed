import { useState, type ComponentType } from 'react';
import { NavLink, Outlet, useLocation, useNavigation } from 'react-router';

import {
  ActivityIcon,
  AlertTriangleIcon,
  CloseIcon,
  DashboardIcon,
  Logo,
  MenuIcon,
  PackageIcon,
  RouteIcon,
  SteeringWheelIcon,
  TruckIcon,
  UsersIcon,
  WebhookIcon,
  type IconProps,
} from '@/components/ui/icons';
import { Skeleton, SkeletonGroup } from '@/components/ui/skeleton';
import { paths } from '@/config/paths';
import { RequireSession } from '@/features/auth/components/require-session';
import { usePolicy } from '@/features/auth/components/require-policy';
import { useSession } from '@/features/auth/components/session';
import { SignOutButton } from '@/features/auth/components/sign-out-button';
import { cn } from '@/lib/cn';
import { t } from '@/locales';

import styles from './ops-layout.module.css';

type NavItem = {
  to: string;
  label: string;
  icon: ComponentType<IconProps>;
  /** The page is a placeholder until its API exists. */
  soon?: boolean;
  hidden?: boolean;
};

export default function OpsLayout() {
  return (
    <RequireSession fallback={<OpsShellSkeleton />}>
      <OpsShell />
    </RequireSession>
  );
}

function OpsShell() {
  const { user, tenant } = useSession();
  const canManageUsers = usePolicy('manageUsers');
  const navigation = useNavigation();
  const location = useLocation();
  // The mobile menu stays open on the page it was opened on: navigating closes it.
  const [menuOpenOn, setMenuOpenOn] = useState<string | null>(null);
  const menuOpen = menuOpenOn === location.pathname;
  const setMenuOpen = (open: boolean) => setMenuOpenOn(open ? location.pathname : null);

  const operations: NavItem[] = [
    { to: paths.ops.dashboard, label: t.nav.dashboard, icon: DashboardIcon },
    { to: paths.ops.orders, label: t.nav.orders, icon: PackageIcon },
    { to: paths.ops.routes, label: t.nav.routes, icon: RouteIcon },
    { to: paths.ops.exceptions, label: t.nav.exceptions, icon: AlertTriangleIcon },
  ];
  const admin: NavItem[] = [
    { to: paths.ops.admin.users, label: t.nav.users, icon: UsersIcon, hidden: !canManageUsers },
    { to: paths.ops.admin.drivers, label: t.nav.drivers, icon: SteeringWheelIcon },
    { to: paths.ops.admin.vehicles, label: t.nav.vehicles, icon: TruckIcon },
    { to: paths.ops.admin.webhooks, label: t.nav.webhooks, icon: WebhookIcon },
    { to: paths.ops.admin.events, label: t.nav.events, icon: ActivityIcon },
  ];

  return (
    <div className={styles.shell}>
      <a className="skip-link" href="#main">
        {t.common.skipToContent}
      </a>
      {navigation.state === 'loading' && <div className={styles.progress} aria-hidden="true" />}

      <aside id="ops-sidebar" className={cn(styles.sidebar, menuOpen && styles.sidebarOpen)}>
        <div className={styles.brand}>
          <Logo />
          <div>
            <span className={styles.brandName}>{t.common.appName}</span>
            <span className={styles.tenant} title={tenant.name}>
              {tenant.name}
            </span>
          </div>
        </div>

        <nav className={styles.nav} aria-label={t.nav.main}>
          <NavSection items={operations} />
          <NavSection heading={t.nav.admin} items={admin} />
        </nav>

        <div className={styles.account}>
          <div>
            <div className={styles.accountName}>{user.full_name}</div>
            <div className={styles.accountMeta}>
              {t.roles[user.role]} · {user.email}
            </div>
          </div>
          <SignOutButton size="sm" fullWidth />
        </div>
      </aside>

      {menuOpen && (
        <button
          type="button"
          className={styles.backdrop}
          aria-label={t.nav.closeMenu}
          tabIndex={-1}
          onClick={() => setMenuOpen(false)}
        />
      )}

      <div>
        <header className={styles.topbar}>
          <button
            type="button"
            className={styles.menuButton}
            aria-expanded={menuOpen}
            aria-controls="ops-sidebar"
            aria-label={menuOpen ? t.nav.closeMenu : t.nav.openMenu}
            onClick={() => setMenuOpen(!menuOpen)}
          >
            {menuOpen ? <CloseIcon size={22} /> : <MenuIcon size={22} />}
          </button>
          <Logo size={24} />
          <strong>{t.common.appName}</strong>
        </header>
        <main id="main" className={styles.main} tabIndex={-1}>
          <div className={styles.content}>
            <Outlet />
          </div>
        </main>
      </div>
    </div>
  );
}

function NavSection({ heading, items }: { heading?: string; items: NavItem[] }) {
  const visible = items.filter((item) => !item.hidden);
  if (visible.length === 0) return null;
  return (
    <div>
      {heading && <p className={styles.sectionHeading}>{heading}</p>}
      <ul className={styles.section}>
        {visible.map(({ to, label, icon: Icon, soon }) => (
          <li key={to}>
            <NavLink to={to} className={styles.link}>
              <Icon />
              <span>{label}</span>
              {soon && <span className={styles.soon}>{t.common.comingSoon}</span>}
            </NavLink>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Shown while the session is checked, so the page does not jump. */
function OpsShellSkeleton() {
  return (
    <div className={styles.shell}>
      <aside className={styles.sidebar} aria-hidden="true">
        <div className={styles.brand}>
          <Logo />
          <span className={styles.brandName}>{t.common.appName}</span>
        </div>
      </aside>
      <main className={styles.main}>
        <div className={styles.content}>
          <SkeletonGroup>
            <Skeleton width="14rem" height="2rem" />
            <Skeleton width="22rem" />
            <div style={{ height: 'var(--space-4)' }} />
            <Skeleton height="12rem" radius="var(--radius-lg)" />
          </SkeletonGroup>
        </div>
      </main>
    </div>
  );
}

