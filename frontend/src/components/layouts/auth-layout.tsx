import type { ReactNode } from 'react';

import { Logo } from '@/components/ui/icons';
import { cn } from '@/lib/cn';
import { t } from '@/locales';

import styles from './auth-layout.module.css';

type AuthLayoutProps = {
  title: string;
  subtitle?: string;
  children: ReactNode;
  footer?: ReactNode;
  /** Wider card for longer forms. */
  wide?: boolean;
  /** Larger touch targets (driver app). */
  touch?: boolean;
};

/** Centred card for sign-in and sign-up pages. */
export function AuthLayout({ title, subtitle, children, footer, wide = false, touch = false }: AuthLayoutProps) {
  return (
    <div className={cn(styles.page, touch && styles.touch)}>
      <title>{`${title} · ${t.common.appName}`}</title>
      <div className={styles.brand}>
        <Logo size={32} />
        <span>{t.common.appName}</span>
      </div>
      <main className={cn(styles.card, wide && styles.wide)}>
        <h1 className={styles.title}>{title}</h1>
        {subtitle && <p className={styles.subtitle}>{subtitle}</p>}
        {children}
      </main>
      {footer && <div className={styles.footer}>{footer}</div>}
    </div>
  );
}
