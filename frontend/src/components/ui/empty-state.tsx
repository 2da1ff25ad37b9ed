import type { ReactNode } from 'react';

import { InboxIcon } from './icons';
import styles from './state.module.css';

type EmptyStateProps = {
  title: string;
  description?: ReactNode;
  icon?: ReactNode;
  action?: ReactNode;
  /** Heading level for the title (default h2). */
  headingLevel?: 'h1' | 'h2' | 'h3';
};

export function EmptyState({ title, description, icon, action, headingLevel: Heading = 'h2' }: EmptyStateProps) {
  return (
    <div className={styles.state}>
      <div className={styles.icon}>{icon ?? <InboxIcon size={22} />}</div>
      <Heading className={styles.title}>{title}</Heading>
      {description && <p className={styles.description}>{description}</p>}
      {action && <div className={styles.actions}>{action}</div>}
    </div>
  );
}
