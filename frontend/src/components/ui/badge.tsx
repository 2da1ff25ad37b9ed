import type { ReactNode } from 'react';

import { cn } from '@/lib/cn';
import { t } from '@/locales';

import styles from './badge.module.css';

export type BadgeTone = 'neutral' | 'info' | 'success' | 'warning' | 'danger';

export function Badge({ tone = 'neutral', dot = false, children }: { tone?: BadgeTone; dot?: boolean; children: ReactNode }) {
  return <span className={cn(styles.badge, styles[tone], dot && styles.dot)}>{children}</span>;
}

export function StatusBadge({ active }: { active: boolean }) {
  return (
    <Badge tone={active ? 'success' : 'neutral'} dot>
      {active ? t.common.active : t.common.inactive}
    </Badge>
  );
}
