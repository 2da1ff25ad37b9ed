import type { ReactNode } from 'react';
import { Outlet } from 'react-router';

import { Logo } from '@/components/ui/icons';
import { Skeleton, SkeletonGroup } from '@/components/ui/skeleton';
import { RequireSession } from '@/features/auth/components/require-session';
import { SignOutButton } from '@/features/auth/components/sign-out-button';
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
      <DriverShell signedIn>
        <Outlet />
      </DriverShell>
    </RequireSession>
  );
}

function DriverShell({ signedIn = false, children }: { signedIn?: boolean; children: ReactNode }) {
  return (
    <div className={styles.app}>
      <a className="skip-link" href="#main">
        {t.common.skipToContent}
      </a>
      <header className={styles.header}>
        <Logo size={30} />
        <span className={styles.title}>{t.common.appName}</span>
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
