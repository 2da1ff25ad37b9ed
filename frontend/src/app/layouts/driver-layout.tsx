import { useEffect, type ReactNode } from 'react';
import { Link, Outlet } from 'react-router';
import { toast } from 'sonner';

import { Logo } from '@/components/ui/icons';
import { Skeleton, SkeletonGroup } from '@/components/ui/skeleton';
import { paths } from '@/config/paths';
import { RequireSession } from '@/features/auth/components/require-session';
import { useSession } from '@/features/auth/components/session';
import { SignOutButton } from '@/features/auth/components/sign-out-button';
import { hasPendingStart, useDriverQueue } from '@/features/driver/api/driver-queue';
import { useDriverRoutesToday } from '@/features/driver/api/list-driver-routes-today';
import { useDriverQueueSync } from '@/features/driver/api/use-driver-actions';
import { useLocationSharing, type SharingState } from '@/features/driver/api/use-location-sharing';
import { SyncIndicator } from '@/features/driver/components/sync-indicator';
import { t } from '@/locales';

import styles from './driver-layout.module.css';

export default function DriverLayout() {
  return (
    <RequireSession
      fallback={
        <DriverShell>
          <DriverSkeleton />
        </DriverShell>
      }
    >
      <SignedInDriverShell />
    </RequireSession>
  );
}

/**
 * Below the session guard: replays the signed-in driver's offline queue, and shares the device's
 * location while one of today's routes is in progress.
 */
function SignedInDriverShell() {
  // The queue shows and replays only the signed-in driver's actions.
  useDriverQueueSync(useSession().user.id);
  useServiceWorker();
  const routes = useDriverRoutesToday();
  const { items } = useDriverQueue();
  const active = routes.data?.find((route) => route.status === 'IN_PROGRESS' || hasPendingStart(route.id, items));
  const sharing = useLocationSharing(active?.id ?? null);
  return (
    <DriverShell signedIn sharing={sharing}>
      <Outlet />
    </DriverShell>
  );
}

/**
 * Registers the PWA service worker (app-shell precache) once the driver app is
 * in use. A new version is offered, not forced: reloading in the middle of a
 * delivery could lose a half-filled POD.
 */
function useServiceWorker() {
  useEffect(() => {
    if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
    void import('virtual:pwa-register').then(({ registerSW }) => {
      const update = registerSW({
        immediate: true,
        onNeedRefresh: () =>
          toast.info(t.driverApp.updateReady, {
            id: 'driver-app-update',
            duration: Infinity,
            action: { label: t.driverApp.updateNow, onClick: () => void update(true) },
          }),
        onOfflineReady: () => toast.success(t.driverApp.offlineReady, { id: 'driver-app-offline-ready' }),
        // The app works without it (online); keep the reason for whoever looks at the console.
        onRegisterError: (error: unknown) => console.error('Service worker registration failed', error),
      });
    });
  }, []);
}

function DriverShell({ signedIn = false, sharing = 'off', children }: { signedIn?: boolean; sharing?: SharingState; children: ReactNode }) {
  return (
    <div className={styles.app}>
      <a className="skip-link" href="#main">
        {t.common.skipToContent}
      </a>
      <header className={styles.header}>
        <Link to={paths.driver.today} className={styles.home} aria-label={t.driverApp.home}>
          <Logo size={30} />
        </Link>
        <div className={styles.title}>
          <span>{t.common.appName}</span>
          {signedIn && <SyncIndicator sharing={sharing} />}
        </div>
        {signedIn && <SignOutButton variant="ghost" className={styles.signOut} />}
      </header>
      <main id="main" className={styles.main} tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

function DriverSkeleton() {
  return (
    <SkeletonGroup>
      <Skeleton width="60%" height="2rem" />
      <Skeleton width="40%" />
      <div style={{ height: 'var(--space-4)' }} />
      <Skeleton height="8rem" radius="var(--radius-lg)" />
    </SkeletonGroup>
  );
}
